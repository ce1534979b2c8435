/** Clicks: the row shape, the shop's ClickBuffer stub, and the fact attribution reads. Clicks reach D1 through the ClickBuffer. */
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

export function toClickFact(row: ClickRow): ClickFact {
  return { id: row.id, referrerId: row.referrer_id, createdAt: row.created_at };
}
