/**
 * Rules of webhook delivery, pure: when a failed delivery is tried again, when it is given up
 * (dead-lettered), what counts as delivered, and how long an old secret keeps signing after a
 * rotation. The sender (services/webhooks.ts, run by durable/webhook-sender.ts) applies them.
 *
 * - An event is delivered when the receiver answers 2xx. Anything else — another status (a 3xx
 *   too: redirects are never followed), no answer within the timeout, a refused URL — is a failed
 *   attempt.
 * - After the n-th failed attempt the next one waits `RETRY_BASE_MS × 4^(n−1)`, at most a day:
 *   30 s, 2 min, 8 min, 32 min, 2 h 8 min, 8 h 32 min, then daily. No jitter: each event keeps its own
 *   schedule, so a recovering receiver does not see them all at once.
 * - The retry window is 3 days from the event's creation (or from the shop's manual retry). The
 *   last attempt is made when the window ends; if it fails too, the event is dead-lettered.
 */
import { DAY_MS, HOUR_MS, SECOND_MS } from './time.js';

/** How long an event is retried before it is dead-lettered. */
export const RETRY_WINDOW_MS = 3 * DAY_MS;

/** The wait after the first failed attempt; each later wait is 4× the one before, up to RETRY_MAX_DELAY_MS. */
export const RETRY_BASE_MS = 30 * SECOND_MS;

/** The longest wait between two attempts. */
export const RETRY_MAX_DELAY_MS = DAY_MS;

/** How long a receiver may take to answer, unless WEBHOOK_TIMEOUT_MS says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10 * SECOND_MS;

/** How long the previous secret keeps signing after a rotation, by default and at most. */
export const ROTATION_OVERLAP_DEFAULT_HOURS = 24;
export const ROTATION_OVERLAP_MAX_HOURS = 7 * 24;

/** The event types the worker sends. */
export const WEBHOOK_EVENT_TYPES = [
  'conversion.attributed',
  'conversion.verified',
  'commission.available',
  'commission.reversed',
  'payout.paid',
  'team.completed',
  'team.expired',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The wait before the next attempt, after `failedAttempts` failed attempts (≥ 1).
 * @example retryDelayMs(1) // 30_000
 * @example retryDelayMs(3) // 480_000 (8 min)
 */
export function retryDelayMs(failedAttempts: number): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  // 4^(n−1) overflows nothing: past n = 8 the cap applies anyway
  return Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_MS * 4 ** Math.min(n - 1, 16));
}

/** What follows a failed attempt: another one at `at`, or the dead-letter queue. */
export type AfterFailure = { kind: 'retry'; at: number } | { kind: 'dead' };

/**
 * Decides what follows a failed attempt made at `now`.
 * @param windowStart when the event was created, or when the shop last retried it
 * @param failedAttempts attempts made in this window, the failed one included
 * @example afterFailure({ windowStart: 0, failedAttempts: 1, now: 1_000 }) // { kind: 'retry', at: 31_000 }
 * @example afterFailure({ windowStart: 0, failedAttempts: 9, now: RETRY_WINDOW_MS }) // { kind: 'dead' }
 */
export function afterFailure(input: { windowStart: number; failedAttempts: number; now: number }): AfterFailure {
  const deadline = input.windowStart + RETRY_WINDOW_MS;
  if (input.now >= deadline) return { kind: 'dead' };
  return { kind: 'retry', at: Math.min(input.now + retryDelayMs(input.failedAttempts), deadline) };
}

/** Whether a receiver's HTTP status means "delivered". @example isDelivered(204) // true */
export function isDelivered(status: number): boolean {
  return status >= 200 && status <= 299;
}

/**
 * A short, log-safe reason for a failed attempt, kept on the event (`last_error`).
 * @example failureReason({ status: 302 }) // "redirect (302) not followed"
 */
export function failureReason(outcome: { status?: number; timedOut?: boolean; refused?: string; error?: string }): string {
  if (outcome.refused) return `refused: ${outcome.refused}`.slice(0, 300);
  if (outcome.timedOut) return 'timeout: no answer in time';
  if (outcome.status !== undefined) {
    if (outcome.status >= 300 && outcome.status <= 399) return `redirect (${outcome.status}) not followed`;
    return `HTTP ${outcome.status}`;
  }
  return `network error: ${outcome.error ?? 'unknown'}`.slice(0, 300);
}

/**
 * Until when the previous secret signs as well, after a rotation at `now`.
 * @example previousSecretUntil(0, 24) // 86_400_000
 */
export function previousSecretUntil(now: number, overlapHours: number): number {
  return now + Math.max(0, Math.min(ROTATION_OVERLAP_MAX_HOURS, overlapHours)) * HOUR_MS;
}
