/**
 * The dashboard's numbers (secret key or the shop's dashboard): the funnel — shares → clicks →
 * attributed orders → commission — per day and per channel, and the referrers' leaderboard, read
 * from the rollups (db/stats.ts), never from the click table. A click counts as soon as it is
 * acknowledged: the rollups hold the clicks in D1, and the reads add those the shop's object has
 * not flushed yet (it flushes at 200 waiting, or CLICK_FLUSH_MS after the first of them).
 */
import type { Bindings } from '../app-env.js';
import type { Funnel, FunnelQueryInput, Leaderboard } from '../contract/stats.js';
import type { ShopRow } from '../db/shops.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { funnelByDayAndChannel, leaderboard as leaderboardRows } from '../db/stats.js';
import type { FunnelCells } from '../db/stats.js';
import { DAY_MS } from '../domain/time.js';
import { ApiError } from '../errors.js';

/** The longest range one read covers. */
export const MAX_RANGE_DAYS = 400;
const DEFAULT_RANGE_DAYS = 30;

function rangeOf(q: { from?: number; to?: number }, now: number) {
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_RANGE_DAYS * DAY_MS;
  if (from >= to) throw new ApiError(400, 'invalid_request', '`from` must be before `to`.');
  if (to - from > MAX_RANGE_DAYS * DAY_MS)
    throw new ApiError(400, 'invalid_request', `A range is at most ${MAX_RANGE_DAYS} days.`);
  return { from, to };
}

const zero = () => ({ shares: 0, clicks: 0, orders: 0, revenueMinor: 0, commissionMinor: 0 });
type Counts = ReturnType<typeof zero>;
function add(into: Counts, r: FunnelCells): void {
  into.shares += r.shares;
  into.clicks += r.clicks;
  into.orders += r.orders;
  into.revenueMinor += r.revenue_minor;
  into.commissionMinor += r.commission_minor;
}

/** Days from `from` to `to` in the time zone, every day listed (zeros included), and the channels. */
export async function funnel(env: Bindings, shop: ShopRow, q: FunnelQueryInput, now: number): Promise<Funnel> {
  const { from, to } = rangeOf(q, now);
  const tz = q.tzOffsetMinutes;
  const pending = await shopObject(env, shop.id).pendingClicks();
  const rows = await funnelByDayAndChannel(env.DB, shop.id, { from, to, tzOffsetMinutes: tz }, pending);
  const dayOf = (t: number) => Math.floor((t + tz * 60_000) / DAY_MS);
  const days = new Map<number, Counts>();
  for (let d = dayOf(from); d <= dayOf(to - 1); d++) days.set(d, zero());
  const channels = new Map<string, Counts>();
  const totals = zero();
  for (const r of rows) {
    const day = days.get(r.day);
    if (day) add(day, r);
    if (!channels.has(r.channel)) channels.set(r.channel, zero());
    add(channels.get(r.channel)!, r);
    add(totals, r);
  }
  return {
    currency: shop.currency,
    from,
    to,
    tzOffsetMinutes: tz,
    days: [...days].map(([d, c]) => ({ date: new Date(d * DAY_MS).toISOString().slice(0, 10), ...c })),
    channels: [...channels]
      .map(([channel, c]) => ({ channel, ...c }))
      .sort((a, b) => b.clicks - a.clicks || b.shares - a.shares || b.orders - a.orders || a.channel.localeCompare(b.channel)),
    totals,
  };
}

export async function leaderboard(
  env: Bindings,
  shop: ShopRow,
  q: { from?: number; to?: number; limit: number },
  now: number,
): Promise<Leaderboard> {
  const { from, to } = rangeOf(q, now);
  const pending = await shopObject(env, shop.id).pendingClicks();
  const rows = await leaderboardRows(env.DB, shop.id, { from, to, limit: q.limit }, pending);
  return {
    currency: shop.currency,
    from,
    to,
    data: rows.map((r, i) => ({
      rank: i + 1,
      referrer: { id: r.referrer_id, code: r.code, vanityCode: r.vanity_code, displayName: r.display_name, status: r.status },
      shares: r.shares,
      clicks: r.clicks,
      orders: r.orders,
      revenueMinor: r.revenue_minor,
      commissionMinor: r.commission_minor,
    })),
  };
}
