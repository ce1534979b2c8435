/** Queries for clicks and shares. Clicks reach D1 through the shop's ClickBuffer. */
import type { ClickFact } from '../domain/attribution.js';

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

export function clickBuffer(env: Env, shopId: string) {
  return env.CLICK_BUFFER.get(env.CLICK_BUFFER.idFromName(shopId));
}

/**
 * The click with that id in that shop; flushes the shop's buffer once if D1 does not have it yet.
 * Looks again after the flush whatever it reports: a concurrent request's flush may have written
 * the click between our first look and our flush (which then has nothing left to write).
 */
export async function findClick(env: Env, shopId: string, clickId: string): Promise<ClickRow | null> {
  const q = () => env.DB.prepare('SELECT * FROM clicks WHERE id = ? AND shop_id = ?').bind(clickId, shopId).first<ClickRow>();
  const row = await q();
  if (row) return row;
  await clickBuffer(env, shopId).flush();
  return q();
}

/** Clicks by the same visitor in the shop since `since` (for first/last-click across a visitor's clicks). */
export async function visitorClicks(
  db: D1Database,
  shopId: string,
  visitorHash: string,
  since: number,
  until: number,
): Promise<ClickRow[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM clicks WHERE shop_id = ? AND visitor_hash = ? AND created_at BETWEEN ? AND ?
        ORDER BY created_at LIMIT 200`,
    )
    .bind(shopId, visitorHash, since, until)
    .all<ClickRow>();
  return results;
}

export function toClickFact(row: ClickRow): ClickFact {
  return { id: row.id, referrerId: row.referrer_id, createdAt: row.created_at };
}
