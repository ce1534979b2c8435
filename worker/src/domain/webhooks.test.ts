/**
 * Webhook retry rules (issue 7): exponential backoff from 30 s (×4, at most a day), a last attempt
 * when the 3-day window ends, then the dead-letter queue; only 2xx is delivered.
 */
import { describe, expect, it } from 'vitest';
import { RETRY_WINDOW_MS, afterFailure, failureReason, isDelivered, previousSecretUntil, retryDelayMs } from './webhooks';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './time';

describe('retry schedule', () => {
  it('waits 30 s, 2 min, 8 min, 32 min, 128 min, 512 min, then a day', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map(retryDelayMs)).toEqual([
      30 * SECOND_MS,
      2 * MINUTE_MS,
      8 * MINUTE_MS,
      32 * MINUTE_MS,
      128 * MINUTE_MS,
      512 * MINUTE_MS,
      DAY_MS,
      DAY_MS,
      DAY_MS,
    ]);
  });

  it('an event that always fails is attempted 10 times over exactly 3 days, then dead', () => {
    const created = 1_000;
    let now = created;
    const attempts: number[] = [];
    for (let failed = 1; failed < 100; failed++) {
      attempts.push(now - created);
      const next = afterFailure({ windowStart: created, failedAttempts: failed, now });
      if (next.kind === 'dead') break;
      expect(next.at).toBeGreaterThan(now);
      now = next.at;
    }
    expect(attempts).toHaveLength(10);
    expect(attempts.at(-1)).toBe(RETRY_WINDOW_MS);
    // strictly growing gaps until the daily cap and the window's end
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    expect(gaps.slice(0, 6)).toEqual([30, 120, 480, 1920, 7680, 30720].map((s) => s * SECOND_MS));
  });

  it('a retry restarts the window', () => {
    expect(afterFailure({ windowStart: 0, failedAttempts: 9, now: RETRY_WINDOW_MS })).toEqual({ kind: 'dead' });
    expect(afterFailure({ windowStart: RETRY_WINDOW_MS, failedAttempts: 1, now: RETRY_WINDOW_MS })).toEqual({
      kind: 'retry',
      at: RETRY_WINDOW_MS + 30 * SECOND_MS,
    });
  });

  it('never schedules past the window', () => {
    const next = afterFailure({ windowStart: 0, failedAttempts: 8, now: RETRY_WINDOW_MS - HOUR_MS });
    expect(next).toEqual({ kind: 'retry', at: RETRY_WINDOW_MS });
  });
});

describe('outcomes', () => {
  it('only 2xx is delivered; a redirect is a failure and is never followed', () => {
    expect([200, 201, 204, 299].every(isDelivered)).toBe(true);
    expect([199, 301, 302, 307, 400, 410, 500].some(isDelivered)).toBe(false);
    expect(failureReason({ status: 302 })).toBe('redirect (302) not followed');
    expect(failureReason({ status: 503 })).toBe('HTTP 503');
    expect(failureReason({ timedOut: true })).toMatch(/^timeout/);
    expect(failureReason({ refused: 'Webhooks must go to a public host: 127.0.0.1 is a loopback address.' })).toMatch(
      /^refused: .*loopback/,
    );
  });

  it('the previous secret signs for the overlap, at most 7 days', () => {
    expect(previousSecretUntil(0, 24)).toBe(DAY_MS);
    expect(previousSecretUntil(0, 0)).toBe(0);
    expect(previousSecretUntil(0, 10_000)).toBe(7 * DAY_MS);
  });
});
