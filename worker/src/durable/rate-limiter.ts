/**
 * The shop object's rate limits on publishable-key writes (domain/rate-limits.ts has the rules and
 * the counters): per write kind, one limiter per client and one window for the whole shop. A write
 * is counted only when both admit it. Memory is bounded by the limiters themselves.
 *
 * After a restart the click windows are rebuilt from the clicks the object kept (click-log.ts), so
 * that an eviction in the middle of a flood does not hand the flooder a fresh allowance.
 */
import { ApproxWindow, KeyedLimiter, RATE_WINDOW_MS } from '../domain/rate-limits.js';
import type { RateKind, RateLimit, Verdict } from '../domain/rate-limits.js';
import type { RecentClick } from './click-log.js';

export class ShopRateLimiter {
  private readonly perClient = new Map<RateKind, KeyedLimiter>();
  private readonly perShop = new Map<RateKind, ApproxWindow>();
  private clicksRestored = false;

  constructor(
    private readonly limits: Record<RateKind, RateLimit>,
    /** the clicks kept since a time, oldest first */
    private readonly recentClicks: (since: number) => RecentClick[],
  ) {}

  /** Clients currently remembered, over every kind. */
  get clientCount(): number {
    let clients = 0;
    for (const l of this.perClient.values()) clients += l.keyCount;
    return clients;
  }

  /** Counts one write of `kind` by the client with `keys` at `now`, or refuses it with the wait. */
  take(kind: RateKind, keys: string[], now: number): Verdict {
    if (kind === 'click' && !this.clicksRestored) this.restoreClicks(now);
    const shop = this.shopWindow(kind).check(now);
    const client = this.clientLimiter(kind).check(keys, now);
    if (!shop.ok || !client.ok) {
      return { ok: false, retryAfterMs: Math.max(shop.ok ? 0 : shop.retryAfterMs, client.ok ? 0 : client.retryAfterMs) };
    }
    this.shopWindow(kind).record(now);
    this.clientLimiter(kind).record(keys, now);
    return client;
  }

  private clientLimiter(kind: RateKind): KeyedLimiter {
    let l = this.perClient.get(kind);
    if (!l) this.perClient.set(kind, (l = new KeyedLimiter(this.limits[kind].perClient)));
    return l;
  }

  private shopWindow(kind: RateKind): ApproxWindow {
    let w = this.perShop.get(kind);
    if (!w) this.perShop.set(kind, (w = new ApproxWindow(this.limits[kind].perShop)));
    return w;
  }

  private restoreClicks(now: number): void {
    this.clicksRestored = true;
    for (const c of this.recentClicks(now - RATE_WINDOW_MS)) {
      if (c.created_at > now) continue;
      this.shopWindow('click').record(c.created_at);
      this.clientLimiter('click').record([`${c.referrer_id}:${c.ip_hash ?? c.visitor_hash ?? 'anonymous'}`], c.created_at);
    }
  }
}
