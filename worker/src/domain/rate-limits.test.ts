/** Rate-limit windows: exact sliding logs for small limits, constant-memory estimates for large ones. */
import { describe, expect, it } from 'vitest';
import { ApproxWindow, EXACT_LIMIT_MAX, KeyedLimiter, SlidingWindow, rateLimits, windowFor } from './rate-limits';

describe('SlidingWindow', () => {
  it('admits exactly `limit` writes in any window, and the next one when the oldest leaves', () => {
    const w = new SlidingWindow(3, 1000);
    expect([0, 10, 20, 30].map((t) => w.take(t).ok)).toEqual([true, true, true, false]);
    expect(w.check(999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(w.take(1000).ok).toBe(true);
    expect(w.take(1005).ok).toBe(false);
    expect(w.take(1010).ok).toBe(true);
  });
});

describe('ApproxWindow', () => {
  it('never admits more than `limit` in one fixed window and forgets the previous one gradually', () => {
    const w = new ApproxWindow(100, 1000);
    let admitted = 0;
    for (let t = 0; t < 1000; t++) if (w.take(t).ok) admitted++;
    expect(admitted).toBe(100);
    expect(w.take(1000).ok).toBe(false); // the previous window still counts in full
    expect(w.take(1500).ok).toBe(true); // half of it is forgotten
  });
});

describe('windowFor and KeyedLimiter', () => {
  it('counts small limits exactly and large ones in constant memory (a limit of 10^8 is not 800 MB)', () => {
    expect(windowFor(EXACT_LIMIT_MAX)).toBeInstanceOf(SlidingWindow);
    expect(windowFor(EXACT_LIMIT_MAX + 1)).toBeInstanceOf(ApproxWindow);
    const huge = new KeyedLimiter(100_000_000, 10);
    for (let i = 0; i < 1000; i++) expect(huge.take([`client-${i}`], i).ok).toBe(true);
    expect(huge.keyCount).toBe(10); // least recently used clients forgotten
  });

  it('a client under two keys (after the IP-hash key rotated) is counted across both', () => {
    const l = new KeyedLimiter(3, 100, 1000);
    expect(l.take(['yesterday'], 0).ok).toBe(true);
    expect(l.take(['yesterday'], 1).ok).toBe(true);
    expect(l.take(['today', 'yesterday'], 2).ok).toBe(true);
    expect(l.take(['today', 'yesterday'], 3).ok).toBe(false);
    expect(l.take(['today'], 4).ok).toBe(true); // alone, today's key has one write
  });

  it('overrides apply field by field and ignore anything invalid', () => {
    const limits = rateLimits('{"click":{"perClient":5,"perShop":"x"},"nope":{"perClient":1},"share":{"perShop":-1}}');
    expect(limits.click).toEqual({ perClient: 5, perShop: 120_000 });
    expect(limits.share).toEqual({ perClient: 60, perShop: 6_000 });
    expect(rateLimits('not json').claim).toEqual({ perClient: 10, perShop: 600 });
  });
});
