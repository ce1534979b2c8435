/**
 * Queries of webhook delivery: a shop's endpoint and signing secrets (columns of `shops`), and the
 * delivery state of its outbox events (`outbox_events`, written by db/outbox.ts).
 *
 * An event is pending (`delivered_at` and `dead_at` NULL), delivered or dead. Events of one
 * `subject` (a generated column: the conversion, team or payout the event is about) are delivered
 * in the order they were written: an event is due only when no earlier event of its subject is
 * still pending.
 */
import { DAY_MS } from '../domain/time.js';
import { RETRY_WINDOW_MS } from '../domain/webhooks.js';
import type { WebhookDeliveryFilter } from '../contract/webhooks.js';

/** Delivered and dead events are kept this long for the shop's list of deliveries. */
export const DELIVERY_RETENTION_MS = 30 * DAY_MS;

export interface OutboxRow {
  id: string;
  shop_id: string;
  type: string;
  payload: string;
  dedupe_key: string | null;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  dead_at: number | null;
  retried_at: number | null;
  created_at: number;
}

export interface WebhookEndpointRow {
  webhook_url: string | null;
  webhook_secret: string;
  webhook_secret_previous: string | null;
  webhook_secret_previous_until: number | null;
}

const PENDING = 'delivered_at IS NULL AND dead_at IS NULL';
/** No earlier event of the same subject is pending (`e` is the candidate). */
const HEAD_OF_SUBJECT = `NOT EXISTS (
  SELECT 1 FROM outbox_events p
   WHERE p.shop_id = e.shop_id AND p.subject = e.subject AND p.delivered_at IS NULL AND p.dead_at IS NULL
     AND (p.created_at < e.created_at OR (p.created_at = e.created_at AND p.rowid < e.rowid)))`;
const COLUMNS = `e.id, e.shop_id, e.type, e.payload, e.dedupe_key, e.attempts, e.next_attempt_at, e.delivered_at,
  e.last_attempt_at, e.last_status, e.last_error, e.dead_at, e.retried_at, e.created_at`;

export function getEndpoint(db: D1Database, shopId: string): Promise<WebhookEndpointRow | null> {
  return db
    .prepare('SELECT webhook_url, webhook_secret, webhook_secret_previous, webhook_secret_previous_until FROM shops WHERE id = ?')
    .bind(shopId)
    .first<WebhookEndpointRow>();
}

export function setUrlStatement(db: D1Database, shopId: string, url: string | null): D1PreparedStatement {
  return db.prepare('UPDATE shops SET webhook_url = ? WHERE id = ?').bind(url, shopId);
}

/** The new secret signs from now on; the current one keeps signing too until `previousUntil`. */
export function rotateSecretStatement(
  db: D1Database,
  shopId: string,
  secret: string,
  previousUntil: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE shops SET webhook_secret_previous = webhook_secret, webhook_secret_previous_until = ?, webhook_secret = ?
        WHERE id = ?`,
    )
    .bind(previousUntil, secret, shopId);
}

/** Pending events of the shop become due at `now` (its URL changed: no reason to wait). */
export function requeuePendingStatement(db: D1Database, shopId: string, now: number): D1PreparedStatement {
  return db
    .prepare(`UPDATE outbox_events SET next_attempt_at = ?2 WHERE shop_id = ?1 AND ${PENDING} AND next_attempt_at > ?2`)
    .bind(shopId, now);
}

/** Up to `limit` events of the shop due at `now`, each the oldest pending event of its subject. */
export async function dueEvents(db: D1Database, shopId: string, now: number, limit: number): Promise<OutboxRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM outbox_events e
        WHERE e.shop_id = ?1 AND e.delivered_at IS NULL AND e.dead_at IS NULL AND e.next_attempt_at <= ?2 AND ${HEAD_OF_SUBJECT}
        ORDER BY e.next_attempt_at, e.created_at LIMIT ?3`,
    )
    .bind(shopId, now, limit)
    .all<OutboxRow>();
  return results;
}

/** When the shop's next deliverable event is due (null: nothing pending). */
export async function nextDueAt(db: D1Database, shopId: string): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT e.next_attempt_at AS at FROM outbox_events e
        WHERE e.shop_id = ?1 AND e.delivered_at IS NULL AND e.dead_at IS NULL AND ${HEAD_OF_SUBJECT}
        ORDER BY e.next_attempt_at LIMIT 1`,
    )
    .bind(shopId)
    .first<{ at: number }>();
  return row?.at ?? null;
}

/** The result of one attempt, as it is stored. */
export type AttemptRecord = {
  id: string;
  /** the attempts count read with the event: the update applies only if nobody reset it meanwhile */
  attemptsBefore: number;
  at: number;
  status: number | null;
  error: string | null;
} & ({ outcome: 'delivered' } | { outcome: 'retry'; nextAttemptAt: number } | { outcome: 'dead' });

export function attemptStatement(db: D1Database, r: AttemptRecord): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE outbox_events
          SET delivered_at = ?1, dead_at = ?2, next_attempt_at = COALESCE(?3, next_attempt_at), attempts = attempts + 1,
              last_attempt_at = ?4, last_status = ?5, last_error = ?6
        WHERE id = ?7 AND attempts = ?8 AND ${PENDING}`,
    )
    .bind(
      r.outcome === 'delivered' ? r.at : null,
      r.outcome === 'dead' ? r.at : null,
      r.outcome === 'retry' ? r.nextAttemptAt : null,
      r.at,
      r.status,
      r.error,
      r.id,
      r.attemptsBefore,
    );
}

export function getEvent(db: D1Database, shopId: string, id: string): Promise<OutboxRow | null> {
  return db
    .prepare(`SELECT ${COLUMNS} FROM outbox_events e WHERE e.id = ? AND e.shop_id = ?`)
    .bind(id, shopId)
    .first<OutboxRow>();
}

/** The event is pending again, due now, with a fresh 3-day window (the shop pressed "retry"). */
export function retryEventStatement(db: D1Database, shopId: string, id: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE outbox_events SET delivered_at = NULL, dead_at = NULL, attempts = 0, retried_at = ?1, next_attempt_at = ?1
        WHERE id = ?2 AND shop_id = ?3`,
    )
    .bind(now, id, shopId);
}

const STATUS_SQL = {
  pending: 'e.delivered_at IS NULL AND e.dead_at IS NULL',
  delivered: 'e.delivered_at IS NOT NULL',
  dead: 'e.dead_at IS NOT NULL',
} as const;

/** The shop's events with their delivery state, newest first. */
export async function listEvents(
  db: D1Database,
  shopId: string,
  q: { limit: number; startingAfter?: string; status?: WebhookDeliveryFilter['status']; type?: string },
): Promise<OutboxRow[]> {
  const where = ['e.shop_id = ?1'];
  const args: unknown[] = [shopId, q.limit];
  if (q.status) where.push(STATUS_SQL[q.status]);
  if (q.type) {
    args.push(q.type);
    where.push(`e.type = ?${args.length}`);
  }
  if (q.startingAfter) {
    args.push(q.startingAfter);
    where.push(`(e.created_at, e.id) < (SELECT created_at, id FROM outbox_events WHERE id = ?${args.length} AND shop_id = ?1)`);
  }
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM outbox_events e WHERE ${where.join(' AND ')} ORDER BY e.created_at DESC, e.id DESC LIMIT ?2`)
    .bind(...args)
    .all<OutboxRow>();
  return results;
}

/**
 * Shops with a webhook URL and an event due at `now` that their sender has not taken yet (the cron
 * pokes them: a writer that did not, a sender whose alarm was lost).
 */
export async function shopsWithDueEvents(db: D1Database, now: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT s.id FROM shops s
        WHERE s.webhook_url IS NOT NULL
          AND EXISTS (SELECT 1 FROM outbox_events e WHERE e.shop_id = s.id AND ${PENDING} AND e.next_attempt_at <= ?1)
        LIMIT ?2`,
    )
    .bind(now, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Deletes delivered and dead events older than DELIVERY_RETENTION_MS, and pending events older
 * than the retry window of shops without a webhook URL (nothing will take them): `limit` rows of
 * each per statement, for at most `rounds` rounds (the cron's bound). Returns how many.
 */
export async function purgeEvents(db: D1Database, now: number, { limit = 5000, rounds = 10 } = {}): Promise<number> {
  let purged = 0;
  for (let round = 0; round < rounds; round++) {
    const results = await db.batch([
      db
        .prepare(
          `DELETE FROM outbox_events WHERE id IN (
             SELECT id FROM outbox_events
              WHERE (delivered_at IS NOT NULL OR dead_at IS NOT NULL) AND COALESCE(delivered_at, dead_at) < ?1 LIMIT ?2)`,
        )
        .bind(now - DELIVERY_RETENTION_MS, limit),
      db
        .prepare(
          `DELETE FROM outbox_events WHERE id IN (
             SELECT e.id FROM shops s JOIN outbox_events e ON e.shop_id = s.id
              WHERE s.webhook_url IS NULL AND e.created_at < ?1 AND e.delivered_at IS NULL AND e.dead_at IS NULL LIMIT ?2)`,
        )
        .bind(now - RETRY_WINDOW_MS, limit),
    ]);
    const deleted = results.map((r) => r.meta.changes);
    purged += deleted[0]! + deleted[1]!;
    if (deleted.every((n) => n < limit)) break;
  }
  return purged;
}
