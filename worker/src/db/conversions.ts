/** Queries for conversions (reported orders) and the shop's running order total. */
import { MAX_SHOP_ORDERS_MINOR } from '../domain/money.js';
export interface ConversionRow {
  id: string;
  shop_id: string;
  order_id: string;
  amount_minor: number;
  currency: string;
  items: string;
  referrer_id: string | null;
  click_id: string | null;
  source: 'click' | 'code' | 'coupon' | 'none';
  verified: number;
  customer_hash: string | null;
  commission_minor: number;
  commission_status: 'none' | 'pending' | 'on_hold';
  explanation: string;
  request_hash: string;
  created_at: number;
}

export function getConversionByOrder(db: D1Database, shopId: string, orderId: string): Promise<ConversionRow | null> {
  return db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?').bind(shopId, orderId).first<ConversionRow>();
}

export function getConversion(db: D1Database, shopId: string, id: string): Promise<ConversionRow | null> {
  return db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND id = ?').bind(shopId, id).first<ConversionRow>();
}

const COLUMNS = `id, shop_id, order_id, amount_minor, currency, items, referrer_id, click_id, source, verified,
  customer_hash, commission_minor, commission_status, explanation, request_hash, created_at`;

/**
 * Inserts a new conversion unless the order is already recorded (`UNIQUE (shop_id, order_id)`) or
 * its amount would take the shop past MAX_SHOP_ORDERS_MINOR. Pair it with
 * {@link addToShopTotalStatement} in the same batch.
 */
export function insertConversionStatement(db: D1Database, c: ConversionRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO conversions (${COLUMNS})
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
        WHERE ${WITHIN_SHOP_LIMIT}
       ON CONFLICT (shop_id, order_id) DO NOTHING`,
    )
    .bind(
      c.id,
      c.shop_id,
      c.order_id,
      c.amount_minor,
      c.currency,
      c.items,
      c.referrer_id,
      c.click_id,
      c.source,
      c.verified,
      c.customer_hash,
      c.commission_minor,
      c.commission_status,
      c.explanation,
      c.request_hash,
      c.created_at,
      c.shop_id,
      c.amount_minor,
      MAX_SHOP_ORDERS_MINOR,
    );
}

/** "The shop's total plus this amount stays within the limit": binds shop id, amount, limit. */
const WITHIN_SHOP_LIMIT = 'COALESCE((SELECT orders_minor FROM shop_totals WHERE shop_id = ?), 0) + ? <= ?';

/** Adds `amountMinor` to the shop's running order total, when `onlyIf` holds (our row won). */
export function addToShopTotalStatement(
  db: D1Database,
  shopId: string,
  amountMinor: number,
  onlyIf: { sql: string; args: unknown[] },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO shop_totals (shop_id, orders_minor) SELECT ?, ? WHERE ${onlyIf.sql}
       ON CONFLICT (shop_id) DO UPDATE SET orders_minor = orders_minor + excluded.orders_minor`,
    )
    .bind(shopId, amountMinor, ...onlyIf.args);
}

/** Whether an order of `amountMinor` more still fits the shop's limit. */
export async function fitsShopLimit(db: D1Database, shopId: string, amountMinor: number): Promise<boolean> {
  const row = await db
    .prepare(`SELECT ${WITHIN_SHOP_LIMIT} AS ok`)
    .bind(shopId, amountMinor, MAX_SHOP_ORDERS_MINOR)
    .first<{ ok: number }>();
  return row?.ok === 1;
}

/**
 * Upgrades a browser-reported (unverified) conversion to the shop's server report: every decided
 * column is replaced, `verified` becomes 1. Written only while the row is still unverified, the
 * conversion's ledger has no entry after `lastSeq` (no refund or approval since it was read), and
 * any increase of the amount fits the shop's limit — so it happens exactly once, on the state it
 * was computed from.
 */
export function upgradeConversionStatement(db: D1Database, c: ConversionRow, lastSeq: number, increase: number) {
  return db
    .prepare(
      `UPDATE conversions SET amount_minor = ?, items = ?, referrer_id = ?, click_id = ?, source = ?, verified = 1,
         customer_hash = ?, commission_minor = ?, commission_status = ?, explanation = ?, request_hash = ?
       WHERE id = ? AND verified = 0
         AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE conversion_id = ? AND seq > ?)
         AND ${WITHIN_SHOP_LIMIT}`,
    )
    .bind(
      c.amount_minor,
      c.items,
      c.referrer_id,
      c.click_id,
      c.source,
      c.customer_hash,
      c.commission_minor,
      c.commission_status,
      c.explanation,
      c.request_hash,
      c.id,
      c.id,
      lastSeq,
      c.shop_id,
      increase,
      MAX_SHOP_ORDERS_MINOR,
    );
}

/** A page of the shop's conversions, newest first, after `startingAfter` (a conversion id); reads `limit` rows. */
export async function listConversions(
  db: D1Database,
  shopId: string,
  opts: { limit: number; startingAfter?: string; referrerId?: string },
) {
  const where = ['shop_id = ?1'];
  const args: unknown[] = [shopId, opts.limit];
  if (opts.referrerId) {
    args.push(opts.referrerId);
    where.push(`referrer_id = ?${args.length}`);
  }
  if (opts.startingAfter) {
    args.push(opts.startingAfter);
    where.push(`(created_at, id) < (SELECT created_at, id FROM conversions WHERE id = ?${args.length} AND shop_id = ?1)`);
  }
  const { results } = await db
    .prepare(`SELECT * FROM conversions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?2`)
    .bind(...args)
    .all<ConversionRow>();
  return results;
}

/** A referrer's most recent conversions, newest first. */
export async function recentConversionsOf(db: D1Database, referrerId: string, limit = 20) {
  const { results } = await db
    .prepare(
      `SELECT id, created_at, amount_minor, currency, commission_minor, commission_status FROM conversions
        WHERE referrer_id = ? ORDER BY created_at DESC LIMIT ?`,
    )
    .bind(referrerId, limit)
    .all<Pick<ConversionRow, 'id' | 'created_at' | 'amount_minor' | 'currency' | 'commission_minor' | 'commission_status'>>();
  return results;
}
