/**
 * Rate limits on every publishable-key write (guarantee 14): what is limited, how much, and the
 * sliding-window counters that decide. Pure: time is passed in, nothing here does I/O.
 *
 * Each write kind has two limits per sliding minute: one per client (the salted IP hash, or the
 * visitor hash when there is no IP) — for clicks per client *and* referral code — and one for the
 * whole shop, so that a flood from many addresses still cannot write without bound. A refused
 * write is a 429 `rate_limited` with `Retry-After`. Secret-key (server) writes are not limited.
 *
 * Memory is bounded whatever the input: a window keeps at most `limit` timestamps (a ring), and a
 * {@link KeyedLimiter} keeps at most `maxKeys` clients, forgetting the least recently seen first.
 */

import { MINUTE_MS } from './time.js';

export const RATE_WINDOW_MS = MINUTE_MS;

export type RateKind = 'click' | 'referrer' | 'share' | 'claim' | 'browser_report' | 'team';

export interface RateLimit {
  /** writes per client (per client and code for clicks) in a sliding minute */
  perClient: number;
  /** writes for the whole shop in a sliding minute */
  perShop: number;
}

/**
 * The defaults. Per-client limits leave room for many buyers behind one carrier-grade NAT address
 * (common on Hong Kong mobile networks); per-shop limits are far above a small shop's real traffic
 * and far below what would hurt the database.
 */
export const RATE_LIMITS: Readonly<Record<RateKind, RateLimit>> = Object.freeze({
  click: { perClient: 20, perShop: 120_000 },
  referrer: { perClient: 30, perShop: 1_200 },
  share: { perClient: 60, perShop: 6_000 },
  claim: { perClient: 10, perShop: 600 },
  browser_report: { perClient: 20, perShop: 1_200 },
  // starting or joining a team (team-buy): a person joins a few teams (many people may share an
  // address), a flood must not fill them
  team: { perClient: 60, perShop: 6_000 },
});

/**
 * The limits in force: the defaults, with overrides from a JSON object such as
 * `{"click":{"perClient":100000000}}` (the bench lifts limits this way). Invalid overrides are
 * ignored, never half-applied.
 *
 * @example
 * rateLimits('{"share":{"perShop":10}}').share; // { perClient: 60, perShop: 10 }
 */
export function rateLimits(overrides?: string | null, clickPerClient?: number): Record<RateKind, RateLimit> {
  const out = Object.fromEntries(Object.entries(RATE_LIMITS).map(([k, v]) => [k, { ...v }])) as Record<RateKind, RateLimit>;
  if (clickPerClient && Number.isSafeInteger(clickPerClient) && clickPerClient > 0) out.click.perClient = clickPerClient;
  if (!overrides) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(overrides);
  } catch {
    return out;
  }
  if (!parsed || typeof parsed !== 'object') return out;
  for (const [kind, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!(kind in out) || !value || typeof value !== 'object') continue;
    for (const field of ['perClient', 'perShop'] as const) {
      const n = (value as Record<string, unknown>)[field];
      if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) out[kind as RateKind][field] = n;
    }
  }
  return out;
}

/**
 * The keys one client is counted under: its IP hash (and the previous one after the daily key
 * rotation), else its visitor hash.
 *
 * @example
 * clientKeys({ ipHash: 'a', ipHashPrevious: 'b', visitorHash: 'v' }); // ['a', 'b']
 * clientKeys({ ipHash: null, visitorHash: null });                     // ['anonymous']
 */
export function clientKeys(c: { ipHash: string | null; ipHashPrevious?: string | null; visitorHash: string | null }): string[] {
  if (c.ipHash) return c.ipHashPrevious ? [c.ipHash, c.ipHashPrevious] : [c.ipHash];
  return [c.visitorHash ?? 'anonymous'];
}

export interface Verdict {
  ok: boolean;
  /** when refused: how long until the oldest counted write leaves the window */
  retryAfterMs: number;
}

/**
 * An exact sliding-window log of at most `limit` timestamps in a ring: `take(now)` admits a write
 * when fewer than `limit` writes happened in the last `windowMs`. O(1) per call, `limit` numbers of
 * memory. Times are expected to be roughly increasing (they are request times).
 *
 * @example
 * const w = new SlidingWindow(2);
 * w.take(0).ok; w.take(1).ok; // true, true
 * w.take(2);                  // { ok: false, retryAfterMs: 59_998 }
 * w.take(60_000).ok;          // true (the write at 0 left the window)
 */
export class SlidingWindow {
  private readonly times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(
    readonly limit: number,
    readonly windowMs = RATE_WINDOW_MS,
  ) {
    this.times = new Float64Array(Math.max(1, limit));
  }

  /** Whether a write at `now` fits, without counting it. */
  check(now: number): Verdict {
    if (this.size < this.limit) return { ok: true, retryAfterMs: 0 };
    const oldest = this.times[this.head]!;
    if (now - oldest >= this.windowMs) return { ok: true, retryAfterMs: 0 };
    return { ok: false, retryAfterMs: Math.max(1, this.windowMs - (now - oldest)) };
  }

  /** Counts a write at `now` (call after {@link check} said ok). */
  record(now: number): void {
    if (this.size < this.limit) {
      this.times[(this.head + this.size) % this.limit] = now;
      this.size++;
    } else {
      this.times[this.head] = now;
      this.head = (this.head + 1) % this.limit;
    }
  }

  /** check + record. */
  take(now: number): Verdict {
    const verdict = this.check(now);
    if (verdict.ok) this.record(now);
    return verdict;
  }

  /** Writes counted in the window ending at `now`. */
  count(now: number): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (now - this.times[(this.head + i) % this.limit]! < this.windowMs) n++;
    return n;
  }

  /** How long until the oldest write still in the window ending at `now` leaves it (0 if none). */
  untilOldestLeaves(now: number): number {
    for (let i = 0; i < this.size; i++) {
      const t = this.times[(this.head + i) % this.limit]!;
      if (now - t < this.windowMs) return Math.max(1, this.windowMs - (now - t));
    }
    return 0;
  }
}

/**
 * An approximate sliding window in constant memory, for limits too large to log every write (the
 * per-shop limits): the count of the current fixed window plus the previous window's count weighted
 * by how much of it the sliding window still covers (the estimate Cloudflare's own rate limiting
 * uses). Never admits more than `limit` writes in one fixed window.
 *
 * @example
 * const w = new ApproxWindow(100);
 * for (let i = 0; i < 100; i++) w.take(i);
 * w.take(100).ok;     // false
 * w.take(90_000).ok;  // true: half of the previous window is forgotten
 */
export class ApproxWindow {
  private start = -Infinity;
  private current = 0;
  private previous = 0;

  constructor(
    readonly limit: number,
    readonly windowMs = RATE_WINDOW_MS,
  ) {}

  private roll(now: number): void {
    if (now < this.start + this.windowMs) return;
    const windows = Math.floor((now - this.start) / this.windowMs);
    this.previous = windows === 1 ? this.current : 0;
    this.current = 0;
    this.start = Number.isFinite(this.start) ? this.start + windows * this.windowMs : now;
  }

  check(now: number): Verdict {
    this.roll(now);
    const elapsed = Math.max(0, now - this.start);
    const estimate = this.previous * (1 - elapsed / this.windowMs) + this.current;
    if (estimate < this.limit && this.current < this.limit) return { ok: true, retryAfterMs: 0 };
    if (this.current >= this.limit || this.previous === 0) {
      return { ok: false, retryAfterMs: Math.max(1, Math.ceil(this.start + this.windowMs - now)) };
    }
    // when the previous window's weight will have dropped enough
    const at = this.start + this.windowMs * (1 - (this.limit - this.current) / this.previous);
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil(at - now)) };
  }

  record(now: number): void {
    this.roll(now);
    this.current++;
  }

  take(now: number): Verdict {
    const verdict = this.check(now);
    if (verdict.ok) this.record(now);
    return verdict;
  }

  /** The estimated writes in the sliding window ending at `now`. */
  count(now: number): number {
    this.roll(now);
    const elapsed = Math.max(0, now - this.start);
    return Math.ceil(this.previous * (1 - elapsed / this.windowMs) + this.current);
  }

  /** How long until the count can drop: the start of the next fixed window. */
  untilOldestLeaves(now: number): number {
    this.roll(now);
    return this.current + this.previous > 0 ? Math.max(1, Math.ceil(this.start + this.windowMs - now)) : 0;
  }
}

/** What a {@link KeyedLimiter} keeps per key. */
type Window = Pick<SlidingWindow, 'check' | 'record' | 'count' | 'untilOldestLeaves'>;

/** Limits up to this many writes per window are counted exactly; larger ones are estimated in constant memory. */
export const EXACT_LIMIT_MAX = 256;

/**
 * A window for `limit`: an exact log of at most EXACT_LIMIT_MAX timestamps, or — for a larger limit,
 * whose log would cost 8 bytes per allowed write (a limit of a million: 8 MB per client) — the
 * constant-memory estimate.
 */
export function windowFor(limit: number, windowMs = RATE_WINDOW_MS): Window {
  return limit <= EXACT_LIMIT_MAX ? new SlidingWindow(limit, windowMs) : new ApproxWindow(limit, windowMs);
}

/**
 * One window per key (a client), at most `maxKeys` of them: the least recently used
 * key is forgotten first. A client with several keys (its hash under the current and the previous
 * IP-hash salt, right after the salt rotated) is refused when its writes under all of them fill the
 * limit, and each new write is counted under its first key.
 */
export class KeyedLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly maxKeys = 10_000,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  get keyCount(): number {
    return this.windows.size;
  }

  private get(key: string, create: boolean): Window | undefined {
    let w = this.windows.get(key);
    if (w) {
      // most recently used last
      this.windows.delete(key);
      this.windows.set(key, w);
      return w;
    }
    if (!create) return undefined;
    w = windowFor(this.limit, this.windowMs);
    this.windows.set(key, w);
    if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    return w;
  }

  check(keys: readonly string[], now: number): Verdict {
    const windows = keys.map((k) => this.get(k, false)).filter((w): w is Window => w !== undefined);
    if (windows.length <= 1) return windows[0]?.check(now) ?? { ok: true, retryAfterMs: 0 };
    // one client under several keys: their writes add up
    if (windows.reduce((n, w) => n + w.count(now), 0) < this.limit) return { ok: true, retryAfterMs: 0 };
    const waits = windows.map((w) => w.untilOldestLeaves(now)).filter((ms) => ms > 0);
    return { ok: false, retryAfterMs: Math.min(...waits) };
  }

  record(keys: readonly string[], now: number): void {
    if (keys.length) this.get(keys[0]!, true)!.record(now);
  }

  take(keys: readonly string[], now: number): Verdict {
    const verdict = this.check(keys, now);
    if (verdict.ok) this.record(keys, now);
    return verdict;
  }
}
