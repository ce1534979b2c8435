/**
 * ShopObject: one Durable Object per shop (named by its shop id; get its stub with
 * `shopObject(env, shopId)` from shop-object-stub.ts). It takes click ingest off D1's write path,
 * rate-limits the shop's publishable-key writes, decides the shop's conversions next to its
 * clicks, and runs the shop's due ledger work on time. The class only wires and delegates:
 *
 * - shop-cache.ts: the program, products and referrers it has seen (bounded, invalidated on change);
 * - click-log.ts: its own copy of the shop's clicks — group-committed writes, flushes to D1, prune;
 * - rate-limiter.ts: the per-client and per-shop limits on publishable-key writes;
 * - conversion-desk.ts: the order workflow, deciding with domain/conversions.ts;
 * - ledger-schedule.ts: when the ledger next owes the shop work (releases announce their webhook
 *   events to the shop's WebhookSender);
 * - team-seats.ts: who holds a place in an open team of each team offer, and the offers' open teams.
 *
 * A click is validated against the cached referrers (unknown codes are cached too), rate-limited,
 * and kept in the object's storage before the caller gets its click id. One alarm flushes new
 * clicks to D1, prunes old local clicks daily and releases commissions whose hold ended; the cron
 * catches anything else. Memory is bounded whatever the input (see `metrics()`).
 */
import { DurableObject } from 'cloudflare:workers';
import type { PendingClick } from '../db/clicks.js';
import { MAX_PENDING_CLICKS } from '../db/clicks.js';
import type { ShopRow } from '../db/shops.js';
import { clientKeys, rateLimits } from '../domain/rate-limits.js';
import type { RateKind, Verdict } from '../domain/rate-limits.js';
import { SECOND_MS, MINUTE_MS } from '../domain/time.js';
import { ClickLog } from './click-log.js';
import type { ClickInput } from './click-log.js';
import { ConversionDesk } from './conversion-desk.js';
import type { ConversionReportInput, DeskResult, RecentOrderSizes } from './conversion-desk.js';
import { meteredD1 } from './d1-meter.js';
import type { D1Counts } from './d1-meter.js';
import type { GroupCounts } from './group-commit.js';
import { LedgerSchedule } from './ledger-schedule.js';
import { ShopRateLimiter } from './rate-limiter.js';
import { ShopCache } from './shop-cache.js';
import { announceEvents } from '../services/webhooks.js';
import type { CachedPart, ShopCacheSizes } from './shop-cache.js';
import { TeamSeats } from './team-seats.js';
import type { SeatRequest, SeatVerdict } from './team-seats.js';

export type { ClickInput };

/**
 * How long new clicks wait for D1 when fewer than CLICK_FLUSH_MAX come (the CLICK_FLUSH_MS var
 * overrides it). Every flush is an alarm, a D1 write and a storage commit for the object, whatever it
 * carries: at 1 s an object with a few clicks a second spent more on its flushes than on its clicks,
 * at 5 s they still cost 80–130 µs a click (bench: \`worker.clicks.shops_100\`), and the one D1
 * database takes a write per active shop every interval. Nothing waits on the flush: attribution
 * reads the object's own copy, and the dashboard's and a referrer's figures add the clicks not yet
 * flushed (`pendingClicks`).
 */
const CLICK_FLUSH_MS = 30 * SECOND_MS;

export interface ProgramSummary {
  windowDays: number;
  friendRewardKind: 'none' | 'percent' | 'flat';
  friendRewardValue: number;
}

export type RecordResult =
  | { ok: true; referrerId: string; code: string; displayName: string | null; program: ProgramSummary }
  | { ok: false; reason: 'referrer_not_found' | 'rate_limited'; retryAfterMs?: number };

export interface ShopObjectMetrics {
  d1: D1Counts;
  /** the conversion desk's recent orders and the shop cache's entries */
  desk: RecentOrderSizes & ShopCacheSizes;
  rateLimitedClients: number;
  unflushedClicks: number;
  /** commits of new clicks to the object's storage since it started (groups), and the clicks they held (items) */
  clickCommits: GroupCounts;
  /** D1 batches of new conversions since the object started (groups), and the conversions they held (items) */
  conversionBatches: GroupCounts;
  nextDueAt: number | null;
  teamSeats: number;
  openTeams: number;
}

export class ShopObject extends DurableObject<Env> {
  private readonly d1Counts: D1Counts = { statements: 0, calls: 0 };
  private readonly cache: ShopCache;
  private readonly clicks: ClickLog;
  private readonly limiter: ShopRateLimiter;
  private readonly ledger: LedgerSchedule;
  private readonly desk: ConversionDesk;
  private readonly seats: TeamSeats;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = meteredD1(env.DB, this.d1Counts);
    const vars = env as Env & { RATE_LIMITS?: string };
    this.cache = new ShopCache(db);
    this.clicks = new ClickLog(ctx.storage, db);
    this.ledger = new LedgerSchedule(ctx.storage.sql, db);
    this.seats = new TeamSeats(ctx.storage.sql);
    this.limiter = new ShopRateLimiter(rateLimits(vars.RATE_LIMITS, Number(env.CLICK_RATE_LIMIT_PER_MINUTE)), (since) =>
      this.clicks.recent(since),
    );
    this.desk = new ConversionDesk(
      env,
      db,
      this.cache,
      this.clicks,
      (at) => void this.noteDue(at).catch((error) => console.error('scheduling ledger work failed', error)),
    );
  }

  /** Decides and records a reported order (see conversion-desk.ts). Browser reports are rate-limited. */
  async report(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; client?: string[]; teamId?: string | null },
  ): Promise<DeskResult> {
    this.ledger.rememberShop(shop.id);
    if (!opts.verified) {
      const verdict = this.limiter.take('browser_report', opts.client ?? ['anonymous'], opts.now);
      if (!verdict.ok) {
        return {
          ok: false,
          status: 429,
          code: 'rate_limited',
          message: 'Too many orders reported from this browser or for this shop; try again later.',
          retryAfterMs: verdict.retryAfterMs,
        };
      }
    }
    return this.desk.report(shop, report, opts);
  }

  /** Counts one publishable-key write of `kind` by `client` (its keys) at `now`, or refuses it. */
  async limit(kind: Exclude<RateKind, 'click'>, client: string[], now: number): Promise<Verdict> {
    return this.limiter.take(kind, client, now);
  }

  /**
   * Takes a person's seat in a team (team-seats.ts), after counting the write against the shop's
   * `team` rate limits when it comes from the browser (`client`: its keys; null for the secret key).
   */
  async takeTeamSeat(
    seat: SeatRequest,
    client: string[] | null,
  ): Promise<SeatVerdict | { ok: false; code: 'rate_limited'; retryAfterMs: number }> {
    if (client) {
      const verdict = this.limiter.take('team', client, seat.now);
      if (!verdict.ok) return { ok: false, code: 'rate_limited', retryAfterMs: verdict.retryAfterMs };
    }
    return this.seats.take(seat);
  }

  /** Gives a seat back (a member left, or a join or start was refused after the seat was taken). */
  async releaseTeamSeat(seat: { offerId: string; identity: string; teamId: string; closeTeam?: boolean }): Promise<void> {
    this.seats.release(seat);
  }

  /** A team ended: its seats and its place among the offer's open teams are free. */
  async closeTeam(teamId: string): Promise<void> {
    this.seats.closeTeam(teamId);
  }

  /** Forget cached program, products and/or referrers (after the shop changed them). */
  async invalidate(what: CachedPart = 'all'): Promise<void> {
    this.cache.invalidate(what);
  }

  /** Forget one referrer (approved, blocked, claimed, a new device) or an unknown code that now exists. */
  async forgetReferrer(id: string | null, code?: string | null): Promise<void> {
    this.cache.forgetReferrer(id, code);
  }

  /** A referrer deleted their identity: forget them and clear the personal fields of their clicks kept here. */
  async forgetReferrerClicks(referrerId: string, vanityCode: string | null): Promise<void> {
    this.cache.forgetReferrer(referrerId, vanityCode);
    this.clicks.clearReferrer(referrerId);
  }

  /**
   * Clicks acknowledged but perhaps not yet in D1 — of one referrer, or all — at most
   * MAX_PENDING_CLICKS, oldest first: the dashboard's and a referrer's figures add them
   * (db/clicks.ts pendingClicks), so that a click counts as soon as it is acknowledged.
   */
  async pendingClicks(referrerId: string | null = null): Promise<PendingClick[]> {
    return this.clicks.pendingClicks(referrerId, MAX_PENDING_CLICKS);
  }

  /** What this object costs and holds: D1 statements run, cache sizes, rate-limit clients. */
  async metrics(): Promise<ShopObjectMetrics> {
    return {
      d1: { ...this.d1Counts },
      desk: { ...this.desk.sizes(), ...this.cache.sizes() },
      rateLimitedClients: this.limiter.clientCount,
      unflushedClicks: this.clicks.pendingCount(),
      clickCommits: this.clicks.commits,
      conversionBatches: this.desk.batches,
      nextDueAt: this.ledger.nextDueAt,
      ...this.seats.sizes(),
    };
  }

  /** The ledger will owe this shop work at `at` (a hold ends): make sure the alarm runs by then. */
  async scheduleDue(shopId: string, at: number): Promise<void> {
    this.ledger.rememberShop(shopId);
    await this.noteDue(at);
  }

  /** Validates, rate-limits and durably buffers one click. */
  async record(click: ClickInput): Promise<RecordResult> {
    this.ledger.rememberShop(click.shopId);
    const referrer = await this.cache.referrerByCode(click.shopId, click.code, click.createdAt);
    if (!referrer || referrer.status === 'blocked') return { ok: false, reason: 'referrer_not_found' };
    const keys = clientKeys(click).map((k) => `${referrer.id}:${k}`);
    const verdict = this.limiter.take('click', keys, click.createdAt);
    if (!verdict.ok) return { ok: false, reason: 'rate_limited', retryAfterMs: verdict.retryAfterMs };
    const { pending, recounted } = await this.clicks.write({ ...click, referrerId: referrer.id });
    if (pending >= (Number(this.env.CLICK_FLUSH_MAX) || 200)) {
      this.ctx.waitUntil(this.flush());
    } else if (pending === 1 || recounted) {
      await this.alarmBy(Date.now() + (Number(this.env.CLICK_FLUSH_MS) || CLICK_FLUSH_MS));
    }
    const program = await this.cache.programRow(click.shopId, click.createdAt);
    return {
      ok: true,
      referrerId: referrer.id,
      code: referrer.code,
      displayName: referrer.display_name,
      program: {
        windowDays: program.window_days,
        friendRewardKind: program.friend_reward_kind,
        friendRewardValue: program.friend_reward_value,
      },
    };
  }

  /** Number of clicks waiting to be written to D1. */
  async pendingCount(): Promise<number> {
    return this.clicks.pendingCount();
  }

  /** Writes every buffered click to D1 (idempotent). Returns how many. */
  async flush(): Promise<number> {
    return this.clicks.flush();
  }

  /** Deletes flushed local clicks older than the shop's attribution window + margin, as of `now`. */
  async pruneLocalClicks(now: number): Promise<void> {
    await this.clicks.prune(now, (shopId) => this.windowDays(shopId, now));
  }

  private async windowDays(shopId: string, now: number): Promise<number> {
    return (await this.cache.programRow(shopId, now)).window_days;
  }

  private async noteDue(at: number): Promise<void> {
    if (this.ledger.note(at)) await this.alarmBy(at);
  }

  /** Makes the alarm run no later than `at`. */
  private async alarmBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      // keep the clicks and try again shortly; the alarm is retried by the runtime as well
      console.error('click flush failed', error);
      await this.ctx.storage.setAlarm(Date.now() + 5 * SECOND_MS);
      return;
    }
    const now = Date.now();
    await this.clicks.pruneDaily(now, (shopId) => this.windowDays(shopId, now));
    try {
      const settled = await this.ledger.settle(Date.now());
      if (settled) await announceEvents(this.env, settled);
    } catch (error) {
      // the cron settles every shop too; try again in a minute
      console.error('ledger settle failed', error);
      await this.alarmBy(Date.now() + MINUTE_MS);
    }
    if (this.clicks.pendingCount() > 0) await this.alarmBy(Date.now() + 100);
    const nextDueAt = this.ledger.nextDueAt;
    if (nextDueAt !== null) await this.alarmBy(Math.max(nextDueAt, Date.now() + 100));
    // an object that keeps flushed clicks keeps a daily prune, even if no click comes any more
    const pruneAt = this.clicks.nextPruneAt();
    if (pruneAt !== null) await this.alarmBy(Math.max(pruneAt, Date.now() + SECOND_MS));
  }
}
