/**
 * ClickBuffer: one Durable Object per shop that takes click ingest off D1's write path, rate-limits
 * the shop's publishable-key writes, decides the shop's conversions next to its clicks, and runs
 * the shop's due ledger work on time.
 *
 * A click is validated against a cached copy of the shop's referrers (unknown codes are cached
 * too), rate-limited per code and client and per shop, and written to this object's own SQLite
 * storage before the caller gets its click id — so a click acknowledged is a click kept, even if
 * the worker or this object restarts. Concurrent clicks share one storage commit (group commit),
 * which is what makes ingest cheap. An alarm flushes new clicks to D1 in batches (`INSERT OR
 * IGNORE`, so a flush retried after a crash never duplicates); the local copy is kept for the
 * shop's attribution window plus a margin (click-retention.ts) so that the conversion desk
 * (conversion-desk.ts) attributes without reading D1. The same alarm releases commissions whose hold ended (db/ledger.ts settleDue) when
 * the desk said some would be due; the cron catches anything else.
 *
 * Memory is bounded whatever the input: the rate limiters keep a bounded number of clients and the
 * desk's caches are bounded in entries or bytes (see `metrics()`).
 */
import { DurableObject } from 'cloudflare:workers';
import type { ShopRow } from '../db/shops.js';
import type { ClickRow } from '../db/clicks.js';
import { settleDue } from '../db/ledger.js';
import { ApproxWindow, KeyedLimiter, RATE_WINDOW_MS, rateLimits } from '../domain/rate-limits.js';
import type { RateKind, RateLimit, Verdict } from '../domain/rate-limits.js';
import { ConversionDesk } from './conversion-desk.js';
import type { ConversionReportInput, DeskCacheSizes, DeskResult } from './conversion-desk.js';
import { meteredD1 } from './d1-meter.js';
import type { D1Counts } from './d1-meter.js';
import { nextPruneAt, pruneClickLog } from './click-retention.js';

export interface ClickInput {
  id: string;
  shopId: string;
  code: string;
  channel: string;
  landingUrl: string | null;
  visitorHash: string | null;
  ipHash: string | null;
  /** the IP's hash under yesterday's key, only in the first minute of a UTC day (lib/pseudonyms.ts); never stored */
  ipHashPrevious?: string | null;
  uaHash: string | null;
  createdAt: number;
}

export interface ProgramSummary {
  windowDays: number;
  friendRewardKind: 'none' | 'percent' | 'flat';
  friendRewardValue: number;
}

export type RecordResult =
  | { ok: true; referrerId: string; code: string; displayName: string | null; program: ProgramSummary }
  | { ok: false; reason: 'referrer_not_found' | 'rate_limited'; retryAfterMs?: number };

/** The keys one client is counted under: its IP hash (and the previous one after a rotation), else its visitor hash. */
export function clientKeys(c: { ipHash: string | null; ipHashPrevious?: string | null; visitorHash: string | null }): string[] {
  if (c.ipHash) return c.ipHashPrevious ? [c.ipHash, c.ipHashPrevious] : [c.ipHash];
  return [c.visitorHash ?? 'anonymous'];
}

/** Ledger work per alarm: at most this many settle rounds (3 D1 calls each). */
const SETTLE_ROUNDS = 4;

export interface ShopObjectMetrics {
  d1: D1Counts;
  desk: DeskCacheSizes;
  rateLimitedClients: number;
  unflushedClicks: number;
  nextDueAt: number | null;
}

export class ClickBuffer extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly limits: Record<RateKind, RateLimit>;
  private readonly perClient = new Map<RateKind, KeyedLimiter>();
  private readonly perShop = new Map<RateKind, ApproxWindow>();
  private readonly d1Counts: D1Counts = { statements: 0, calls: 0 };
  private readonly db: D1Database;

  private readonly desk: ConversionDesk;
  private unflushed = -1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.db = meteredD1(env.DB, this.d1Counts);
    const vars = env as Env & { RATE_LIMITS?: string };
    this.limits = rateLimits(vars.RATE_LIMITS, Number(env.CLICK_RATE_LIMIT_PER_MINUTE));
    // click_log is append-only in write order (seq); everything up to flush_state.seq is in D1. This
    // keeps a click's write to one row plus the id index (and the visitor index when it has one).
    this.sql.exec(`CREATE TABLE IF NOT EXISTS click_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, shop_id TEXT NOT NULL,
      referrer_id TEXT NOT NULL, channel TEXT NOT NULL, landing_url TEXT, visitor_hash TEXT,
      ip_hash TEXT, ua_hash TEXT, created_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS click_log_visitor ON click_log (visitor_hash, created_at) WHERE visitor_hash IS NOT NULL;
      CREATE TABLE IF NOT EXISTS flush_state (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, pruned_at INTEGER NOT NULL);
      INSERT OR IGNORE INTO flush_state (one, seq, pruned_at) VALUES (1, 0, 0);
      CREATE TABLE IF NOT EXISTS due_state (one INTEGER PRIMARY KEY CHECK (one = 1), shop_id TEXT, next_due_at INTEGER);
      INSERT OR IGNORE INTO due_state (one, shop_id, next_due_at) VALUES (1, NULL, NULL);`);
    this.desk = new ConversionDesk(
      env,
      this.db,
      (id) => (this.sql.exec('SELECT * FROM click_log WHERE id = ?', id).toArray()[0] as unknown as ClickRow | undefined) ?? null,
      (visitorHash, since, until) =>
        this.sql
          .exec(
            'SELECT * FROM click_log WHERE visitor_hash = ? AND created_at BETWEEN ? AND ? ORDER BY created_at LIMIT 200',
            visitorHash,
            since,
            until,
          )
          .toArray() as unknown as ClickRow[],
      (at) => void this.noteDue(at).catch((error) => console.error('scheduling ledger work failed', error)),
    );
  }

  /** Decides and records a reported order (see conversion-desk.ts). Browser reports are rate-limited. */
  async report(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; client?: string[] },
  ): Promise<DeskResult> {
    this.rememberShop(shop.id);
    if (!opts.verified) {
      const verdict = this.take('browser_report', opts.client ?? ['anonymous'], opts.now);
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
    return this.take(kind, client, now);
  }

  /** Forget cached program, products and/or referrers (after the shop changed them). */
  async invalidate(what: 'all' | 'program' | 'products' | 'referrers' = 'all'): Promise<void> {
    this.desk.invalidate(what);
  }

  /** Forget one referrer (approved, blocked, claimed, a new device) or an unknown code that now exists. */
  async forgetReferrer(id: string | null, code?: string | null): Promise<void> {
    this.desk.forgetReferrer(id, code);
  }

  /** Clicks of a referrer acknowledged but not yet flushed to D1 (stats add them to D1's count). */
  async unflushedClicksOf(referrerId: string): Promise<number> {
    return this.sql
      .exec<{ n: number }>(
        'SELECT count(*) AS n FROM click_log WHERE seq > (SELECT seq FROM flush_state) AND referrer_id = ?',
        referrerId,
      )
      .one().n;
  }

  /** What this object costs and holds: D1 statements run, cache sizes, rate-limit clients. */
  async metrics(): Promise<ShopObjectMetrics> {
    let clients = 0;
    for (const l of this.perClient.values()) clients += l.keyCount;
    return {
      d1: { ...this.d1Counts },
      desk: this.desk.cacheSizes(),
      rateLimitedClients: clients,
      unflushedClicks: await this.pendingCount(),
      nextDueAt: this.dueState().next_due_at,
    };
  }

  /** The ledger will owe this shop work at `at` (a hold ends): make sure the alarm runs by then. */
  async scheduleDue(shopId: string, at: number): Promise<void> {
    this.rememberShop(shopId);
    await this.noteDue(at);
  }

  private async programSummary(shopId: string, now: number): Promise<ProgramSummary> {
    const p = await this.desk.programRow(shopId, now);
    return { windowDays: p.window_days, friendRewardKind: p.friend_reward_kind, friendRewardValue: p.friend_reward_value };
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

  /** Both limits of `kind`: the client's and the shop's; a write is counted only when both admit it. */
  private take(kind: RateKind, keys: string[], now: number): Verdict {
    if (kind === 'click' && !this.rateRestored) this.restoreRate(now);
    const shop = this.shopWindow(kind).check(now);
    const client = this.clientLimiter(kind).check(keys, now);
    if (!shop.ok || !client.ok) {
      return { ok: false, retryAfterMs: Math.max(shop.ok ? 0 : shop.retryAfterMs, client.ok ? 0 : client.retryAfterMs) };
    }
    this.shopWindow(kind).record(now);
    this.clientLimiter(kind).record(keys, now);
    return client;
  }

  private rateRestored = false;

  /**
   * After a restart the click windows are rebuilt from the clicks this object kept, so that an
   * eviction in the middle of a flood does not hand the flooder a fresh allowance.
   */
  private restoreRate(now: number): void {
    this.rateRestored = true;
    const recent = this.sql
      .exec<{ referrer_id: string; ip_hash: string | null; visitor_hash: string | null; created_at: number }>(
        'SELECT referrer_id, ip_hash, visitor_hash, created_at FROM click_log WHERE created_at > ? ORDER BY seq DESC LIMIT 20000',
        now - RATE_WINDOW_MS,
      )
      .toArray();
    for (const c of recent.reverse()) {
      if (c.created_at > now) continue;
      this.shopWindow('click').record(c.created_at);
      this.clientLimiter('click').record([`${c.referrer_id}:${c.ip_hash ?? c.visitor_hash ?? 'anonymous'}`], c.created_at);
    }
  }

  /** Validates, rate-limits and durably buffers one click. */
  async record(click: ClickInput): Promise<RecordResult> {
    this.rememberShop(click.shopId);
    const referrer = await this.desk.referrerByCode(click.shopId, click.code, click.createdAt);
    if (!referrer || referrer.status === 'blocked') return { ok: false, reason: 'referrer_not_found' };
    const keys = clientKeys(click).map((k) => `${referrer.id}:${k}`);
    const verdict = this.take('click', keys, click.createdAt);
    if (!verdict.ok) return { ok: false, reason: 'rate_limited', retryAfterMs: verdict.retryAfterMs };
    await this.write({ ...click, referrerId: referrer.id });
    const restored = this.unflushed < 0;
    const pending = restored ? await this.pendingCount() : ++this.unflushed;
    const max = Number(this.env.CLICK_FLUSH_MAX) || 200;
    if (pending >= max) {
      this.ctx.waitUntil(this.flush());
    } else if (pending === 1 || restored) {
      await this.alarmBy(Date.now() + (Number(this.env.CLICK_FLUSH_MS) || 1000));
    }
    return {
      ok: true,
      referrerId: referrer.id,
      code: referrer.code,
      displayName: referrer.display_name,
      program: await this.programSummary(click.shopId, click.createdAt),
    };
  }

  private writeQueue: Array<ClickInput & { referrerId: string }> = [];
  private writing: Promise<void> | null = null;

  /**
   * Group commit into this object's storage: clicks that arrive while one write is being prepared
   * go into the same transaction, and every caller's answer waits for the commit of its own click
   * (the output gate holds responses until storage has it). One commit serves many clicks.
   */
  private write(click: ClickInput & { referrerId: string }): Promise<void> {
    this.writeQueue.push(click);
    this.writing ??= new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const batch = this.writeQueue;
        this.writeQueue = [];
        this.writing = null;
        try {
          this.ctx.storage.transactionSync(() => {
            for (const c of batch) {
              this.sql.exec(
                `INSERT OR IGNORE INTO click_log (id, shop_id, referrer_id, channel, landing_url, visitor_hash, ip_hash, ua_hash, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
                c.id,
                c.shopId,
                c.referrerId,
                c.channel,
                c.landingUrl,
                c.visitorHash,
                c.ipHash,
                c.uaHash,
                c.createdAt,
              );
            }
          });
          resolve();
        } catch (error) {
          reject(error);
        }
      }, 0);
    });
    return this.writing;
  }

  /** Number of clicks waiting to be written to D1. */
  async pendingCount(): Promise<number> {
    this.unflushed = this.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM click_log WHERE seq > (SELECT seq FROM flush_state)')
      .one().n;
    return this.unflushed;
  }

  private flushing: Promise<number> | null = null;

  /** Writes every buffered click to D1 (idempotent) and drops it from the buffer. Returns how many. */
  async flush(): Promise<number> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async doFlush(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = this.sql
        .exec('SELECT * FROM click_log WHERE seq > (SELECT seq FROM flush_state) ORDER BY seq LIMIT 500')
        .toArray() as unknown as Array<ClickRow & { seq: number }>;
      if (rows.length === 0) {
        this.unflushed = 0;
        return total;
      }
      // one statement for the whole chunk: D1 pays its per-statement cost once, not per click
      await this.db
        .prepare(
          `INSERT OR IGNORE INTO clicks (id, shop_id, referrer_id, channel, landing_url, visitor_hash, ip_hash, ua_hash, created_at)
         SELECT value ->> '$.id', value ->> '$.shop_id', value ->> '$.referrer_id', value ->> '$.channel',
                value ->> '$.landing_url', value ->> '$.visitor_hash', value ->> '$.ip_hash', value ->> '$.ua_hash',
                value ->> '$.created_at'
           FROM json_each(?)`,
        )
        .bind(JSON.stringify(rows))
        .run();
      // only after D1 has them: a crash between the two re-sends them, and INSERT OR IGNORE absorbs it
      this.sql.exec('UPDATE flush_state SET seq = ?', rows.at(-1)!.seq);
      total += rows.length;
    }
  }

  /** Once a day: forget local copies of flushed clicks older than the shop's window + margin (click-retention.ts). */
  private async pruneDaily(): Promise<void> {
    const now = Date.now();
    const state = this.sql.exec<{ seq: number; pruned_at: number }>('SELECT seq, pruned_at FROM flush_state').one();
    if (now - state.pruned_at < 86_400_000) return;
    await this.pruneLocalClicks(now);
  }

  /** Deletes flushed local clicks older than the shop's attribution window + margin, as of `now`. */
  async pruneLocalClicks(now: number): Promise<void> {
    await pruneClickLog(this.sql, now, async (shopId) => (await this.desk.programRow(shopId, now)).window_days);
  }

  private dueState(): { shop_id: string | null; next_due_at: number | null } {
    return this.sql
      .exec<{ shop_id: string | null; next_due_at: number | null }>('SELECT shop_id, next_due_at FROM due_state')
      .one();
  }

  private shopIdKnown = false;

  /** The object is named after its shop; it learns the id from its first call and keeps it for its alarms. */
  private rememberShop(shopId: string): void {
    if (this.shopIdKnown) return;
    this.sql.exec('UPDATE due_state SET shop_id = ? WHERE shop_id IS NULL', shopId);
    this.shopIdKnown = true;
  }

  private async noteDue(at: number): Promise<void> {
    const { next_due_at } = this.dueState();
    if (next_due_at !== null && next_due_at <= at) return;
    this.sql.exec('UPDATE due_state SET next_due_at = ?', at);
    await this.alarmBy(at);
  }

  /** Makes the alarm run no later than `at`. */
  private async alarmBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** Releases this shop's due commissions (bounded) and remembers when the next work is due. */
  private async settle(now: number): Promise<void> {
    const { shop_id, next_due_at } = this.dueState();
    if (!shop_id || next_due_at === null || next_due_at > now) return;
    const run = await settleDue(this.db, now, { shopId: shop_id, rounds: SETTLE_ROUNDS });
    const next = run.more
      ? now
      : ((
          await this.db
            .prepare('SELECT MIN(due_at) AS at FROM ledger_tasks WHERE shop_id = ?')
            .bind(shop_id)
            .first<{ at: number | null }>()
        )?.at ?? null);
    this.sql.exec('UPDATE due_state SET next_due_at = ?', next);
  }

  override async alarm(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      // keep the clicks and try again shortly; the alarm is retried by the runtime as well
      console.error('click flush failed', error);
      await this.ctx.storage.setAlarm(Date.now() + 5_000);
      return;
    }
    await this.pruneDaily();
    try {
      await this.settle(Date.now());
    } catch (error) {
      // the cron settles every shop too; try again in a minute
      console.error('ledger settle failed', error);
      await this.alarmBy(Date.now() + 60_000);
    }
    if ((await this.pendingCount()) > 0) await this.alarmBy(Date.now() + 100);
    const { next_due_at } = this.dueState();
    if (next_due_at !== null) await this.alarmBy(Math.max(next_due_at, Date.now() + 100));
    // an object that keeps flushed clicks keeps a daily prune, even if no click comes any more
    const pruneAt = nextPruneAt(this.sql);
    if (pruneAt !== null) await this.alarmBy(Math.max(pruneAt, Date.now() + 1000));
  }
}
