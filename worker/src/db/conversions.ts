/** Queries for conversions (reported orders) and refunds. */
import type { ProductRow, ProgramRow } from './shops.js';
import type { ReferrerRow } from './referrers.js';
import type { ClickRow } from './clicks.js';

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

export interface RefundRow {
  id: string;
  shop_id: string;
  conversion_id: string;
  refund_ref: string;
  amount_minor: number;
  created_at: number;
}

export function getConversionByOrder(db: D1Database, shopId: string, orderId: string): Promise<ConversionRow | null> {
  return db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?').bind(shopId, orderId).first<ConversionRow>();
}

export function getConversion(db: D1Database, shopId: string, id: string): Promise<ConversionRow | null> {
  return db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND id = ?').bind(shopId, id).first<ConversionRow>();
}

export function insertConversionStatement(db: D1Database, c: ConversionRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO conversions (id, shop_id, order_id, amount_minor, currency, items, referrer_id, click_id, source, verified,
          customer_hash, commission_minor, commission_status, explanation, request_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (shop_id, order_id) DO NOTHING`,
    )
    .bind(c.id, c.shop_id, c.order_id, c.amount_minor, c.currency, c.items, c.referrer_id, c.click_id, c.source, c.verified,
      c.customer_hash, c.commission_minor, c.commission_status, c.explanation, c.request_hash, c.created_at);
}

export async function listConversions(db: D1Database, shopId: string, opts: { limit: number; before?: string; referrerId?: string }) {
  const where = ['shop_id = ?'];
  const args: unknown[] = [shopId];
  if (opts.referrerId) {
    where.push('referrer_id = ?');
    args.push(opts.referrerId);
  }
  if (opts.before) {
    where.push('(created_at, id) < (SELECT created_at, id FROM conversions WHERE id = ?)');
    args.push(opts.before);
  }
  const { results } = await db
    .prepare(`SELECT * FROM conversions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...args, opts.limit)
    .all<ConversionRow>();
  return results;
}

export async function refundsOf(db: D1Database, conversionId: string): Promise<RefundRow[]> {
  const { results } = await db.prepare('SELECT * FROM refunds WHERE conversion_id = ? ORDER BY created_at, id').bind(conversionId).all<RefundRow>();
  return results;
}


export interface ReportContext {
  existing: ConversionRow | null;
  program: ProgramRow | null;
  products: ProductRow[];
  reportedClick: ClickRow | null;
  visitorClicks: ClickRow[];
  /** referrers named by a code, or owning one of the clicks above */
  referrers: ReferrerRow[];
  buyerReferrer: ReferrerRow | null;
}

/**
 * Everything attribution needs for one report, read in ONE round trip (a D1 batch): the order if it
 * was already reported, the program, the products, the reported click and the same visitor's other
 * clicks in the window, and every referrer those (or the codes) point at.
 */
export async function loadReportContext(
  db: D1Database,
  q: { shopId: string; orderId: string; skus: string[]; clickId: string | null; visitorHash: string | null; codes: string[]; since: number; until: number; buyerTokenHash: string | null },
): Promise<ReportContext> {
  const visitorSql = `SELECT * FROM clicks WHERE shop_id = ?1
      AND visitor_hash = COALESCE((SELECT visitor_hash FROM clicks WHERE id = ?2 AND shop_id = ?1), ?3)
      AND created_at BETWEEN ?4 AND ?5 ORDER BY created_at LIMIT 200`;
  const [existing, program, products, click, visitor, referrers, buyer] = await db.batch([
    db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?').bind(q.shopId, q.orderId),
    db.prepare('SELECT * FROM commission_programs WHERE shop_id = ?').bind(q.shopId),
    db.prepare('SELECT * FROM products WHERE shop_id = ? AND sku IN (SELECT value FROM json_each(?))').bind(q.shopId, JSON.stringify([...new Set(q.skus)])),
    db.prepare('SELECT * FROM clicks WHERE id = ? AND shop_id = ?').bind(q.clickId ?? '', q.shopId),
    db.prepare(visitorSql).bind(q.shopId, q.clickId ?? '', q.visitorHash, q.since, q.until),
    db
      .prepare(
        `SELECT * FROM referrers WHERE shop_id = ?1 AND (
            code IN (SELECT value FROM json_each(?6)) OR vanity_code IN (SELECT value FROM json_each(?6))
            OR id IN (SELECT referrer_id FROM clicks WHERE id = ?2 AND shop_id = ?1)
            OR id IN (SELECT referrer_id FROM (${visitorSql})))`,
      )
      .bind(q.shopId, q.clickId ?? '', q.visitorHash, q.since, q.until, JSON.stringify(q.codes)),
    db.prepare('SELECT * FROM referrers WHERE token_hash = ? AND shop_id = ?').bind(q.buyerTokenHash ?? '', q.shopId),
  ]);
  return {
    existing: (existing!.results[0] as ConversionRow | undefined) ?? null,
    program: (program!.results[0] as ProgramRow | undefined) ?? null,
    products: products!.results as ProductRow[],
    reportedClick: (click!.results[0] as ClickRow | undefined) ?? null,
    visitorClicks: visitor!.results as ClickRow[],
    referrers: referrers!.results as ReferrerRow[],
    buyerReferrer: (buyer!.results[0] as ReferrerRow | undefined) ?? null,
  };
}
