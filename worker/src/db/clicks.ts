/**
 * Queries for clicks: the row shape, one click by id, and the flush of the shop object's buffered
 * clicks. Clicks reach D1 only through the shop's Durable Object (durable/click-log.ts).
 */
export interface ClickRow {
  id: string;
  shop_id: string;
  referrer_id: string;
  channel: string;
  landing_url: string | null;
  visitor_hash: string | null;
  ip_hash: string | null;
  ua_hash: string | null;
  created_at: number;
}

export function getClick(db: D1Database, shopId: string, id: string): Promise<ClickRow | null> {
  return db.prepare('SELECT * FROM clicks WHERE id = ? AND shop_id = ?').bind(id, shopId).first<ClickRow>();
}

/**
 * Inserts clicks in one statement (D1 pays its per-statement cost once, not per click). A click
 * already there is skipped, so a flush retried after a crash never duplicates.
 */
export async function insertClicks(db: D1Database, clicks: readonly ClickRow[]): Promise<void> {
  await db
    .prepare(
      `INSERT OR IGNORE INTO clicks (id, shop_id, referrer_id, channel, landing_url, visitor_hash, ip_hash, ua_hash, created_at)
       SELECT value ->> '$.id', value ->> '$.shop_id', value ->> '$.referrer_id', value ->> '$.channel',
              value ->> '$.landing_url', value ->> '$.visitor_hash', value ->> '$.ip_hash', value ->> '$.ua_hash',
              value ->> '$.created_at'
         FROM json_each(?)`,
    )
    .bind(JSON.stringify(clicks))
    .run();
}
