/**
 * Queries for conversions (reported orders) and the shop's running order total, and the
 * batches that record a decided conversion (domain/conversions.ts) with its ledger entries, due
 * work and webhook event.
 */
import type { ConversionDecision } from '../domain/conversions.js';
import { commissionEntries, withdrawEntries } from '../domain/ledger.js';
import type { Balances } from '../domain/ledger.js';
import { MAX_SHOP_ORDERS_MINOR } from '../domain/money.js';
import { DAY_MS } from '../domain/time.js';
import { newId } from '../lib/ids.js';
import { LEDGER_ENTRY_COLUMNS, clearSettledDueStatement, dueStatement, insertEntryStatements } from './ledger.js';
import { outboxStatement } from './outbox.js';
import { shopListWhere } from './lists.js';

export interface ConversionRow {
  id: string;
  shop_id: string;
  order_id: string;
  amount_minor: number;
  currency: string;
  items: string;
  referrer_id: string | null;
  click_id: string | null;
  source: 'click' | 'code' | 'coupon' | 'none';
  verified: number;
  customer_hash: string | null;
  commission_minor: number;
  commission_status: 'none' | 'pending' | 'on_hold';
  explanation: string;
  request_hash: string;
  created_at: number;
  /** the team the order was bought in (team-buy); rows built without it have none */
  team_id?: string | null;
}

export function getConversionByOrder(db: D1Database, shopId: string, orderId: string): Promise<ConversionRow | null> {
  return conversionByOrderStatement(db, shopId, orderId).first<ConversionRow>();
}

export function getConversion(db: D1Database, shopId: string, id: string): Promise<ConversionRow | null> {
  return conversionStatement(db, shopId, id).first<ConversionRow>();
}

/** Reads the shop's conversion of an order; put last in a batch to read what the batch left. */
export function conversionByOrderStatement(db: D1Database, shopId: string, orderId: string): D1PreparedStatement {
  return db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?').bind(shopId, orderId);
}

/** Reads one conversion of the shop; put last in a batch to read what the batch left. */
export function conversionStatement(db: D1Database, shopId: string, id: string): D1PreparedStatement {
  return db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND id = ?').bind(shopId, id);
}

const COLUMNS = `id, shop_id, order_id, amount_minor, currency, items, referrer_id, click_id, source, verified,
  customer_hash, commission_minor, commission_status, explanation, request_hash, created_at, team_id`;

/**
 * Inserts a new conversion unless the order is already recorded (`UNIQUE (shop_id, order_id)`) or
 * its amount would take the shop past MAX_SHOP_ORDERS_MINOR. Pair it with
 * {@link addToShopTotalStatement} in the same batch.
 */
export function insertConversionStatement(db: D1Database, c: ConversionRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO conversions (${COLUMNS})
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
        WHERE ${WITHIN_SHOP_LIMIT}
       ON CONFLICT (shop_id, order_id) DO NOTHING`,
    )
    .bind(
      c.id,
      c.shop_id,
      c.order_id,
      c.amount_minor,
      c.currency,
      c.items,
      c.referrer_id,
      c.click_id,
      c.source,
      c.verified,
      c.customer_hash,
      c.commission_minor,
      c.commission_status,
      c.explanation,
      c.request_hash,
      c.created_at,
      c.team_id ?? null,
      c.shop_id,
      c.amount_minor,
      MAX_SHOP_ORDERS_MINOR,
    );
}

/** "The shop's total plus this amount stays within the limit": binds shop id, amount, limit. */
const WITHIN_SHOP_LIMIT = 'COALESCE((SELECT orders_minor FROM shop_totals WHERE shop_id = ?), 0) + ? <= ?';

/** Adds `amountMinor` to the shop's running order total, when `onlyIf` holds (our row won). */
export function addToShopTotalStatement(
  db: D1Database,
  shopId: string,
  amountMinor: number,
  onlyIf: { sql: string; args: unknown[] },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO shop_totals (shop_id, orders_minor) SELECT ?, ? WHERE ${onlyIf.sql}
       ON CONFLICT (shop_id) DO UPDATE SET orders_minor = orders_minor + excluded.orders_minor`,
    )
    .bind(shopId, amountMinor, ...onlyIf.args);
}

/** Whether an order of `amountMinor` more still fits the shop's limit. */
export async function fitsShopLimit(db: D1Database, shopId: string, amountMinor: number): Promise<boolean> {
  const row = await db
    .prepare(`SELECT ${WITHIN_SHOP_LIMIT} AS ok`)
    .bind(shopId, amountMinor, MAX_SHOP_ORDERS_MINOR)
    .first<{ ok: number }>();
  return row?.ok === 1;
}

/**
 * Upgrades a browser-reported (unverified) conversion to the shop's server report: every decided
 * column is replaced, `verified` becomes 1. Written only while the row is still unverified, the
 * conversion's ledger has no entry after `lastSeq` (no refund or approval since it was read), and
 * any increase of the amount fits the shop's limit — so it happens exactly once, on the state it
 * was computed from.
 */
export function upgradeConversionStatement(db: D1Database, c: ConversionRow, lastSeq: number, increase: number) {
  return db
    .prepare(
      `UPDATE conversions SET amount_minor = ?, items = ?, referrer_id = ?, click_id = ?, source = ?, verified = 1,
         customer_hash = ?, commission_minor = ?, commission_status = ?, explanation = ?, request_hash = ?, team_id = ?
       WHERE id = ? AND verified = 0
         AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE conversion_id = ? AND seq > ?)
         AND ${WITHIN_SHOP_LIMIT}`,
    )
    .bind(
      c.amount_minor,
      c.items,
      c.referrer_id,
      c.click_id,
      c.source,
      c.customer_hash,
      c.commission_minor,
      c.commission_status,
      c.explanation,
      c.request_hash,
      c.team_id ?? null,
      c.id,
      c.id,
      lastSeq,
      c.shop_id,
      increase,
      MAX_SHOP_ORDERS_MINOR,
    );
}

/** A page of the shop's conversions, newest first, after `startingAfter` (a conversion id); reads `limit` rows. */
export async function listConversions(
  db: D1Database,
  shopId: string,
  opts: { limit: number; startingAfter?: string; referrerId?: string },
) {
  const { where, args } = shopListWhere(shopId, opts.limit, {
    referrerId: opts.referrerId,
    cursor: opts.startingAfter
      ? {
          value: opts.startingAfter,
          sql: (p) => `(created_at, id) < (SELECT created_at, id FROM conversions WHERE id = ${p} AND shop_id = ?1)`,
        }
      : undefined,
  });
  const { results } = await db
    .prepare(`SELECT * FROM conversions WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?2`)
    .bind(...args)
    .all<ConversionRow>();
  return results;
}

/** A referrer's most recent conversions, newest first. */
export async function recentConversionsOf(db: D1Database, referrerId: string, limit = 20) {
  const { results } = await db
    .prepare(
      `SELECT id, created_at, amount_minor, currency, commission_minor, commission_status FROM conversions
        WHERE referrer_id = ? ORDER BY created_at DESC LIMIT ?`,
    )
    .bind(referrerId, limit)
    .all<Pick<ConversionRow, 'id' | 'created_at' | 'amount_minor' | 'currency' | 'commission_minor' | 'commission_status'>>();
  return results;
}

/** A guard for the statements of one batch: SQL evaluated in each statement, with its arguments. */
type Guard = { sql: string; args: unknown[] };

/**
 * The ledger and due-work statements that credit a decision's commission, written only under
 * `ours`: the commission (on hold or pending), its release when it is pending, and the expiry of
 * an unconfirmed browser report's hold.
 */
function creditStatements(
  db: D1Database,
  decision: ConversionDecision,
  now: number,
  ours: Guard,
  credit: 'first' | 'verified',
): D1PreparedStatement[] {
  const { row, referrer, program, holdReason } = decision;
  if (!referrer || row.commission_minor === 0) return [];
  const drafts = commissionEntries({
    conversionId: row.id,
    commissionMinor: row.commission_minor,
    onHold: holdReason !== null,
    holdReason: holdReason ?? undefined,
    now,
    holdDays: program.holdDays,
    credit,
  });
  const statements = insertEntryStatements(
    db,
    { shopId: row.shop_id, referrerId: referrer.id, currency: row.currency, txnId: newId('txn'), conversionId: row.id, now },
    drafts,
    ours,
  );
  const due = { conversionId: row.id, shopId: row.shop_id, referrerId: referrer.id, currency: row.currency };
  if (holdReason === null) {
    statements.push(dueStatement(db, { ...due, action: 'release', dueAt: now + program.holdDays * DAY_MS }, ours));
  }
  const expiry = decision.unverifiedExpiryDays;
  if (row.verified === 0 && expiry) {
    statements.push(dueStatement(db, { ...due, action: 'expire', dueAt: now + expiry * DAY_MS }, ours));
  }
  return statements;
}

/**
 * One batch in which the shop's server report supersedes a browser report: the row becomes
 * verified with the server's numbers (only while unverified and unchanged since `held` was read),
 * everything the browser's commission still holds is taken back from whichever referrer it was
 * credited to, the server's commission (`creditedMinor`, after earlier refunds) is credited, the
 * shop's total grows by `increaseMinor`, and `conversion.verified` is announced — each only if the
 * upgrade was ours. The last statement reads the row.
 */
export function upgradeStatements(
  db: D1Database,
  input: {
    existing: ConversionRow;
    decision: ConversionDecision;
    /** what the browser's commission holds (paid as a refund sees it) and the seq it was read at */
    held: { balances: Balances; lastSeq: number };
    creditedMinor: number;
    increaseMinor: number;
    now: number;
  },
): D1PreparedStatement[] {
  const { existing, decision, held, now } = input;
  const row = decision.row;
  const ours = {
    sql: 'EXISTS (SELECT 1 FROM conversions WHERE id = ? AND verified = 1 AND request_hash = ?)',
    args: [existing.id, row.request_hash],
  };
  const statements = [upgradeConversionStatement(db, row, held.lastSeq, input.increaseMinor)];
  if (existing.referrer_id) {
    statements.push(
      ...insertEntryStatements(
        db,
        {
          shopId: existing.shop_id,
          referrerId: existing.referrer_id,
          currency: existing.currency,
          txnId: newId('txn'),
          conversionId: existing.id,
          now,
        },
        withdrawEntries({ conversionId: existing.id, action: 'supersede', scope: 'all', balances: held.balances }),
        ours,
      ),
    );
  }
  statements.push(
    ...creditStatements(db, { ...decision, row: { ...row, commission_minor: input.creditedMinor } }, now, ours, 'verified'),
    addToShopTotalStatement(db, existing.shop_id, input.increaseMinor, ours),
    clearSettledDueStatement(db, existing.id),
    outboxStatement(db, {
      shopId: existing.shop_id,
      type: 'conversion.verified',
      payload: {
        conversionId: existing.id,
        orderId: existing.order_id,
        referrerId: row.referrer_id,
        previousReferrerId: existing.referrer_id,
        amountMinor: row.amount_minor,
        currency: row.currency,
        commissionMinor: input.creditedMinor,
        commissionStatus: row.commission_status,
      },
      dedupeKey: `conversion.verified:${existing.id}`,
      now,
      onlyIf: ours,
    }),
    conversionStatement(db, existing.shop_id, existing.id),
  );
  return statements;
}

/** The rows of several new conversions, as one JSON parameter of a batch statement. */
const conversionColumns = COLUMNS.split(',').map((c) => c.trim());
const fromJson = (columns: readonly string[]) => columns.map((c) => `value ->> '$.${c}'`).join(', ');

/**
 * One batch that records a GROUP of new conversions of one shop, in six statements whatever the
 * group's size (D1 pays per statement): the rows (each unless its order is already recorded, and
 * only while the shop's running total — this group's rows counted in order — fits
 * MAX_SHOP_ORDERS_MINOR), the shop's total grown by the rows written, each commission's ledger
 * entry and due work and each `conversion.attributed` event — each only if its conversion row was
 * written. The last statement reads the stored rows of the group's orders (ours, or those that
 * were there); `readConversions` maps them back to the decisions.
 */
export function newConversionsStatements(db: D1Database, decisions: ConversionDecision[]): D1PreparedStatement[] {
  const shopId = decisions[0]!.row.shop_id;
  const rows = decisions.map((d) => d.row);
  const entries: Array<Record<string, unknown>> = [];
  const tasks: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  for (const decision of decisions) {
    const { row, referrer, program, holdReason } = decision;
    const now = row.created_at;
    if (!referrer) continue;
    if (row.commission_minor > 0) {
      const txnId = newId('txn');
      for (const d of commissionEntries({
        conversionId: row.id,
        commissionMinor: row.commission_minor,
        onHold: holdReason !== null,
        holdReason: holdReason ?? undefined,
        now,
        holdDays: program.holdDays,
        credit: 'first',
      })) {
        entries.push({
          id: newId('le'),
          shop_id: row.shop_id,
          referrer_id: referrer.id,
          txn_id: txnId,
          type: d.type,
          bucket: d.bucket,
          amount_minor: d.amountMinor,
          currency: row.currency,
          conversion_id: row.id,
          available_at: d.availableAt ?? null,
          reason: d.reason ?? null,
          dedupe_key: d.dedupeKey ?? null,
          created_at: now,
        });
      }
      const due = { conversion_id: row.id, shop_id: row.shop_id, referrer_id: referrer.id, currency: row.currency };
      if (holdReason === null) tasks.push({ ...due, action: 'release', due_at: now + program.holdDays * DAY_MS });
      if (row.verified === 0 && decision.unverifiedExpiryDays) {
        tasks.push({ ...due, action: 'expire', due_at: now + decision.unverifiedExpiryDays * DAY_MS });
      }
    }
    events.push({
      id: newId('evt'),
      shop_id: row.shop_id,
      type: 'conversion.attributed',
      payload: JSON.stringify({
        conversionId: row.id,
        orderId: row.order_id,
        referrerId: referrer.id,
        amountMinor: row.amount_minor,
        currency: row.currency,
        commissionMinor: row.commission_minor,
        commissionStatus: row.commission_status,
        verified: row.verified === 1,
      }),
      dedupe_key: `conversion.attributed:${row.id}`,
      next_attempt_at: now,
      created_at: now,
      conversion_id: row.id,
    });
  }
  const ours = `EXISTS (SELECT 1 FROM conversions WHERE id = value ->> '$.conversion_id')`;
  const ledgerColumns = LEDGER_ENTRY_COLUMNS;
  const taskColumns = ['conversion_id', 'action', 'shop_id', 'referrer_id', 'currency', 'due_at'];
  const eventColumns = ['id', 'shop_id', 'type', 'payload', 'dedupe_key', 'next_attempt_at', 'created_at'];
  return [
    db
      .prepare(
        `WITH fresh AS (
           SELECT key, value FROM json_each(?1)
            WHERE NOT EXISTS (SELECT 1 FROM conversions c WHERE c.shop_id = value ->> '$.shop_id' AND c.order_id = value ->> '$.order_id')
         ), running AS (
           SELECT key, value, SUM(value ->> '$.amount_minor') OVER (ORDER BY key) AS run FROM fresh
         )
         INSERT INTO conversions (${COLUMNS})
         SELECT ${fromJson(conversionColumns)} FROM running
          WHERE COALESCE((SELECT orders_minor FROM shop_totals WHERE shop_id = ?2), 0) + run <= ?3
          ORDER BY key
         ON CONFLICT (shop_id, order_id) DO NOTHING`,
      )
      .bind(JSON.stringify(rows), shopId, MAX_SHOP_ORDERS_MINOR),
    db
      .prepare(
        `INSERT INTO shop_totals (shop_id, orders_minor)
         SELECT shop_id, SUM(amount_minor) FROM conversions WHERE id IN (SELECT value FROM json_each(?1)) GROUP BY shop_id
         ON CONFLICT (shop_id) DO UPDATE SET orders_minor = orders_minor + excluded.orders_minor`,
      )
      .bind(JSON.stringify(rows.map((r) => r.id))),
    db
      .prepare(
        `INSERT INTO ledger_entries (${ledgerColumns.join(', ')})
         SELECT ${fromJson(ledgerColumns)} FROM json_each(?1) WHERE ${ours}
         ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .bind(JSON.stringify(entries)),
    db
      .prepare(
        `INSERT INTO ledger_tasks (${taskColumns.join(', ')})
         SELECT ${fromJson(taskColumns)} FROM json_each(?1) WHERE ${ours}
         ON CONFLICT (conversion_id, action) DO UPDATE SET due_at = max(ledger_tasks.due_at, excluded.due_at),
           referrer_id = excluded.referrer_id`,
      )
      .bind(JSON.stringify(tasks)),
    db
      .prepare(
        `INSERT INTO outbox_events (${eventColumns.join(', ')})
         SELECT ${fromJson(eventColumns)} FROM json_each(?1) WHERE ${ours}
         ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .bind(JSON.stringify(events)),
    db
      .prepare('SELECT * FROM conversions WHERE shop_id = ?1 AND order_id IN (SELECT value FROM json_each(?2))')
      .bind(shopId, JSON.stringify(rows.map((r) => r.order_id))),
  ];
}

/** The stored row of each decision's order after {@link newConversionsStatements} ran (null: refused by the limit). */
export function readConversions(decisions: ConversionDecision[], results: D1Result[]): Array<ConversionRow | null> {
  const stored = new Map((results.at(-1)!.results as ConversionRow[]).map((r) => [r.order_id, r]));
  return decisions.map((d) => stored.get(d.row.order_id) ?? null);
}
