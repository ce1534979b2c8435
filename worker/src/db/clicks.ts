/**
 * Queries for clicks: the row shape, one click by id, the flush of the shop object's buffered
 * clicks, and the clicks it has not flushed yet as reads of D1's counts add them. Clicks reach D1
 * only through the shop's Durable Object (durable/click-log.ts).
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

/** A click the shop object has acknowledged, as reads of D1's counts add it until D1 has it. */
export type PendingClick = Pick<ClickRow, 'id' | 'referrer_id' | 'channel' | 'created_at'>;

/**
 * Pending clicks one read adds at most. The object flushes at CLICK_FLUSH_MAX (200) waiting, so
 * more wait only while D1 refuses its writes; past this a read counts the oldest of them.
 */
export const MAX_PENDING_CLICKS = 5_000;

/**
 * A CTE `pending (referrer_id, channel, created_at)`: the clicks in the JSON parameter `?n` (the
 * shop object's `pendingClicks()`) that D1 does not have yet. A statement that adds them to D1's
 * counts counts each click once, whether the object's flush landed before it or not: one
 * statement reads one snapshot, and the rollups hold a click exactly when its row is in `clicks`.
 * @example `WITH ${pendingClicks(5)} SELECT count(*) FROM pending` with the clicks bound as ?5
 */
export function pendingClicks(n: number): string {
  return `pending AS (
    SELECT p.value ->> '$.referrer_id' AS referrer_id, p.value ->> '$.channel' AS channel,
           p.value ->> '$.created_at' AS created_at
      FROM json_each(?${n}) p
     WHERE NOT EXISTS (SELECT 1 FROM clicks c WHERE c.id = p.value ->> '$.id'))`;
}
