/**
 * Payout rules: what paying a referrer out writes to the ledger (available → paid), as drafts, and
 * when a payout is refused; for payout batches, who is due, by which rail each referrer is paid,
 * and the rows of the files a shop uploads to pay them (PayPal Payouts, and a bank/FPS list — PayPal
 * is never the only rail: it cannot pay into mainland China, and most small payouts in Hong Kong go
 * by FPS). The ledger's buckets, drafts and errors are in ledger.ts; the payout's SQL is in db/ and
 * its workflow in services/.
 */
import { LedgerRuleError } from './ledger.js';
import type { Balances, EntryDraft } from './ledger.js';
import { currencyExponent, minorToDecimalString } from './money.js';

/**
 * Pays a referrer out: available → paid.
 *
 * @throws LedgerRuleError('insufficient_available') when the amount is not positive or exceeds
 *   the referrer's available balance (which nets earlier clawbacks); ('invalid_amount') when it
 *   is not an integer.
 * @example
 * payoutEntries({ payoutId: 'po_1', referrerBalances: { onHold: 0, pending: 0, available: 5000, paid: 0 },
 *   amountMinor: 5000 });
 * // [{ type: 'payout', bucket: 'available', amountMinor: -5000, dedupeKey: 'payout:po_1:available' },
 * //  { type: 'payout', bucket: 'paid', amountMinor: 5000, dedupeKey: 'payout:po_1:paid' }]
 */
export function payoutEntries(input: { payoutId: string; referrerBalances: Balances; amountMinor: number }): EntryDraft[] {
  const { payoutId, referrerBalances, amountMinor } = input;
  if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor)) {
    throw new LedgerRuleError('invalid_amount', 'payout amount must be an integer');
  }
  if (amountMinor <= 0 || amountMinor > referrerBalances.available) {
    throw new LedgerRuleError(
      'insufficient_available',
      `payout of ${amountMinor} exceeds the available ${referrerBalances.available}`,
    );
  }
  return paidEntries(payoutId, amountMinor);
}

/**
 * The entries of a payout the shop has already sent (a payout batch marked paid): the money left
 * the shop, so it is recorded even if the referrer's available balance fell since the batch was made
 * (a refund's clawback): available then goes negative and nets against the next payout. The dedupe
 * keys are those of {@link payoutEntries}, so a payout is written once whatever path writes it.
 * @throws LedgerRuleError('invalid_amount') for an amount that is not a positive safe integer.
 */
export function paidEntries(payoutId: string, amountMinor: number): EntryDraft[] {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new LedgerRuleError('invalid_amount', 'payout amount must be a positive integer');
  }
  return [
    {
      type: 'payout',
      bucket: 'available',
      amountMinor: -amountMinor,
      reason: 'payout',
      dedupeKey: `payout:${payoutId}:available`,
    },
    {
      type: 'payout',
      bucket: 'paid',
      amountMinor,
      reason: 'payout',
      dedupeKey: `payout:${payoutId}:paid`,
    },
  ];
}

/** How a referrer is paid. */
export type PayoutRail = 'paypal' | 'fps' | 'bank' | 'manual';

/** What a referrer gave (or the shop recorded) for getting paid. */
export interface PayoutDetails {
  fpsId: string | null;
  paypalEmail: string | null;
  bankAccount: string | null;
  /** the referrer's phone: in Hong Kong an FPS proxy id by itself */
  phone: string | null;
}

/**
 * The rail a referrer is paid by: an FPS id first (Hong Kong's free instant transfers), then
 * PayPal, then a bank account, then the phone as an FPS proxy id; `manual` when nothing is known
 * (the bank file still lists them, to be paid by hand).
 * @example payoutRail({ fpsId: null, paypalEmail: 'kayan@example.hk', bankAccount: null, phone: '+85291234567' }) // 'paypal'
 */
export function payoutRail(d: PayoutDetails): PayoutRail {
  if (d.fpsId) return 'fps';
  if (d.paypalEmail) return 'paypal';
  if (d.bankAccount) return 'bank';
  if (d.phone) return 'fps';
  return 'manual';
}

/**
 * Whether a referrer is due a payout: a positive available balance at or above the shop's threshold.
 * @example isDue(5000, 10000) // false
 */
export function isDue(availableMinor: number, thresholdMinor: number): boolean {
  return availableMinor > 0 && availableMinor >= thresholdMinor;
}

/** One payout of a batch as the files list it. */
export interface BatchFileItem {
  payoutId: string;
  referrerCode: string;
  name: string | null;
  amountMinor: number;
  currency: string;
  rail: PayoutRail;
  details: PayoutDetails;
  email: string | null;
}

/**
 * The PayPal Payouts file (PayPal's "Payouts Web" CSV: no header row; recipient, amount in major
 * units with a dot, currency, customer id ≤ 30 characters, note ≤ 400, wallet): the batch's items
 * paid by PayPal.
 */
export function paypalFileRows(items: readonly BatchFileItem[], note: string): string[][] {
  return items
    .filter((i) => i.rail === 'paypal' && i.details.paypalEmail)
    .map((i) => [
      i.details.paypalEmail!,
      minorToDecimalString(i.amountMinor, currencyExponent(i.currency)),
      i.currency,
      i.payoutId.slice(0, 30),
      note.slice(0, 400),
      'PAYPAL',
    ]);
}

/** Columns of the bank/FPS file. */
export const BANK_FILE_COLUMNS = [
  'payout_id',
  'referrer_code',
  'name',
  'amount',
  'currency',
  'rail',
  'fps_id',
  'phone',
  'email',
  'bank_account',
  'reference',
] as const;

/**
 * The generic bank file (a header row, then one row per payout not paid by PayPal): the FPS id
 * (or the phone, an FPS proxy id) where given, the bank account, the amount in major units, and a
 * reference the transfer should carry.
 */
export function bankFileRows(items: readonly BatchFileItem[], reference: string): string[][] {
  return [
    [...BANK_FILE_COLUMNS],
    ...items
      .filter((i) => i.rail !== 'paypal' || !i.details.paypalEmail)
      .map((i) => [
        i.payoutId,
        i.referrerCode,
        i.name ?? '',
        minorToDecimalString(i.amountMinor, currencyExponent(i.currency)),
        i.currency,
        i.rail,
        i.details.fpsId ?? (i.rail === 'fps' ? (i.details.phone ?? '') : ''),
        i.details.phone ?? '',
        i.email ?? '',
        i.details.bankAccount ?? '',
        `${reference} ${i.payoutId}`.slice(0, 140),
      ]),
  ];
}
