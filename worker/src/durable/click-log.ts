/**
 * The shop object's own copy of its clicks (`click_log` in the object's SQLite storage): written
 * before a click is acknowledged, so a click acknowledged is a click kept even if the worker or the
 * object restarts; read by the conversion desk to attribute without D1; flushed to D1 in batches.
 *
 * - Writes are group-committed: the clicks of one turn share one storage transaction when they come
 *   close together; a click that comes alone is written at once.
 * - click_log is append-only in write order (seq); everything up to flush_state.seq is in D1. A
 *   click costs one row plus the id index (and the visitor index when it has one).
 * - Flushes (db/clicks.ts insertClicks) skip clicks D1 already has, so a flush retried after a
 *   crash never duplicates.
 * - Retention: flushed clicks older than the shop's attribution window + margin
 *   (domain/retention.ts) are deleted outright, once a day — D1 keeps the click itself, without its
 *   personal fields. An object that holds flushed clicks keeps an alarm for its next prune, so a
 *   shop that stops getting clicks is pruned all the same.
 */
import type { ClickRow, PendingClick } from '../db/clicks.js';
import { insertClicks } from '../db/clicks.js';
import { personalDataCutoff } from '../domain/retention.js';
import { DAY_MS } from '../domain/time.js';
import { GroupCommit } from './group-commit.js';
import type { GroupCounts } from './group-commit.js';

/** A click as the shop's routes hand it to the object, before its code is checked. */
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

/** A click accepted for its referrer, as it is kept. */
export type AcceptedClick = ClickInput & { referrerId: string };

/** What the rate limiter needs of a recent click to count it again after a restart. */
export type RecentClick = Pick<ClickRow, 'referrer_id' | 'ip_hash' | 'visitor_hash' | 'created_at'>;

const SCHEMA = `CREATE TABLE IF NOT EXISTS click_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, shop_id TEXT NOT NULL,
    referrer_id TEXT NOT NULL, channel TEXT NOT NULL, landing_url TEXT, visitor_hash TEXT,
    ip_hash TEXT, ua_hash TEXT, created_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS click_log_visitor ON click_log (visitor_hash, created_at) WHERE visitor_hash IS NOT NULL;
  CREATE TABLE IF NOT EXISTS flush_state (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, pruned_at INTEGER NOT NULL);
  INSERT OR IGNORE INTO flush_state (one, seq, pruned_at) VALUES (1, 0, 0);`;

/** Clicks per D1 statement when flushing. */
const FLUSH_CHUNK = 500;

export class ClickLog {
  private readonly sql: SqlStorage;
  private readonly writes: GroupCommit<AcceptedClick, void>;
  /** clicks not yet in D1 as last counted; -1 until counted after a (re)start */
  private unflushed = -1;
  private flushing: Promise<number> | null = null;

  constructor(
    storage: DurableObjectStorage,
    private readonly db: D1Database,
  ) {
    this.sql = storage.sql;
    this.sql.exec(SCHEMA);
    this.writes = new GroupCommit<AcceptedClick, void>({
      // clicks that come close together (a busy shop) share a commit; a quiet shop's click is written at once
      gather: 'turn',
      gatherWithinMs: 20,
      // the output gate holds every caller's answer until storage has the transaction
      commit: (clicks) => {
        // one click is one statement, atomic by itself; several share a transaction: all or none
        if (clicks.length === 1) this.insert(clicks[0]!);
        else storage.transactionSync(() => clicks.forEach((c) => this.insert(c)));
        return clicks.map(() => undefined);
      },
    });
  }

  /** Storage commits of new clicks since the object started (groups), and the clicks they held (items). */
  get commits(): GroupCounts {
    return this.writes.counts;
  }

  private insert(c: AcceptedClick): void {
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

  /**
   * Durably keeps one accepted click (group-committed). Returns how many clicks now wait for D1,
   * and whether that number was counted afresh (the first write after a restart).
   */
  async write(click: AcceptedClick): Promise<{ pending: number; recounted: boolean }> {
    await this.writes.add(click);
    const recounted = this.unflushed < 0;
    return { pending: recounted ? this.pendingCount() : ++this.unflushed, recounted };
  }

  byId(id: string): ClickRow | null {
    return (this.sql.exec('SELECT * FROM click_log WHERE id = ?', id).toArray()[0] as unknown as ClickRow | undefined) ?? null;
  }

  /** The visitor's clicks between `since` and `until` (inclusive), oldest first, 200 at most. */
  ofVisitor(visitorHash: string, since: number, until: number): ClickRow[] {
    return this.sql
      .exec(
        'SELECT * FROM click_log WHERE visitor_hash = ? AND created_at BETWEEN ? AND ? ORDER BY created_at LIMIT 200',
        visitorHash,
        since,
        until,
      )
      .toArray() as unknown as ClickRow[];
  }

  /** Clicks after `since`, in write order (the newest 20,000 at most). */
  recent(since: number): RecentClick[] {
    return this.sql
      .exec<RecentClick>(
        'SELECT referrer_id, ip_hash, visitor_hash, created_at FROM click_log WHERE created_at > ? ORDER BY seq DESC LIMIT 20000',
        since,
      )
      .toArray()
      .reverse();
  }

  /** Nulls the personal fields of a referrer's clicks kept here (the referrer deleted their identity). */
  clearReferrer(referrerId: string): void {
    this.sql.exec(
      'UPDATE click_log SET landing_url = NULL, visitor_hash = NULL, ip_hash = NULL, ua_hash = NULL WHERE referrer_id = ?',
      referrerId,
    );
  }

  /**
   * Clicks not yet in D1 — of one referrer, or all — oldest first, at most `limit`: what a read of
   * D1's counts adds to be current (db/clicks.ts pendingClicks). Reads only rows after the flush mark.
   */
  pendingClicks(referrerId: string | null, limit: number): PendingClick[] {
    return this.sql
      .exec<PendingClick>(
        `SELECT id, referrer_id, channel, created_at FROM click_log
          WHERE seq > (SELECT seq FROM flush_state) AND (?1 IS NULL OR referrer_id = ?1) ORDER BY seq LIMIT ?2`,
        referrerId,
        limit,
      )
      .toArray();
  }

  /** Clicks not yet in D1 (counted afresh). */
  pendingCount(): number {
    this.unflushed = this.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM click_log WHERE seq > (SELECT seq FROM flush_state)')
      .one().n;
    return this.unflushed;
  }

  /** Writes every click not yet in D1 there; concurrent calls share one flush. Returns how many. */
  flush(): Promise<number> {
    this.flushing ??= this.flushAll().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async flushAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = this.sql
        .exec('SELECT * FROM click_log WHERE seq > (SELECT seq FROM flush_state) ORDER BY seq LIMIT ?', FLUSH_CHUNK)
        .toArray() as unknown as Array<ClickRow & { seq: number }>;
      if (rows.length === 0) {
        this.unflushed = 0;
        return total;
      }
      await insertClicks(this.db, rows);
      // only after D1 has them: a crash between the two re-sends them, and D1 skips them
      this.sql.exec('UPDATE flush_state SET seq = ?', rows.at(-1)!.seq);
      total += rows.length;
    }
  }

  /** Prunes (see {@link prune}) when the last prune is a day old. */
  async pruneDaily(now: number, windowDays: (shopId: string) => Promise<number>): Promise<void> {
    const { pruned_at } = this.sql.exec<{ pruned_at: number }>('SELECT pruned_at FROM flush_state').one();
    if (now - pruned_at < DAY_MS) return;
    await this.prune(now, windowDays);
  }

  /**
   * Deletes flushed clicks older than the shop's window + margin as of `now`, and records the
   * prune time. `windowDays` is asked only when there is something to prune.
   */
  async prune(now: number, windowDays: (shopId: string) => Promise<number>): Promise<void> {
    const first = this.sql.exec<{ shop_id: string }>('SELECT shop_id FROM click_log LIMIT 1').toArray()[0];
    if (first) {
      const cutoff = personalDataCutoff(await windowDays(first.shop_id), now);
      this.sql.exec('DELETE FROM click_log WHERE seq <= (SELECT seq FROM flush_state) AND created_at < ?', cutoff);
    }
    this.sql.exec('UPDATE flush_state SET pruned_at = ?', now);
  }

  /** When the next daily prune is due, or null when no flushed click is kept. */
  nextPruneAt(): number | null {
    const row = this.sql
      .exec<{ pruned_at: number; kept: number }>(
        `SELECT pruned_at, EXISTS (SELECT 1 FROM click_log WHERE seq <= flush_state.seq) AS kept FROM flush_state`,
      )
      .one();
    return row.kept ? row.pruned_at + DAY_MS : null;
  }
}
