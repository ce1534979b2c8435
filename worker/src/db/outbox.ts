/**
 * The webhook outbox: an event row written in the same batch as the change it announces, so that an
 * event exists exactly when its change does; the dedupe key makes a retried write a no-op. Each
 * shop's WebhookSender Durable Object delivers its rows (db/webhooks.ts, services/webhooks.ts); the
 * writer pokes it (`announceEvents`), and the cron catches any row whose writer did not.
 */
import type { WebhookEventType } from '../domain/webhooks.js';
import { newId } from '../lib/ids.js';

export type OutboxEventType = WebhookEventType;

/**
 * An INSERT of one event, written only when `onlyIf` (SQL evaluated in the same statement) holds —
 * e.g. "our conversion row won the race".
 * @example outboxStatement(db, { shopId, type: 'commission.reversed', payload, dedupeKey: `commission.reversed:${id}`, now, onlyIf: { sql: 'EXISTS (SELECT 1 FROM refunds WHERE id = ?)', args: [id] } })
 */
export function outboxStatement(
  db: D1Database,
  event: {
    shopId: string;
    type: OutboxEventType;
    payload: Record<string, unknown>;
    dedupeKey: string;
    now: number;
    onlyIf: { sql: string; args: unknown[] };
  },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO outbox_events (id, shop_id, type, payload, dedupe_key, next_attempt_at, created_at)
       SELECT ?, ?, ?, ?, ?, ?, ? WHERE ${event.onlyIf.sql}
       ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .bind(
      newId('evt'),
      event.shopId,
      event.type,
      JSON.stringify(event.payload),
      event.dedupeKey,
      event.now,
      event.now,
      ...event.onlyIf.args,
    );
}

/**
 * Several events in ONE statement (a JSON parameter; D1 pays per statement), each written only when
 * `onlyIf` holds; a repeated dedupe key is a no-op.
 */
export function outboxEventsStatement(
  db: D1Database,
  events: Array<{ shopId: string; type: OutboxEventType; payload: Record<string, unknown>; dedupeKey: string; now: number }>,
  onlyIf: { sql: string; args: unknown[] },
): D1PreparedStatement {
  const rows = events.map((e) => ({
    id: newId('evt'),
    shop_id: e.shopId,
    type: e.type,
    payload: JSON.stringify(e.payload),
    dedupe_key: e.dedupeKey,
    at: e.now,
  }));
  return db
    .prepare(
      `INSERT INTO outbox_events (id, shop_id, type, payload, dedupe_key, next_attempt_at, created_at)
       SELECT value ->> '$.id', value ->> '$.shop_id', value ->> '$.type', value ->> '$.payload', value ->> '$.dedupe_key',
              value ->> '$.at', value ->> '$.at'
         FROM json_each(?) WHERE ${onlyIf.sql}
       ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .bind(JSON.stringify(rows), ...onlyIf.args);
}
