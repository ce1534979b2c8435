/**
 * Payout rules: what paying a referrer out writes to the ledger (available → paid), as drafts, and
 * when a payout is refused. The ledger's buckets, drafts and errors are in ledger.ts; the payout's
 * SQL is in db/ and its workflow in services/.
 */
import { LedgerRuleError } from './ledger.js';
import type { Balances, EntryDraft } from './ledger.js';

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
