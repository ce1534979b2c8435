/**
 * Webhooks out: the shop's endpoint (URL, signing secret and its rotation), its list of deliveries
 * with a retry for each, and the delivery itself — run by the shop's WebhookSender Durable Object
 * (durable/webhook-sender.ts), one at a time per shop, never by a request.
 *
 * A delivery POSTs the event's envelope (contract/events.ts) to the shop's URL with the Standard
 * Webhooks headers (`webhook-id` = the event id, `webhook-timestamp` = the time of sending,
 * `webhook-signature`), never follows a redirect, gives up after WEBHOOK_TIMEOUT_MS (10 s), and
 * refuses a URL that is not https on a public host outside local development (checked again at
 * every attempt). What follows a failure is decided by domain/webhooks.ts.
 *
 * Writers of outbox events call `announceEvents` after their batch; the cron pokes any shop whose
 * due events no sender took (`pokeDueSenders`).
 */
import type { Bindings } from '../app-env.js';
import { toPage, type Page } from '../contract/common.js';
import { envelopeOf } from '../contract/events.js';
import type { WebhookDelivery, WebhookDeliveryFilter, WebhookEndpoint } from '../contract/webhooks.js';
import type { AttemptRecord, OutboxRow, WebhookEndpointRow } from '../db/webhooks.js';
import {
  attemptStatement,
  dueEvents,
  getEndpoint,
  getEvent,
  listEvents,
  nextDueAt,
  requeuePendingStatement,
  retryEventStatement,
  rotateSecretStatement,
  setUrlStatement,
  shopsWithDueEvents,
} from '../db/webhooks.js';
import { webhookSender } from '../durable/webhook-sender-stub.js';
import { webhookUrlProblem } from '../domain/urls.js';
import {
  DEFAULT_TIMEOUT_MS,
  RETRY_BASE_MS,
  WEBHOOK_EVENT_TYPES,
  afterFailure,
  failureReason,
  isDelivered,
  previousSecretUntil,
} from '../domain/webhooks.js';
import { ApiError } from '../errors.js';
import { isLocal } from '../lib/environment.js';
import { newWebhookSecret, webhookSignature } from '../lib/webhook-signature.js';
import { VERSION } from '../version.js';
import { refuseBadUrls } from './urls.js';

/** What delivery needs of the bindings (a Durable Object has `Env`, without the request-only secrets). */
type SenderEnv = Env & Pick<Bindings, 'WEBHOOK_TIMEOUT_MS'>;

/** Events attempted at once by a sender, and rounds per run (then the run yields to a new alarm). */
const ROUND_SIZE = 10;
const ROUNDS_PER_RUN = 5;

function statusOf(row: OutboxRow): WebhookDelivery['status'] {
  return row.delivered_at !== null ? 'delivered' : row.dead_at !== null ? 'dead' : 'pending';
}

export function presentDelivery(row: OutboxRow): WebhookDelivery {
  const status = statusOf(row);
  return {
    id: row.id,
    type: row.type as WebhookDelivery['type'],
    status,
    attempts: row.attempts,
    nextAttemptAt: status === 'pending' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    deadAt: row.dead_at,
    createdAt: row.created_at,
    event: envelopeOf(row),
  };
}

function presentEndpoint(row: WebhookEndpointRow, now: number): WebhookEndpoint {
  const until = row.webhook_secret_previous_until;
  return {
    url: row.webhook_url,
    previousSecretExpiresAt: row.webhook_secret_previous && until !== null && until > now ? until : null,
    eventTypes: [...WEBHOOK_EVENT_TYPES],
  };
}

async function mustGetEndpoint(db: D1Database, shopId: string): Promise<WebhookEndpointRow> {
  const row = await getEndpoint(db, shopId);
  if (!row) throw new ApiError(404, 'not_found', 'No such shop.');
  return row;
}

export async function readEndpoint(db: D1Database, shopId: string, now: number) {
  return { endpoint: presentEndpoint(await mustGetEndpoint(db, shopId), now) };
}

/** Sets (or clears, with null) the shop's webhook URL; pending events are tried again at once. */
export async function setWebhookUrl(env: Bindings, shopId: string, url: string | null, now: number) {
  refuseBadUrls(env, [{ path: 'url', kind: 'webhook', value: url }]);
  await mustGetEndpoint(env.DB, shopId);
  await env.DB.batch([setUrlStatement(env.DB, shopId, url), requeuePendingStatement(env.DB, shopId, now)]);
  if (url) await announceEvents(env, shopId);
  return readEndpoint(env.DB, shopId, now);
}

/**
 * A new signing secret (returned once here); the current one keeps signing as well for
 * `overlapHours`, so deliveries carry both signatures while the shop switches its verifier.
 */
export async function rotateWebhookSecret(db: D1Database, shopId: string, overlapHours: number, now: number) {
  await mustGetEndpoint(db, shopId);
  const secret = newWebhookSecret();
  const until = previousSecretUntil(now, overlapHours);
  await rotateSecretStatement(db, shopId, secret, until).run();
  return { webhookSecret: secret, previousSecretExpiresAt: until > now ? until : null };
}

export async function readWebhookSecret(db: D1Database, shopId: string, now: number) {
  const row = await mustGetEndpoint(db, shopId);
  return { webhookSecret: row.webhook_secret, previousSecretExpiresAt: presentEndpoint(row, now).previousSecretExpiresAt };
}

export async function listDeliveries(db: D1Database, shopId: string, q: Page & WebhookDeliveryFilter) {
  const rows = await listEvents(db, shopId, {
    limit: q.limit + 1,
    startingAfter: q.starting_after,
    status: q.status,
    type: q.type,
  });
  return toPage(rows, q.limit, presentDelivery);
}

/** Queues one event again (a dead letter, or a delivered event to send once more), due now. */
export async function retryDelivery(env: Bindings, shopId: string, eventId: string, now: number) {
  const changed = await retryEventStatement(env.DB, shopId, eventId, now).run();
  if (changed.meta.changes === 0) throw new ApiError(404, 'not_found', 'No such event in this shop.');
  await announceEvents(env, shopId);
  return { delivery: presentDelivery((await getEvent(env.DB, shopId, eventId))!) };
}

/**
 * Tells the shop's sender that events may be due. Never throws: a lost poke only delays delivery
 * until the cron's (`pokeDueSenders`).
 */
export async function announceEvents(env: Env, shopId: string): Promise<void> {
  try {
    await webhookSender(env, shopId).poke(shopId);
  } catch (error) {
    console.error(JSON.stringify({ level: 'warn', message: 'webhook sender poke failed', shopId, error: String(error) }));
  }
}

/** The cron: pokes the senders of shops with due events (bounded). */
export async function pokeDueSenders(env: Bindings, now: number, limit = 200): Promise<number> {
  const shops = await shopsWithDueEvents(env.DB, now, limit);
  await Promise.all(shops.map((id) => announceEvents(env, id)));
  return shops.length;
}

/** What one run of a shop's sender did, and when it should run next (null: nothing pending). */
export interface DeliveryRun {
  attempted: number;
  delivered: number;
  failed: number;
  dead: number;
  nextRunAt: number | null;
}

/**
 * Delivers the shop's due events as of `now`: rounds of up to ROUND_SIZE events at once (each the
 * oldest pending event of its subject), each round's outcomes written in one batch. Stops after
 * ROUNDS_PER_RUN rounds, or after a round in which every attempt failed (the receiver is down:
 * the next run waits at least RETRY_BASE_MS instead of trying the remaining events at once).
 * Only the shop's WebhookSender calls this, one run at a time.
 */
export async function deliverDue(env: SenderEnv, shopId: string, now: number): Promise<DeliveryRun> {
  const run: DeliveryRun = { attempted: 0, delivered: 0, failed: 0, dead: 0, nextRunAt: null };
  const endpoint = await getEndpoint(env.DB, shopId);
  if (!endpoint?.webhook_url) return run; // nowhere to deliver: events wait (3 days) for a URL
  let receiverDown = false;
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    const due = await dueEvents(env.DB, shopId, now, ROUND_SIZE);
    if (due.length === 0) break;
    const records = await Promise.all(due.map((row) => attempt(env, endpoint, row, now)));
    await env.DB.batch(records.map((r) => attemptStatement(env.DB, r)));
    for (const r of records) {
      run.attempted++;
      if (r.outcome === 'delivered') run.delivered++;
      else run.failed++;
      if (r.outcome === 'dead') run.dead++;
    }
    receiverDown = records.every((r) => r.outcome !== 'delivered');
    if (receiverDown) break;
  }
  const next = await nextDueAt(env.DB, shopId);
  run.nextRunAt = next === null ? null : receiverDown ? Math.max(next, now + RETRY_BASE_MS) : next;
  return run;
}

/** One attempt at one event: sign, POST, classify. */
async function attempt(env: SenderEnv, endpoint: WebhookEndpointRow, row: OutboxRow, now: number): Promise<AttemptRecord> {
  const base = { id: row.id, attemptsBefore: row.attempts, at: now };
  const failed = (status: number | null, error: string): AttemptRecord => {
    const next = afterFailure({ windowStart: row.retried_at ?? row.created_at, failedAttempts: row.attempts + 1, now });
    return next.kind === 'retry'
      ? { ...base, status, error, outcome: 'retry', nextAttemptAt: next.at }
      : { ...base, status, error, outcome: 'dead' };
  };
  const url = endpoint.webhook_url!;
  const refused = webhookUrlProblem(url, { local: isLocal(env) });
  if (refused) return failed(null, failureReason({ refused }));

  const body = JSON.stringify(envelopeOf(row));
  const secrets = [endpoint.webhook_secret];
  const until = endpoint.webhook_secret_previous_until;
  if (endpoint.webhook_secret_previous && until !== null && until > now) secrets.push(endpoint.webhook_secret_previous);
  // the receiver checks the timestamp against its own clock: the time of sending, not `now`
  const timestamp = Math.floor(Date.now() / 1000);
  const timeoutMs = Number(env.WEBHOOK_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': `ShareCart-Webhooks/${VERSION}`,
        'webhook-id': row.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': await webhookSignature(secrets, row.id, timestamp, body),
      },
      body,
    });
    await res.body?.cancel();
    return isDelivered(res.status)
      ? { ...base, status: res.status, error: null, outcome: 'delivered' }
      : failed(res.status, failureReason({ status: res.status }));
  } catch (error) {
    const name = (error as Error)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    return failed(null, failureReason({ timedOut, error: (error as Error)?.message ?? String(error) }));
  }
}
