/**
 * The append-only ledger. Entries are only ever inserted (SQLite triggers refuse UPDATE and
 * DELETE); a balance is a SUM. Every insert carries a dedupe key so that a retried write is a no-op.
 */
import type { Balances, Bucket, EntryDraft, EntryType } from '../domain/ledger.js';
import { releaseEntries } from '../domain/ledger.js';
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

export async function shopBalancesByReferrer(db: D1Database, shopId: string) {
  const { results } = await db
    .prepare(
      `SELECT referrer_id, bucket, SUM(amount_minor) AS total FROM ledger_entries
        WHERE shop_id = ? GROUP BY referrer_id, bucket ORDER BY referrer_id`,
    )
    .bind(shopId)
    .all<{ referrer_id: string; bucket: Bucket; total: number }>();
  return results;
}

export async function listLedger(
  db: D1Database,
  shopId: string,
  opts: { limit: number; afterSeq?: number; referrerId?: string },
) {
  const where = ['shop_id = ?'];
  const args: unknown[] = [shopId];
  if (opts.referrerId) {
    where.push('referrer_id = ?');
    args.push(opts.referrerId);
  }
  if (opts.afterSeq !== undefined) {
    where.push('seq > ?');
    args.push(opts.afterSeq);
  }
  const { results } = await db
    .prepare(`SELECT * FROM ledger_entries WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
    .bind(...args, opts.limit)
    .all<LedgerRow>();
  return results;
}

/**
 * Moves every commission whose hold has ended from pending to available (new 'release' entries)
 * and queues `commission.available`. Safe to run any number of times, concurrently too: the
 * dedupe keys make a second release of the same conversion a no-op.
 */
export async function releaseDueCommissions(db: D1Database, now: number, shopId?: string): Promise<number> {
  const { results } = await db
    .prepare(
      `SELECT e.conversion_id, e.referrer_id, e.shop_id, e.currency, MAX(e.available_at) AS available_at
         FROM ledger_entries e
        WHERE e.type IN ('commission', 'approve') AND e.bucket = 'pending' AND e.available_at <= ?
          ${shopId ? 'AND e.shop_id = ?' : ''}
          AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.dedupe_key = 'release:' || e.conversion_id || ':available')
        GROUP BY e.conversion_id LIMIT 500`,
    )
    .bind(...(shopId ? [now, shopId] : [now]))
    .all<{ conversion_id: string; referrer_id: string; shop_id: string; currency: string; available_at: number }>();
  let released = 0;
  for (const due of results) {
    const { balances, lastSeq } = await conversionLedgerState(db, due.conversion_id, due.currency);
    const drafts = releaseEntries({
      conversionId: due.conversion_id,
      conversionBalances: balances,
      availableAt: due.available_at,
      now,
    });
    if (drafts.length === 0) continue;
    const txnId = newId('txn');
    const ctx: EntryContext = {
      shopId: due.shop_id,
      referrerId: due.referrer_id,
      currency: due.currency,
      txnId,
      conversionId: due.conversion_id,
      now,
    };
    const amount = drafts.find((d) => d.bucket === 'available')?.amountMinor ?? 0;
    // a refund (void) landing between our read and this write makes the guard false: nothing is
    // released now, and the next run releases what is still pending
    const [moved] = await db.batch([
      ...insertEntryStatements(db, ctx, drafts, unchangedSince(due.conversion_id, lastSeq, txnId)),
      outboxStatement(db, {
        shopId: due.shop_id,
        type: 'commission.available',
        payload: { conversionId: due.conversion_id, referrerId: due.referrer_id, amountMinor: amount, currency: due.currency },
        dedupeKey: `commission.available:${due.conversion_id}`,
        now,
        onlyIf: { sql: 'EXISTS (SELECT 1 FROM ledger_entries WHERE txn_id = ?)', args: [txnId] },
      }),
    ]);
    if (moved && moved.meta.changes > 0) released++;
  }
  return released;
}

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
