/**
 * Retention of the ClickBuffer's local click copy (click-buffer.ts keeps every click in its own
 * SQLite storage for attribution). Flushed clicks older than the shop's attribution window + margin
 * (domain/retention.ts) are deleted outright — D1 keeps the click itself, without its personal
 * fields. Runs once a day from the object's alarm; an object that holds flushed clicks keeps an
 * alarm for its next prune, so a shop that stops getting clicks is pruned all the same.
 */
import { personalDataCutoff } from '../domain/retention.js';

const DAY_MS = 86_400_000;

/**
 * Deletes flushed local clicks older than the shop's window + margin and records the prune time.
 * `windowDays` is asked only when there is something to prune.
 */
export async function pruneClickLog(
  sql: SqlStorage,
  now: number,
  windowDays: (shopId: string) => Promise<number>,
): Promise<void> {
  const first = sql.exec<{ shop_id: string }>('SELECT shop_id FROM click_log LIMIT 1').toArray()[0];
  if (first) {
    const cutoff = personalDataCutoff(await windowDays(first.shop_id), now);
    sql.exec('DELETE FROM click_log WHERE seq <= (SELECT seq FROM flush_state) AND created_at < ?', cutoff);
  }
  sql.exec('UPDATE flush_state SET pruned_at = ?', now);
}

/** When the next daily prune is due, or null when no flushed click is kept locally. */
export function nextPruneAt(sql: SqlStorage): number | null {
  const row = sql
    .exec<{ pruned_at: number; kept: number }>(
      `SELECT pruned_at, EXISTS (SELECT 1 FROM click_log WHERE seq <= flush_state.seq) AS kept FROM flush_state`,
    )
    .one();
  return row.kept ? row.pruned_at + DAY_MS : null;
}
