/**
 * Retention of personal click data in D1 (see domain/retention.ts for the rule). Run by the cron:
 * each run nulls `landing_url`, `visitor_hash`, `ip_hash` and `ua_hash` of clicks older than their
 * shop's window + margin, in bounded work — at most RETENTION_SHOPS_PER_RUN shops (the most overdue
 * first) and RETENTION_BATCH_ROWS clicks per shop, in two D1 calls — through the partial index
 * `clicks_personal_data`, which holds only clicks that still carry such a field.
 */
import { RETENTION_MARGIN_DAYS } from '../domain/retention.js';
import { DAY_MS } from '../domain/time.js';

/** Clicks pruned per shop per run. */
export const RETENTION_BATCH_ROWS = 5_000;
/** Shops pruned per run (the cron runs every 5 minutes). */
export const RETENTION_SHOPS_PER_RUN = 10;

/** Must stay the WHERE of the `clicks_personal_data` index (0004_privacy.sql), or the index is not used. */
const HAS_PERSONAL_DATA = 'landing_url IS NOT NULL OR visitor_hash IS NOT NULL OR ip_hash IS NOT NULL OR ua_hash IS NOT NULL';

/**
 * One run of the D1 click-retention prune. Idempotent; a second run right after touches nothing.
 * @example const { clicks } = await pruneClickPersonalData(env.DB, Date.now())
 */
export async function pruneClickPersonalData(
  db: D1Database,
  now: number,
  limits: { shops?: number; rows?: number } = {},
): Promise<{ shops: number; clicks: number }> {
  // per shop: its cutoff and its oldest click still carrying personal data (one index probe each)
  const { results } = await db
    .prepare(
      `WITH due AS MATERIALIZED (
         SELECT p.shop_id, ?1 - (p.window_days + ?2) * ?4 AS cutoff,
                (SELECT min(created_at) FROM clicks WHERE shop_id = p.shop_id AND (${HAS_PERSONAL_DATA})) AS oldest
           FROM commission_programs p)
       SELECT shop_id, cutoff FROM due WHERE oldest < cutoff ORDER BY oldest - cutoff LIMIT ?3`,
    )
    .bind(now, RETENTION_MARGIN_DAYS, limits.shops ?? RETENTION_SHOPS_PER_RUN, DAY_MS)
    .all<{ shop_id: string; cutoff: number }>();
  if (results.length === 0) return { shops: 0, clicks: 0 };
  const updated = await db.batch(
    results.map((r) =>
      db
        .prepare(
          `UPDATE clicks SET landing_url = NULL, visitor_hash = NULL, ip_hash = NULL, ua_hash = NULL
            WHERE rowid IN (SELECT rowid FROM clicks
                             WHERE shop_id = ? AND created_at < ? AND (${HAS_PERSONAL_DATA})
                             ORDER BY created_at LIMIT ?)`,
        )
        .bind(r.shop_id, r.cutoff, limits.rows ?? RETENTION_BATCH_ROWS),
    ),
  );
  return { shops: results.length, clicks: updated.reduce((n, r) => n + r.meta.changes, 0) };
}

/**
 * Nulls the personal fields of every click on a referrer's links (the referrer deleted their
 * identity: a landing URL may carry their vanity code), in one statement; bounded per call, so the
 * caller repeats while it changes rows.
 * @example while ((await clearReferrerClicksStatement(db, id).run()).meta.changes > 0);
 */
export function clearReferrerClicksStatement(
  db: D1Database,
  referrerId: string,
  rows = RETENTION_BATCH_ROWS,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE clicks SET landing_url = NULL, visitor_hash = NULL, ip_hash = NULL, ua_hash = NULL
        WHERE rowid IN (SELECT rowid FROM clicks WHERE referrer_id = ? AND (${HAS_PERSONAL_DATA}) LIMIT ?)`,
    )
    .bind(referrerId, rows);
}
