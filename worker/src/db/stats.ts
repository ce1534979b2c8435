/**
 * Reads of the funnel rollups (migration 0008: `funnel_hourly`, `referrer_daily`, kept by triggers
 * as clicks, shares and conversions are written), so that the dashboard's numbers cost a range read
 * of a few rows per hour or day, however many clicks the shop has. Both add the clicks the shop's
 * object has not flushed yet (`pending`, db/clicks.ts), each once.
 */
import { DAY_MS, HOUR_MS } from '../domain/time.js';
import type { PendingClick } from './clicks.js';
import { pendingClicks } from './clicks.js';

export interface FunnelCells {
  shares: number;
  clicks: number;
  orders: number;
  revenue_minor: number;
  commission_minor: number;
}

/**
 * The shop's funnel between `from` and `to` (ms, `to` exclusive, whole hours), per local day and
 * channel: `day` counts days since the epoch in the time zone `tzOffsetMinutes` east of UTC.
 */
export async function funnelByDayAndChannel(
  db: D1Database,
  shopId: string,
  range: { from: number; to: number; tzOffsetMinutes: number },
  pending: readonly PendingClick[],
): Promise<Array<FunnelCells & { day: number; channel: string }>> {
  const { results } = await db
    .prepare(
      `WITH ${pendingClicks(5)},
       cells AS (
         SELECT hour, channel, shares, clicks, orders, revenue_minor, commission_minor
           FROM funnel_hourly WHERE shop_id = ?1 AND hour >= ?2 AND hour < ?3
         UNION ALL
         SELECT created_at / ${HOUR_MS}, channel, 0, 1, 0, 0, 0
           FROM pending WHERE created_at / ${HOUR_MS} >= ?2 AND created_at / ${HOUR_MS} < ?3)
       SELECT (hour * 60 + CAST(?4 AS INTEGER)) / 1440 AS day, channel, SUM(shares) AS shares, SUM(clicks) AS clicks, SUM(orders) AS orders,
              SUM(revenue_minor) AS revenue_minor, SUM(commission_minor) AS commission_minor
         FROM cells GROUP BY day, channel ORDER BY day, channel`,
    )
    .bind(shopId, Math.floor(range.from / HOUR_MS), Math.ceil(range.to / HOUR_MS), range.tzOffsetMinutes, JSON.stringify(pending))
    .all<FunnelCells & { day: number; channel: string }>();
  return results;
}

/** The shop's referrers ranked by commission, then orders, then clicks, over whole UTC days. */
export async function leaderboard(
  db: D1Database,
  shopId: string,
  range: { from: number; to: number; limit: number },
  pending: readonly PendingClick[],
) {
  const { results } = await db
    .prepare(
      `WITH ${pendingClicks(5)},
       cells AS (
         SELECT referrer_id, shares, clicks, orders, revenue_minor, commission_minor
           FROM referrer_daily WHERE shop_id = ?1 AND day >= ?2 AND day < ?3
         UNION ALL
         SELECT referrer_id, 0, 1, 0, 0, 0
           FROM pending WHERE created_at / ${DAY_MS} >= ?2 AND created_at / ${DAY_MS} < ?3),
       ranked AS (
         SELECT referrer_id, SUM(shares) AS shares, SUM(clicks) AS clicks, SUM(orders) AS orders,
                SUM(revenue_minor) AS revenue_minor, SUM(commission_minor) AS commission_minor
           FROM cells GROUP BY referrer_id
          ORDER BY commission_minor DESC, orders DESC, clicks DESC, referrer_id LIMIT ?4)
       SELECT ranked.*, r.code, r.vanity_code, r.display_name, r.status
         FROM ranked JOIN referrers r ON r.id = ranked.referrer_id
        ORDER BY commission_minor DESC, orders DESC, clicks DESC, referrer_id`,
    )
    .bind(shopId, Math.floor(range.from / DAY_MS), Math.ceil(range.to / DAY_MS), range.limit, JSON.stringify(pending))
    .all<
      FunnelCells & {
        referrer_id: string;
        code: string;
        vanity_code: string | null;
        display_name: string | null;
        status: 'active' | 'pending' | 'blocked';
      }
    >();
  return results;
}
