/** Queries for shares: a referrer shared through a channel. */
export interface ShareRow {
  id: string;
  shop_id: string;
  referrer_id: string;
  channel: string;
  sku: string | null;
  created_at: number;
}

export function insertShareStatement(db: D1Database, s: ShareRow): D1PreparedStatement {
  return db
    .prepare('INSERT INTO shares (id, shop_id, referrer_id, channel, sku, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(s.id, s.shop_id, s.referrer_id, s.channel, s.sku, s.created_at);
}
