/**
 * How long personal click data is kept: a click's landing URL and its IP, user-agent and visitor
 * pseudonyms serve attribution (and rate limiting) only, so they are dropped once the shop's
 * attribution window has passed, plus a margin for orders reported late (`occurredAt` in the past)
 * and for the cron's own pace. The click itself (id, referrer, channel, time) stays for stats.
 */
import { DAY_MS } from './time.js';

/** Days personal click fields are kept beyond the shop's attribution window. */
export const RETENTION_MARGIN_DAYS = 7;

/**
 * Clicks created before this moment lose their personal fields.
 * @example personalDataCutoff(30, now) // now − 37 days
 */
export function personalDataCutoff(windowDays: number, now: number): number {
  return now - (windowDays + RETENTION_MARGIN_DAYS) * DAY_MS;
}
