/**
 * The append-only ledger. Entries are only ever inserted (SQLite triggers refuse UPDATE and
 * DELETE); a balance is a SUM. Every insert carries a dedupe key so that a retried write is a no-op.
 */
import type { Balances, Bucket, EntryDraft, EntryType } from '../domain/ledger.js';
import { releaseEntries, withdrawEntries } from '../domain/ledger.js';
import { newId } from '../lib/ids.js';
import { outboxStatement } from './outbox.js';

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

function toBalances(rows: Array<{ bucket: Bucket; total: number }>, currency: string): Balances & { currency: string } {
  const b = { currency, onHold: 0, pending: 0, available: 0, paid: 0 };
  for (const r of rows) {
    if (r.bucket === 'on_hold') b.onHold = r.total;
    else if (r.bucket === 'pending') b.pending = r.total;
    else if (r.bucket === 'available') b.available = r.total;
    else if (r.bucket === 'paid') b.paid = r.total;
  }
  return b;
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
  opts: { limit: number; startingAfter?: string; referrerId?: string },
) {
  const where = ['shop_id = ?1'];
  const args: unknown[] = [shopId, opts.limit];
  if (opts.referrerId) {
    args.push(opts.referrerId);
    where.push(`referrer_id = ?${args.length}`);
  }
  if (opts.startingAfter !== undefined) {
    args.push(opts.startingAfter);
    where.push(`seq > COALESCE((SELECT seq FROM ledger_entries WHERE id = ?${args.length} AND shop_id = ?1), 9e18)`);
  }
  const { results } = await db
    .prepare(`SELECT * FROM ledger_entries WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?2`)
    .bind(...args)
    .all<LedgerRow>();
  return results;
}

export type DueAction = 'release' | 'expire';

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
    for (const id of ids)
      byConversion.set(id, { balances: { onHold: 0, pending: 0, available: 0, paid: 0 }, lastSeq: 0, availableAt: null });
    for (const r of state) {
      const s = byConversion.get(r.conversion_id)!;
      s.balances[BUCKET_FIELD[r.bucket]] = r.total;
      s.lastSeq = Math.max(s.lastSeq, r.last_seq);
      if (r.available_at !== null) s.availableAt = Math.max(s.availableAt ?? 0, r.available_at);
    }
    const statements: D1PreparedStatement[] = [];
    /** index in the batch of each first ledger insert, to count what was really written */
    const firsts: Array<{ index: number; action: DueAction }> = [];
    for (const d of due) {
      const s = byConversion.get(d.conversion_id)!;
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
      if (d.action === 'release') {
        if (s.balances.pending > 0 && s.availableAt !== null && s.availableAt > now) {
          // the hold was extended (an approval): wait for its end
          statements.push(
            db
              .prepare('UPDATE ledger_tasks SET due_at = ? WHERE conversion_id = ? AND action = ?')
              .bind(s.availableAt, d.conversion_id, d.action),
          );
          continue;
        }
        const drafts = releaseEntries({
          conversionId: d.conversion_id,
          conversionBalances: s.balances,
          availableAt: d.due_at,
          now,
          afterSeq: s.lastSeq,
        });
        if (drafts.length) {
          firsts.push({ index: statements.length, action: 'release' });
          statements.push(
            // a refund (void) landing between our read and this write makes the guard false: nothing
            // is released now, the row stays, and the next run sees the new balances
            ...insertEntryStatements(db, ctx, drafts, unchangedSince(d.conversion_id, s.lastSeq, txnId)),
            outboxStatement(db, {
              shopId: d.shop_id,
              type: 'commission.available',
              payload: {
                conversionId: d.conversion_id,
                referrerId: d.referrer_id,
                amountMinor: s.balances.pending,
                currency: d.currency,
              },
              dedupeKey: `commission.available:${d.conversion_id}:${s.lastSeq}`,
              now,
              onlyIf: wrote,
            }),
          );
        }
      } else {
        const drafts = withdrawEntries({
          conversionId: d.conversion_id,
          action: 'expire',
          scope: 'on_hold',
          balances: s.balances,
        });
        if (drafts.length) {
          firsts.push({ index: statements.length, action: 'expire' });
          const unverified = {
            sql: `${unchangedSince(d.conversion_id, s.lastSeq, txnId).sql} AND EXISTS (SELECT 1 FROM conversions WHERE id = ? AND verified = 0)`,
            args: [...unchangedSince(d.conversion_id, s.lastSeq, txnId).args, d.conversion_id],
          };
          statements.push(
            ...insertEntryStatements(db, ctx, drafts, unverified),
            outboxStatement(db, {
              shopId: d.shop_id,
              type: 'commission.reversed',
              payload: {
                conversionId: d.conversion_id,
                referrerId: d.referrer_id,
                amountMinor: s.balances.onHold,
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

const BUCKET_FIELD = { on_hold: 'onHold', pending: 'pending', available: 'available', paid: 'paid' } as const;

/**
 * A conversion's balances as a refund must see them, with the seq they were read at: payouts
 * are per referrer, so the part of this
 * conversion's released commission that was already paid is found by paying the referrer's
 * conversions oldest-release-first (FIFO). That part is reported as `paid` (a refund claws it
 * back); the rest of `available` is still unpaid (a refund reverses it).
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
  let remaining = paidRow?.paid ?? 0;
  for (const r of results) {
    const payable = Math.max(0, r.released - r.reversed);
    const paidHere = Math.min(payable, remaining);
    remaining -= paidHere;
    if (r.conversion_id === conversionId) {
      const stillPaid = Math.max(0, paidHere - r.clawed);
      return { balances: { ...own, available: own.available - stillPaid, paid: stillPaid }, lastSeq };
    }
  }
  return { balances: own, lastSeq };
}
