/** Queries for payouts: money paid to a referrer out of their available balance. */
export interface PayoutRow {
  id: string;
  shop_id: string;
  referrer_id: string;
  amount_minor: number;
  currency: string;
  created_at: number;
}

/**
 * Inserts the payout only if the referrer's available balance is still `available` (what the
 * amount was checked against): two concurrent payouts cannot both spend it.
 */
export function insertPayoutStatement(db: D1Database, p: PayoutRow, available: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO payouts (id, shop_id, referrer_id, amount_minor, currency, created_at)
       SELECT ?, ?, ?, ?, ?, ?
        WHERE (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries WHERE referrer_id = ? AND bucket = 'available') = ?`,
    )
    .bind(p.id, p.shop_id, p.referrer_id, p.amount_minor, p.currency, p.created_at, p.referrer_id, available);
}

export function getPayout(db: D1Database, id: string): Promise<PayoutRow | null> {
  return db.prepare('SELECT * FROM payouts WHERE id = ?').bind(id).first<PayoutRow>();
}

/** Whether the referrer is in an open payout batch (then no other payout may spend their balance). */
export async function inOpenBatch(db: D1Database, referrerId: string): Promise<boolean> {
  const row = await db
    .prepare(
      `SELECT 1 AS x FROM payout_batch_items i JOIN payout_batches b ON b.id = i.batch_id
        WHERE i.referrer_id = ? AND b.status = 'open' LIMIT 1`,
    )
    .bind(referrerId)
    .first();
  return row !== null;
}

/** A referrer with a positive available balance, their payout details, and whether an open batch holds them. */
export interface AvailableRow {
  referrer_id: string;
  available: number;
  code: string;
  vanity_code: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  paypal_email: string | null;
  fps_id: string | null;
  bank_account: string | null;
  deleted_at: number | null;
  in_open_batch: number;
}

/** The shop's referrers whose available balance is at least `minimum` (≥ 1), largest first. */
export async function availableBalances(db: D1Database, shopId: string, minimum: number): Promise<AvailableRow[]> {
  const { results } = await db
    .prepare(
      `WITH avail AS (
         SELECT referrer_id, SUM(amount_minor) AS available FROM ledger_entries
          WHERE shop_id = ?1 AND bucket = 'available' GROUP BY referrer_id HAVING SUM(amount_minor) >= ?2)
       SELECT a.referrer_id, a.available, r.code, r.vanity_code, r.display_name, r.email, r.phone, r.paypal_email,
              r.fps_id, r.bank_account, r.deleted_at,
              EXISTS (SELECT 1 FROM payout_batch_items i JOIN payout_batches b ON b.id = i.batch_id
                       WHERE i.referrer_id = a.referrer_id AND b.status = 'open') AS in_open_batch
         FROM avail a JOIN referrers r ON r.id = a.referrer_id
        ORDER BY a.available DESC, a.referrer_id`,
    )
    .bind(shopId, Math.max(1, minimum))
    .all<AvailableRow>();
  return results;
}

export interface PayoutBatchRow {
  id: string;
  shop_id: string;
  status: 'open' | 'paid' | 'cancelled';
  currency: string;
  created_at: number;
  paid_at: number | null;
  cancelled_at: number | null;
}

export interface PayoutBatchItemRow {
  batch_id: string;
  referrer_id: string;
  payout_id: string;
  shop_id: string;
  amount_minor: number;
  rail: 'paypal' | 'fps' | 'bank' | 'manual';
}

/** An item with what the files and the dashboard show of its referrer (read at export time, never copied). */
export type BatchItemView = PayoutBatchItemRow & {
  code: string;
  vanity_code: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  paypal_email: string | null;
  fps_id: string | null;
  bank_account: string | null;
};

/**
 * One batch that creates a payout batch: the batch row, then each item only while its referrer's
 * available balance is still what was read and no open batch holds them (so concurrent batches never
 * share a referrer), and last the batch row is deleted again when no item was written.
 */
export function createBatchStatements(
  db: D1Database,
  batch: PayoutBatchRow,
  items: Array<Omit<PayoutBatchItemRow, 'batch_id' | 'shop_id'>>,
): D1PreparedStatement[] {
  return [
    db
      .prepare('INSERT INTO payout_batches (id, shop_id, status, currency, created_at) VALUES (?, ?, ?, ?, ?)')
      .bind(batch.id, batch.shop_id, 'open', batch.currency, batch.created_at),
    db
      .prepare(
        `INSERT INTO payout_batch_items (batch_id, referrer_id, payout_id, shop_id, amount_minor, rail)
         SELECT ?1, value ->> '$.referrer_id', value ->> '$.payout_id', ?2, value ->> '$.amount_minor', value ->> '$.rail'
           FROM json_each(?3)
          WHERE (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries
                  WHERE referrer_id = value ->> '$.referrer_id' AND bucket = 'available') = value ->> '$.amount_minor'
            AND NOT EXISTS (SELECT 1 FROM payout_batch_items o JOIN payout_batches b ON b.id = o.batch_id
                             WHERE o.referrer_id = value ->> '$.referrer_id' AND b.status = 'open' AND b.id <> ?1)`,
      )
      .bind(batch.id, batch.shop_id, JSON.stringify(items)),
    db
      .prepare('DELETE FROM payout_batches WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM payout_batch_items WHERE batch_id = ?1)')
      .bind(batch.id),
  ];
}

export function getBatch(db: D1Database, shopId: string, id: string): Promise<PayoutBatchRow | null> {
  return db.prepare('SELECT * FROM payout_batches WHERE id = ? AND shop_id = ?').bind(id, shopId).first<PayoutBatchRow>();
}

export async function batchItems(db: D1Database, batchId: string): Promise<BatchItemView[]> {
  const { results } = await db
    .prepare(
      `SELECT i.*, r.code, r.vanity_code, r.display_name, r.email, r.phone, r.paypal_email, r.fps_id, r.bank_account
         FROM payout_batch_items i JOIN referrers r ON r.id = i.referrer_id
        WHERE i.batch_id = ? ORDER BY i.amount_minor DESC, i.referrer_id`,
    )
    .bind(batchId)
    .all<BatchItemView>();
  return results;
}

/** The shop's batches, newest first, with their totals. */
export async function listBatches(db: D1Database, shopId: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT b.*, (SELECT COALESCE(SUM(amount_minor), 0) FROM payout_batch_items WHERE batch_id = b.id) AS total_minor,
              (SELECT count(*) FROM payout_batch_items WHERE batch_id = b.id) AS item_count
         FROM payout_batches b WHERE b.shop_id = ? ORDER BY b.created_at DESC, b.id DESC LIMIT ?`,
    )
    .bind(shopId, limit)
    .all<PayoutBatchRow & { total_minor: number; item_count: number }>();
  return results;
}

/**
 * The batch becomes paid — once: only an open batch changes; a paid one stays as it was. Pair it
 * with {@link paidBatchPayoutsStatement} and the items' ledger entries in the same batch.
 */
export function markBatchPaidStatement(db: D1Database, shopId: string, id: string, now: number): D1PreparedStatement {
  return db
    .prepare(`UPDATE payout_batches SET status = 'paid', paid_at = ? WHERE id = ? AND shop_id = ? AND status = 'open'`)
    .bind(now, id, shopId);
}

/** "The batch is paid": the guard of every write that records its payouts. */
export const batchIsPaid = (id: string) => ({
  sql: `EXISTS (SELECT 1 FROM payout_batches WHERE id = ? AND status = 'paid')`,
  args: [id],
});

/** The payouts of a paid batch (one per item, keyed by the item's payout id: a repeat writes nothing). */
export function paidBatchPayoutsStatement(db: D1Database, batchId: string, currency: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO payouts (id, shop_id, referrer_id, amount_minor, currency, created_at)
       SELECT payout_id, shop_id, referrer_id, amount_minor, ?2, ?3 FROM payout_batch_items
        WHERE batch_id = ?1 AND EXISTS (SELECT 1 FROM payout_batches WHERE id = ?1 AND status = 'paid')
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(batchId, currency, now);
}

export function cancelBatchStatement(db: D1Database, shopId: string, id: string, now: number): D1PreparedStatement {
  return db
    .prepare(`UPDATE payout_batches SET status = 'cancelled', cancelled_at = ? WHERE id = ? AND shop_id = ? AND status = 'open'`)
    .bind(now, id, shopId);
}
