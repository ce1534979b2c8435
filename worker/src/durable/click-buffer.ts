/**
 * ClickBuffer: one Durable Object per shop that takes click ingest off D1's write path and
 * decides the shop's conversions next to its clicks.
 *
 * A click is validated against a cached copy of the shop's referrers, rate-limited per code and
 * client, and written to this object's own SQLite storage before the caller gets its click id —
 * so a click acknowledged is a click kept, even if the worker or this object restarts. Concurrent
 * clicks share one storage commit (group commit), which is what makes ingest cheap. An alarm
 * flushes new clicks to D1 in batches (`INSERT OR IGNORE`, so a flush retried after a crash
 * never duplicates); the local copy is kept for the shop's attribution window plus a margin
 * (click-retention.ts) so that the conversion desk (conversion-desk.ts) attributes without reading D1.
 */
import { DurableObject } from 'cloudflare:workers';
import type { ShopRow } from '../db/shops.js';
import type { ClickRow } from '../db/clicks.js';
import { ConversionDesk } from './conversion-desk.js';
import type { ConversionReportInput, DeskResult } from './conversion-desk.js';
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
  ipHashPrevious: string | null;
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

const RATE_WINDOW_MS = 60_000;

export class ClickBuffer extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly rate = new Map<string, number[]>();

  private readonly desk: ConversionDesk;
  private unflushed = -1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // click_log is append-only in write order (seq); everything up to flush_state.seq is in D1. This
    // keeps a click's write to one row plus the id index (and the visitor index when it has one).
    this.sql.exec(`CREATE TABLE IF NOT EXISTS click_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, shop_id TEXT NOT NULL,
      referrer_id TEXT NOT NULL, channel TEXT NOT NULL, landing_url TEXT, visitor_hash TEXT,
      ip_hash TEXT, ua_hash TEXT, created_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS click_log_visitor ON click_log (visitor_hash, created_at) WHERE visitor_hash IS NOT NULL;
      CREATE TABLE IF NOT EXISTS flush_state (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, pruned_at INTEGER NOT NULL);
      INSERT OR IGNORE INTO flush_state (one, seq, pruned_at) VALUES (1, 0, 0);`);
    this.desk = new ConversionDesk(
      env,
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
    );
  }

  /** Decides and records a reported order (see conversion-desk.ts). */
  async report(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; catalogPrices: boolean },
  ): Promise<DeskResult> {
    return this.desk.report(shop, report, opts);
  }

  /** Forget cached referrers, program and products (after approve / block / claim / catalogue changes). */
  async invalidateAll(): Promise<void> {
    this.desk.invalidate();
  }

  private async programSummary(shopId: string, now: number): Promise<ProgramSummary> {
    const p = await this.desk.programRow(shopId, now);
    return { windowDays: p.window_days, friendRewardKind: p.friend_reward_kind, friendRewardValue: p.friend_reward_value };
  }

  private rateRestored = false;

  /**
   * After a restart the sliding windows are rebuilt from the clicks this object kept, so that an
   * eviction in the middle of a flood does not hand the flooder a fresh allowance.
   */
  private restoreRate(now: number): void {
    this.rateRestored = true;
    const recent = this.sql
      .exec<{ referrer_id: string; ip_hash: string | null; visitor_hash: string | null; created_at: number }>(
        'SELECT referrer_id, ip_hash, visitor_hash, created_at FROM click_log ORDER BY seq DESC LIMIT 20000',
      )
      .toArray();
    for (const c of recent.reverse()) {
      if (now - c.created_at >= RATE_WINDOW_MS || c.created_at > now) continue;
      const key = `${c.referrer_id}:${c.ip_hash ?? c.visitor_hash ?? 'anonymous'}`;
      this.rate.set(key, [...(this.rate.get(key) ?? []), c.created_at]);
    }
  }

  /** Rate limit: at most `limit` clicks per code and client in a sliding minute. */
  private allow(key: string, now: number, limit: number): { ok: boolean; retryAfterMs: number } {
    if (!this.rateRestored) this.restoreRate(now);
    const times = (this.rate.get(key) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
    if (times.length >= limit) {
      this.rate.set(key, times);
      return { ok: false, retryAfterMs: RATE_WINDOW_MS - (now - times[0]!) };
    }
    times.push(now);
    this.rate.set(key, times);
    if (this.rate.size > 50_000) this.rate.clear();
    return { ok: true, retryAfterMs: 0 };
  }

  /** Validates, rate-limits and durably buffers one click. */
  async record(click: ClickInput, limitPerMinute: number): Promise<RecordResult> {
    const referrer = await this.desk.referrerByCode(click.shopId, click.code, click.createdAt);
    if (!referrer || referrer.status === 'blocked') return { ok: false, reason: 'referrer_not_found' };
    // TODO(lead): count ipHashPrevious in the limiter
    const client = click.ipHash ?? click.visitorHash ?? 'anonymous';
    const verdict = this.allow(`${referrer.id}:${client}`, click.createdAt, limitPerMinute);
    if (!verdict.ok) return { ok: false, reason: 'rate_limited', retryAfterMs: verdict.retryAfterMs };
    await this.write({ ...click, referrerId: referrer.id });
    const restored = this.unflushed < 0;
    const pending = restored ? await this.pendingCount() : ++this.unflushed;
    const max = Number(this.env.CLICK_FLUSH_MAX) || 200;
    if (pending >= max) {
      this.ctx.waitUntil(this.flush());
    } else if (pending === 1 || restored) {
      // the alarm may be the next daily prune (click-retention.ts), a day away: bring it forward
      const flushAt = Date.now() + (Number(this.env.CLICK_FLUSH_MS) || 1000);
      const alarm = await this.ctx.storage.getAlarm();
      if (alarm === null || alarm > flushAt) await this.ctx.storage.setAlarm(flushAt);
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
      await this.env.DB.prepare(
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
    if ((await this.pendingCount()) > 0) await this.ctx.storage.setAlarm(Date.now() + 100);
    else await this.schedulePrune();
  }

  /** Keeps an alarm for the next daily prune while flushed clicks are kept here (even if no click comes). */
  private async schedulePrune(): Promise<void> {
    const at = nextPruneAt(this.sql);
    if (at !== null) await this.ctx.storage.setAlarm(Math.max(at, Date.now() + 1000));
  }
}
