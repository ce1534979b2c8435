/**
 * The append-only ledger. Entries are only ever inserted (SQLite triggers refuse UPDATE and
 * DELETE); a balance is a SUM. Every insert carries a dedupe key so that a retried write is a no-op.
 */
import type { Balances, Bucket, DueAction, EntryDraft, EntryType } from '../domain/ledger.js';
import { balancesForRefund, balancesOf, dueWork } from '../domain/ledger.js';
import { newId } from '../lib/ids.js';
import { outboxStatement } from './outbox.js';
import { shopListWhere } from './lists.js';

export interface LedgerRow {
  seq: number;
  id: string;
  shop_id: string;
  referrer_id: string;
  txn_id: string;
  type: EntryType;
  bucket: Bucket;
  amount_minor: number;
  currency: string;
  conversion_id: string | null;
  refund_id: string | null;
  payout_id: string | null;
  available_at: number | null;
  reason: string | null;
  dedupe_key: string | null;
  created_at: number;
}

export interface EntryContext {
  shopId: string;
  referrerId: string;
  currency: string;
  txnId: string;
  conversionId?: string | null;
  refundId?: string | null;
  payoutId?: string | null;
  now: number;
}

/**
 * Statements that insert the drafts. `guardSql`/`guardArgs`, when given, is a condition evaluated in
 * the same statement (e.g. "our conversion row won the race"): no row is written when it is false.
 */
export function insertEntryStatements(
  db: D1Database,
  ctx: EntryContext,
  drafts: EntryDraft[],
  guard?: { sql: string; args: unknown[] },
): D1PreparedStatement[] {
  return drafts.map((d) =>
    db
      .prepare(
        `INSERT INTO ledger_entries (id, shop_id, referrer_id, txn_id, type, bucket, amount_minor, currency,
            conversion_id, refund_id, payout_id, available_at, reason, dedupe_key, created_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE ${guard ? guard.sql : '1'}
         ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .bind(
        newId('le'),
        ctx.shopId,
        ctx.referrerId,
        ctx.txnId,
        d.type,
        d.bucket,
        d.amountMinor,
        ctx.currency,
        ctx.conversionId ?? null,
        ctx.refundId ?? null,
        ctx.payoutId ?? null,
        d.availableAt ?? null,
        d.reason ?? null,
        d.dedupeKey ?? null,
        ctx.now,
        ...(guard?.args ?? []),
      ),
  );
}

/** A ledger entry to insert, whole (see {@link insertEntryRowsStatement}). */
export type EntryRow = Omit<
  LedgerRow,
  'seq' | 'refund_id' | 'payout_id' | 'conversion_id' | 'available_at' | 'reason' | 'dedupe_key'
> &
  Partial<Pick<LedgerRow, 'refund_id' | 'payout_id' | 'conversion_id' | 'available_at' | 'reason' | 'dedupe_key'>>;

/** The columns of a ledger entry, in insert order (the group writes of db/, and the seed). */
export const LEDGER_ENTRY_COLUMNS = [
  'id',
  'shop_id',
  'referrer_id',
  'txn_id',
  'type',
  'bucket',
  'amount_minor',
  'currency',
  'conversion_id',
  'refund_id',
  'payout_id',
  'available_at',
  'reason',
  'dedupe_key',
  'created_at',
] as const;

/**
 * Any number of entries in ONE statement (a JSON parameter; D1 pays per statement), each written
 * only when `guard` holds; dedupe keys make a repeat a no-op.
 */
export function insertEntryRowsStatement(
  db: D1Database,
  rows: EntryRow[],
  guard: { sql: string; args: unknown[] },
): D1PreparedStatement {
  const full = rows.map((r) =>
    Object.fromEntries(LEDGER_ENTRY_COLUMNS.map((c) => [c, (r as Record<string, unknown>)[c] ?? null])),
  );
  return db
    .prepare(
      `INSERT INTO ledger_entries (${LEDGER_ENTRY_COLUMNS.join(', ')})
       SELECT ${LEDGER_ENTRY_COLUMNS.map((c) => `value ->> '$.${c}'`).join(', ')} FROM json_each(?) WHERE ${guard.sql}
       ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .bind(JSON.stringify(full), ...guard.args);
}

/** Balances from per-bucket totals (one row per bucket). */
function sumBuckets(rows: ReadonlyArray<{ bucket: Bucket; total: number }>): Balances {
  return balancesOf(rows.map((r) => ({ bucket: r.bucket, amountMinor: r.total })));
}

function toBalances(rows: Array<{ bucket: Bucket; total: number }>, currency: string): Balances & { currency: string } {
  return { currency, ...sumBuckets(rows) };
}

export async function conversionBalances(db: D1Database, conversionId: string, currency: string) {
  return (await conversionLedgerState(db, conversionId, currency)).balances;
}

/**
 * A conversion's balances and the seq of its last entry, read in one statement (one snapshot).
 * Entries computed from these balances must be written under {@link unchangedSince}, or a
 * concurrent refund and release could both move the same money (pending −C and available +C).
 */
export async function conversionLedgerState(db: D1Database, conversionId: string, currency: string) {
  const { results } = await db
    .prepare(
      'SELECT bucket, SUM(amount_minor) AS total, MAX(seq) AS last_seq FROM ledger_entries WHERE conversion_id = ? GROUP BY bucket',
    )
    .bind(conversionId)
    .all<{ bucket: Bucket; total: number; last_seq: number }>();
  return { balances: toBalances(results, currency), lastSeq: results.reduce((m, r) => Math.max(m, r.last_seq), 0) };
}

/**
 * Guard for {@link insertEntryStatements}: true while the conversion has no entry newer than
 * `lastSeq` other than those of `txnId` (the batch's own, so that every statement of the batch
 * sees the same answer). A batch whose guard fails writes nothing; the caller reads again.
 *
 * @example insertEntryStatements(db, ctx, drafts, unchangedSince(conversionId, state.lastSeq, ctx.txnId))
 */
export function unchangedSince(conversionId: string, lastSeq: number, txnId: string): { sql: string; args: unknown[] } {
  return {
    sql: 'NOT EXISTS (SELECT 1 FROM ledger_entries WHERE conversion_id = ? AND seq > ? AND txn_id <> ?)',
    args: [conversionId, lastSeq, txnId],
  };
}

export async function referrerBalances(db: D1Database, referrerId: string, currency: string) {
  const { results } = await db
    .prepare('SELECT bucket, SUM(amount_minor) AS total FROM ledger_entries WHERE referrer_id = ? GROUP BY bucket')
    .bind(referrerId)
    .all<{ bucket: Bucket; total: number }>();
  return toBalances(results, currency);
}

/**
 * Balances of a page of the shop's referrers (referrer id order, after `startingAfter`): reads the
 * entries of at most `limit` referrers.
 */
export async function referrerBalancesPage(
  db: D1Database,
  shop: { id: string; currency: string },
  page: { limit: number; startingAfter?: string },
): Promise<Array<{ referrerId: string; balances: Balances & { currency: string } }>> {
  const { results } = await db
    .prepare(
      `SELECT e.referrer_id, e.bucket, SUM(e.amount_minor) AS total
         FROM ledger_entries e
        WHERE e.referrer_id IN (SELECT DISTINCT referrer_id FROM ledger_entries
                                 WHERE shop_id = ?1 ${page.startingAfter ? 'AND referrer_id > ?3' : ''}
                                 ORDER BY referrer_id LIMIT ?2)
        GROUP BY e.referrer_id, e.bucket ORDER BY e.referrer_id`,
    )
    .bind(shop.id, page.limit, ...(page.startingAfter ? [page.startingAfter] : []))
    .all<{ referrer_id: string; bucket: Bucket; total: number }>();
  const by = new Map<string, Array<{ bucket: Bucket; total: number }>>();
  for (const r of results) by.set(r.referrer_id, [...(by.get(r.referrer_id) ?? []), r]);
  return [...by].map(([referrerId, rows]) => ({ referrerId, balances: toBalances(rows, shop.currency) }));
}

/** The shop's totals per bucket, over every referrer. */
export async function shopBalances(db: D1Database, shop: { id: string; currency: string }) {
  const { results } = await db
    .prepare('SELECT bucket, SUM(amount_minor) AS total FROM ledger_entries WHERE shop_id = ? GROUP BY bucket')
    .bind(shop.id)
    .all<{ bucket: Bucket; total: number }>();
  return toBalances(results, shop.currency);
}

/** A page of the shop's entries in write order, after the entry `startingAfter` (an entry id). */
export async function listLedger(
  db: D1Database,
  shopId: string,
  opts: { limit: number; startingAfter?: string; referrerId?: string; type?: EntryType; bucket?: Bucket },
) {
  const { where: base, args } = shopListWhere(shopId, opts.limit, {
    referrerId: opts.referrerId,
    cursor:
      opts.startingAfter !== undefined
        ? {
            value: opts.startingAfter,
            sql: (p) => `seq > COALESCE((SELECT seq FROM ledger_entries WHERE id = ${p} AND shop_id = ?1), 9e18)`,
          }
        : undefined,
  });
  // filters by type or bucket: the rows of the shop are read in seq order (ledger_shop) and filtered
  let where = base;
  for (const [column, value] of [
    ['type', opts.type],
    ['bucket', opts.bucket],
  ] as const) {
    if (value) {
      args.push(value);
      where += ` AND ${column} = ?${args.length}`;
    }
  }
  const { results } = await db
    .prepare(`SELECT * FROM ledger_entries WHERE ${where} ORDER BY seq LIMIT ?2`)
    .bind(...args)
    .all<LedgerRow>();
  return results;
}

export type { DueAction };

/**
 * Records work the ledger owes a conversion (see migration 0005): written with the entries that
 * create it, only when `onlyIf` holds. A later due time for the same work wins (a release waits
 * for the latest hold of the conversion).
 */
export function dueStatement(
  db: D1Database,
  due: { conversionId: string; action: DueAction; shopId: string; referrerId: string; currency: string; dueAt: number },
  onlyIf: { sql: string; args: unknown[] },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO ledger_tasks (conversion_id, action, shop_id, referrer_id, currency, due_at)
       SELECT ?, ?, ?, ?, ?, ? WHERE ${onlyIf.sql}
       ON CONFLICT (conversion_id, action) DO UPDATE SET due_at = max(ledger_tasks.due_at, excluded.due_at),
         referrer_id = excluded.referrer_id`,
    )
    .bind(due.conversionId, due.action, due.shopId, due.referrerId, due.currency, due.dueAt, ...onlyIf.args);
}

/**
 * Forgets the conversion's due work that is gone: a release when nothing is pending any more, an
 * expiry when nothing is on hold or the order was confirmed. Put it last in every batch that moves
 * a conversion's commission (release, refund, approval, confirmation): settled conversions then
 * never stay candidates.
 */
export function clearSettledDueStatement(db: D1Database, conversionId: string): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM ledger_tasks WHERE conversion_id = ?1 AND (
         (action = 'release' AND (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries
                                   WHERE conversion_id = ?1 AND bucket = 'pending') <= 0)
         OR (action = 'expire' AND ((SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries
                                     WHERE conversion_id = ?1 AND bucket = 'on_hold') <= 0
                                    OR EXISTS (SELECT 1 FROM conversions WHERE id = ?1 AND verified = 1))))`,
    )
    .bind(conversionId);
}

/** Conversions handled per round of {@link settleDue}. */
export const SETTLE_BATCH = 50;

interface DueRow {
  conversion_id: string;
  action: DueAction;
  shop_id: string;
  referrer_id: string;
  currency: string;
  due_at: number;
}

/**
 * Does the work the ledger owes at `now`, oldest first: moves pending commissions whose hold ended
 * to available (`commission.available`), and voids the held commission of browser-reported orders
 * the shop never confirmed within its `unverifiedExpiryDays` (`commission.reversed`). Runs from
 * the cron (every shop) and from each shop's Durable Object alarm (its own shop), never from a
 * read. Each round costs exactly 3 D1 calls (the due rows, their balances, one batch) for up to
 * SETTLE_BATCH conversions, and a run makes at most `rounds` rounds. Only rows with work left are
 * candidates (settled ones are deleted by the batch that settles them), so nothing due waits
 * behind anything that is not.
 *
 * Safe to run any number of times, concurrently too: entries are written only if the conversion's
 * ledger did not change since it was read, and dedupe keys make a repeat a no-op.
 */
export async function settleDue(
  db: D1Database,
  now: number,
  opts: { shopId?: string; rounds?: number } = {},
): Promise<{ released: number; expired: number; rounds: number; more: boolean }> {
  const out = { released: 0, expired: 0, rounds: 0, more: false };
  const rounds = opts.rounds ?? 4;
  for (let round = 0; round < rounds; round++) {
    const { results: due } = await db
      .prepare(
        `SELECT * FROM ledger_tasks WHERE due_at <= ?1 ${opts.shopId ? 'AND shop_id = ?3' : ''}
          ORDER BY due_at, conversion_id LIMIT ?2`,
      )
      .bind(now, SETTLE_BATCH, ...(opts.shopId ? [opts.shopId] : []))
      .all<DueRow>();
    if (due.length === 0) return out;
    out.rounds++;
    const ids = [...new Set(due.map((d) => d.conversion_id))];
    const { results: state } = await db
      .prepare(
        `SELECT conversion_id, bucket, SUM(amount_minor) AS total, MAX(seq) AS last_seq,
                MAX(CASE WHEN type IN ('commission', 'approve') AND bucket = 'pending' THEN available_at END) AS available_at
           FROM ledger_entries WHERE conversion_id IN (SELECT value FROM json_each(?)) GROUP BY conversion_id, bucket`,
      )
      .bind(JSON.stringify(ids))
      .all<{ conversion_id: string; bucket: Bucket; total: number; last_seq: number; available_at: number | null }>();
    const byConversion = new Map<string, { balances: Balances; lastSeq: number; availableAt: number | null }>();
    for (const id of ids) {
      const rows = state.filter((r) => r.conversion_id === id);
      const availableAts = rows.flatMap((r) => (r.available_at === null ? [] : [r.available_at]));
      byConversion.set(id, {
        balances: sumBuckets(rows),
        lastSeq: Math.max(0, ...rows.map((r) => r.last_seq)),
        availableAt: availableAts.length ? Math.max(0, ...availableAts) : null,
      });
    }
    const statements: D1PreparedStatement[] = [];
    /** index in the batch of each first ledger insert, to count what was really written */
    const firsts: Array<{ index: number; action: DueAction }> = [];
    for (const d of due) {
      const s = byConversion.get(d.conversion_id)!;
      const work = dueWork({ action: d.action, conversionId: d.conversion_id, dueAt: d.due_at, now, state: s });
      if (work.kind === 'wait') {
        // the hold was extended (an approval): wait for its end
        statements.push(
          db
            .prepare('UPDATE ledger_tasks SET due_at = ? WHERE conversion_id = ? AND action = ?')
            .bind(work.dueAt, d.conversion_id, d.action),
        );
        continue;
      }
      if (work.kind !== 'drop') {
        const txnId = newId('txn');
        const ctx: EntryContext = {
          shopId: d.shop_id,
          referrerId: d.referrer_id,
          currency: d.currency,
          txnId,
          conversionId: d.conversion_id,
          now,
        };
        const wrote = { sql: 'EXISTS (SELECT 1 FROM ledger_entries WHERE txn_id = ?)', args: [txnId] };
        // a refund (void) landing between our read and this write makes the guard false: nothing is
        // written now, the task stays, and the next run sees the new balances
        const unchanged = unchangedSince(d.conversion_id, s.lastSeq, txnId);
        firsts.push({ index: statements.length, action: work.kind });
        if (work.kind === 'release') {
          statements.push(
            ...insertEntryStatements(db, ctx, work.entries, unchanged),
            outboxStatement(db, {
              shopId: d.shop_id,
              type: 'commission.available',
              payload: {
                conversionId: d.conversion_id,
                referrerId: d.referrer_id,
                amountMinor: work.amountMinor,
                currency: d.currency,
              },
              dedupeKey: `commission.available:${d.conversion_id}:${s.lastSeq}`,
              now,
              onlyIf: wrote,
            }),
          );
        } else {
          const unverified = {
            sql: `${unchanged.sql} AND EXISTS (SELECT 1 FROM conversions WHERE id = ? AND verified = 0)`,
            args: [...unchanged.args, d.conversion_id],
          };
          statements.push(
            ...insertEntryStatements(db, ctx, work.entries, unverified),
            outboxStatement(db, {
              shopId: d.shop_id,
              type: 'commission.reversed',
              payload: {
                conversionId: d.conversion_id,
                referrerId: d.referrer_id,
                amountMinor: work.amountMinor,
                currency: d.currency,
                reason: 'unverified_expired',
              },
              dedupeKey: `commission.reversed:expire:${d.conversion_id}`,
              now,
              onlyIf: wrote,
            }),
          );
        }
      }
      statements.push(clearSettledDueStatement(db, d.conversion_id));
    }
    const results = await db.batch(statements);
    for (const f of firsts) {
      if ((results[f.index]?.meta.changes ?? 0) > 0) {
        if (f.action === 'release') out.released++;
        else out.expired++;
      }
    }
    if (due.length < SETTLE_BATCH) return out;
  }
  out.more = true;
  return out;
}

/**
 * A conversion's balances as a refund must see them, with the seq they were read at: the part of
 * its released commission already paid out is `paid` (domain/ledger.ts {@link balancesForRefund}
 * allocates the referrer's payouts oldest-release-first).
 */
export async function conversionBalancesForRefund(db: D1Database, referrerId: string, conversionId: string, currency: string) {
  const { balances: own, lastSeq } = await conversionLedgerState(db, conversionId, currency);
  const { results } = await db
    .prepare(
      `SELECT conversion_id,
              SUM(CASE WHEN type = 'release' THEN amount_minor ELSE 0 END) AS released,
              SUM(CASE WHEN type = 'reversal' THEN -amount_minor ELSE 0 END) AS reversed,
              SUM(CASE WHEN type = 'clawback' THEN -amount_minor ELSE 0 END) AS clawed,
              MIN(seq) AS first_seq
         FROM ledger_entries
        WHERE referrer_id = ? AND bucket = 'available' AND conversion_id IS NOT NULL
        GROUP BY conversion_id ORDER BY first_seq`,
    )
    .bind(referrerId)
    .all<{ conversion_id: string; released: number; reversed: number; clawed: number }>();
  const paidRow = await db
    .prepare(`SELECT COALESCE(SUM(amount_minor), 0) AS paid FROM ledger_entries WHERE referrer_id = ? AND bucket = 'paid'`)
    .bind(referrerId)
    .first<{ paid: number }>();
  const balances = balancesForRefund({
    conversionId,
    own,
    releases: results.map((r) => ({
      conversionId: r.conversion_id,
      releasedMinor: r.released,
      reversedMinor: r.reversed,
      clawedMinor: r.clawed,
    })),
    referrerPaidMinor: paidRow?.paid ?? 0,
  });
  return { balances, lastSeq };
}

/** The seq of a conversion's last ledger entry (0 when it has none). */
export async function lastEntrySeq(db: D1Database, conversionId: string): Promise<number> {
  const row = await db
    .prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM ledger_entries WHERE conversion_id = ?')
    .bind(conversionId)
    .first<{ seq: number }>();
  return row?.seq ?? 0;
}

/** When the shop's earliest due ledger work falls due, or null when it owes none. */
export async function nextDueAt(db: D1Database, shopId: string): Promise<number | null> {
  const row = await db
    .prepare('SELECT MIN(due_at) AS at FROM ledger_tasks WHERE shop_id = ?')
    .bind(shopId)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}
