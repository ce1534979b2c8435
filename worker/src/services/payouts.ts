/**
 * Paying referrers out of their available balance.
 * - One payout (secret key): payout entries (available → paid), written only if the balance is
 *   still what was read, so concurrent payouts cannot overdraw, and a `payout.paid` webhook event
 *   in the same batch.
 * - Payout batches (secret key or the dashboard): the referrers due (available at or above the
 *   shop's threshold), exported as files to upload (PayPal Payouts CSV; a bank/FPS CSV), then
 *   marked paid — which writes each item's payout, ledger entries and `payout.paid` event exactly
 *   once, however many times and however concurrently "mark paid" is clicked.
 */
import type { PayoutResultBody } from '../contract/payouts.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import { getReferrer } from '../db/referrers.js';
import Papa from 'papaparse';
import type { PayoutBatch } from '../contract/payouts.js';
import type { BatchItemView, PayoutBatchRow } from '../db/payouts.js';
import {
  availableBalances,
  batchIsPaid,
  batchItems,
  cancelBatchStatement,
  createBatchStatements,
  getBatch,
  getPayout,
  inOpenBatch,
  insertPayoutStatement,
  listBatches,
  markBatchPaidStatement,
  paidBatchPayoutsStatement,
} from '../db/payouts.js';
import { outboxEventsStatement, outboxStatement } from '../db/outbox.js';
import { insertEntryRowsStatement, insertEntryStatements, referrerBalances } from '../db/ledger.js';
import type { EntryRow } from '../db/ledger.js';
import { LedgerRuleError } from '../domain/ledger.js';
import { bankFileRows, isDue, paidEntries, payoutEntries, payoutRail, paypalFileRows } from '../domain/payouts.js';
import type { BatchFileItem } from '../domain/payouts.js';
import { newId } from '../lib/ids.js';
import { announceEvents } from './webhooks.js';

export async function payReferrer(
  env: Env,
  shop: ShopRow,
  body: { referrerId: string; amountMinor?: number },
  now: number,
): Promise<PayoutResultBody> {
  const db = env.DB;
  const referrer = await getReferrer(db, shop.id, body.referrerId);
  if (!referrer) throw new ApiError(404, 'not_found', 'No such referrer in this shop.');
  if (await inOpenBatch(db, referrer.id)) throw new ApiError(409, 'payout_in_batch');
  const balances = await referrerBalances(db, referrer.id, shop.currency);
  const amount = body.amountMinor ?? balances.available;
  const id = newId('po');
  let drafts;
  try {
    drafts = payoutEntries({ payoutId: id, referrerBalances: balances, amountMinor: amount });
  } catch (error) {
    if (error instanceof LedgerRuleError) {
      throw new ApiError(422, 'insufficient_available', `Available is ${balances.available}; cannot pay ${amount}.`);
    }
    throw error;
  }
  const payout = {
    id,
    shop_id: shop.id,
    referrer_id: referrer.id,
    amount_minor: amount,
    currency: shop.currency,
    created_at: now,
  };
  const written = { sql: 'EXISTS (SELECT 1 FROM payouts WHERE id = ?)', args: [id] };
  await db.batch([
    insertPayoutStatement(db, payout, balances.available),
    ...insertEntryStatements(
      db,
      { shopId: shop.id, referrerId: referrer.id, currency: shop.currency, txnId: newId('txn'), payoutId: id, now },
      drafts,
      written,
    ),
    outboxStatement(db, {
      shopId: shop.id,
      type: 'payout.paid',
      payload: { payoutId: id, referrerId: referrer.id, amountMinor: amount, currency: shop.currency },
      dedupeKey: `payout.paid:${id}`,
      now,
      onlyIf: written,
    }),
  ]);
  if (!(await getPayout(db, id)))
    throw new ApiError(409, 'insufficient_available', 'The balance changed while paying out; retry.');
  if (shop.webhook_url) await announceEvents(env, shop.id);
  return {
    payout: { id, referrerId: referrer.id, amountMinor: amount, currency: shop.currency, createdAt: now },
    balances: await referrerBalances(db, referrer.id, shop.currency),
  };
}

/** Items one batch holds at most (PayPal takes 5,000 rows per file). */
export const MAX_BATCH_ITEMS = 500;

const detailsOf = (r: {
  fps_id: string | null;
  paypal_email: string | null;
  bank_account: string | null;
  phone: string | null;
}) => ({
  fpsId: r.fps_id,
  paypalEmail: r.paypal_email,
  bankAccount: r.bank_account,
  phone: r.phone,
});

/** The referrers due a payout: available at or above the shop's threshold, in no open batch, not deleted. */
export async function duePayouts(db: D1Database, shop: ShopRow) {
  const threshold = shop.payout_threshold_minor ?? 0;
  const rows = await availableBalances(db, shop.id, threshold);
  return {
    thresholdMinor: threshold,
    currency: shop.currency,
    data: rows
      .filter((r) => !r.in_open_batch && r.deleted_at === null && isDue(r.available, threshold))
      .map((r) => ({
        referrerId: r.referrer_id,
        code: r.vanity_code ?? r.code,
        displayName: r.display_name,
        availableMinor: r.available,
        currency: shop.currency,
        rail: payoutRail(detailsOf(r)),
      })),
  };
}

function presentBatch(b: PayoutBatchRow, items: BatchItemView[]): PayoutBatch {
  return {
    id: b.id,
    status: b.status,
    currency: b.currency,
    totalMinor: items.reduce((n, i) => n + i.amount_minor, 0),
    itemCount: items.length,
    createdAt: b.created_at,
    paidAt: b.paid_at,
    cancelledAt: b.cancelled_at,
    items: items.map((i) => ({
      payoutId: i.payout_id,
      referrerId: i.referrer_id,
      code: i.vanity_code ?? i.code,
      displayName: i.display_name,
      amountMinor: i.amount_minor,
      rail: i.rail,
    })),
  };
}

async function mustGetBatch(db: D1Database, shopId: string, id: string): Promise<PayoutBatchRow> {
  const batch = await getBatch(db, shopId, id);
  if (!batch) throw new ApiError(404, 'not_found', 'No such payout batch in this shop.');
  return batch;
}

export async function readBatch(db: D1Database, shop: ShopRow, id: string) {
  const batch = await mustGetBatch(db, shop.id, id);
  return { batch: presentBatch(batch, await batchItems(db, batch.id)) };
}

export async function batchesOf(db: D1Database, shop: ShopRow) {
  const rows = await listBatches(db, shop.id, 100);
  return {
    data: rows.map((b) => ({ ...presentBatch(b, []), totalMinor: b.total_minor, itemCount: b.item_count })),
  };
}

/**
 * A batch of the referrers due now (or of those of `referrerIds` who are due), each with their whole
 * available balance and the rail they are paid by. 422 `nothing_to_pay` when nobody is.
 */
export async function createBatch(db: D1Database, shop: ShopRow, body: { referrerIds?: string[] }, now: number) {
  const due = (await duePayouts(db, shop)).data.filter((d) => !body.referrerIds || body.referrerIds.includes(d.referrerId));
  if (due.length === 0) throw new ApiError(422, 'nothing_to_pay');
  const batch: PayoutBatchRow = {
    id: newId('pb'),
    shop_id: shop.id,
    status: 'open',
    currency: shop.currency,
    created_at: now,
    paid_at: null,
    cancelled_at: null,
  };
  const items = due.slice(0, MAX_BATCH_ITEMS).map((d) => ({
    referrer_id: d.referrerId,
    payout_id: newId('po'),
    amount_minor: d.availableMinor,
    rail: d.rail,
  }));
  await db.batch(createBatchStatements(db, batch, items));
  const created = await getBatch(db, shop.id, batch.id);
  // every referrer changed balance or joined another batch meanwhile
  if (!created) throw new ApiError(409, 'nothing_to_pay', 'The balances changed while the batch was made; try again.');
  return { batch: presentBatch(created, await batchItems(db, batch.id)) };
}

/**
 * Marks a batch paid: the batch, every item's payout row, its two ledger entries (available →
 * paid) and its `payout.paid` event, in ONE D1 batch (atomic). Exactly once: the batch changes only
 * while open, payouts are keyed by the item's payout id and entries and events by dedupe keys, so
 * a repeated or concurrent "mark paid" writes nothing more and answers the same paid batch.
 */
export async function markBatchPaid(env: Env, shop: ShopRow, id: string, now: number) {
  const db = env.DB;
  const batch = await mustGetBatch(db, shop.id, id);
  if (batch.status === 'cancelled') throw new ApiError(409, 'batch_not_open', 'That payout batch was cancelled.');
  const items = await batchItems(db, batch.id);
  if (batch.status === 'open') {
    const entries: EntryRow[] = [];
    for (const item of items) {
      const txnId = newId('txn');
      for (const d of paidEntries(item.payout_id, item.amount_minor)) {
        entries.push({
          id: newId('le'),
          shop_id: shop.id,
          referrer_id: item.referrer_id,
          txn_id: txnId,
          type: d.type,
          bucket: d.bucket,
          amount_minor: d.amountMinor,
          currency: batch.currency,
          payout_id: item.payout_id,
          reason: d.reason ?? null,
          dedupe_key: d.dedupeKey ?? null,
          created_at: now,
        });
      }
    }
    const paid = batchIsPaid(batch.id);
    await db.batch([
      markBatchPaidStatement(db, shop.id, batch.id, now),
      paidBatchPayoutsStatement(db, batch.id, batch.currency, now),
      insertEntryRowsStatement(db, entries, paid),
      outboxEventsStatement(
        db,
        items.map((i) => ({
          shopId: shop.id,
          type: 'payout.paid' as const,
          payload: {
            payoutId: i.payout_id,
            batchId: batch.id,
            referrerId: i.referrer_id,
            amountMinor: i.amount_minor,
            currency: batch.currency,
          },
          dedupeKey: `payout.paid:${i.payout_id}`,
          now,
        })),
        paid,
      ),
    ]);
    if (shop.webhook_url) await announceEvents(env, shop.id);
  }
  return readBatch(db, shop, batch.id);
}

/** Cancels an open batch: its referrers are due again; nothing is written to the ledger. */
export async function cancelBatch(db: D1Database, shop: ShopRow, id: string, now: number) {
  const batch = await mustGetBatch(db, shop.id, id);
  if (batch.status === 'paid') throw new ApiError(409, 'batch_not_open', 'That payout batch was already paid.');
  await cancelBatchStatement(db, shop.id, batch.id, now).run();
  return readBatch(db, shop, batch.id);
}

export type BatchFile = 'paypal' | 'bank';

/**
 * Cells a spreadsheet would run as a formula (OWASP CSV injection): papaparse prefixes them with
 * `'`. A leading + or - followed only by digits, spaces and brackets is a phone number or an
 * amount, and stays as it is (an FPS id such as +852 9123 4567 must reach the bank intact).
 */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d ()]+$))/;

/**
 * A batch's file as CSV (papaparse): `paypal` — PayPal Payouts' format (no header), the items paid
 * by PayPal; `bank` — a header row and the other items, with FPS ids, phones and bank accounts.
 */
export async function batchFile(
  db: D1Database,
  shop: ShopRow,
  id: string,
  file: BatchFile,
): Promise<{ filename: string; csv: string }> {
  const batch = await mustGetBatch(db, shop.id, id);
  const items: BatchFileItem[] = (await batchItems(db, batch.id)).map((i) => ({
    payoutId: i.payout_id,
    referrerCode: i.vanity_code ?? i.code,
    name: i.display_name,
    amountMinor: i.amount_minor,
    currency: batch.currency,
    rail: i.rail,
    details: detailsOf(i),
    email: i.email,
  }));
  const rows = file === 'paypal' ? paypalFileRows(items, `${shop.name} referral commission`) : bankFileRows(items, shop.name);
  const csv = Papa.unparse(rows, { newline: '\r\n', escapeFormulae: FORMULA });
  return { filename: `${batch.id}-${file}.csv`, csv: rows.length ? csv + '\r\n' : '' };
}
