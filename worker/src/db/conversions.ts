/** Queries for conversions (reported orders) and refunds. */
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
    );
}

export async function listConversions(
  db: D1Database,
  shopId: string,
  opts: { limit: number; before?: string; referrerId?: string },
) {
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
  const { results } = await db
    .prepare('SELECT * FROM refunds WHERE conversion_id = ? ORDER BY created_at, id')
    .bind(conversionId)
    .all<RefundRow>();
  return results;
}
