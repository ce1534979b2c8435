/**
 * Verifying ShareCart's webhooks on your server: one function, no dependency, Web Crypto only — it
 * runs in Node ≥ 20, Cloudflare Workers, Deno, Bun and browsers. The worker signs every delivery
 * by the Standard Webhooks specification (standardwebhooks.com), so the `standardwebhooks` and `svix`
 * libraries of any language verify them too:
 *
 * - headers `webhook-id` (the event id: deduplicate on it), `webhook-timestamp` (Unix seconds) and
 *   `webhook-signature` (`v1,<base64>` entries separated by spaces — two while a rotated-out
 *   secret still signs);
 * - the signature is HMAC-SHA256, under the key that is the base64 after `whsec_`, of
 *   `${webhook-id}.${webhook-timestamp}.${raw body}`.
 *
 * Pass the body exactly as received (the raw bytes or text, never re-serialized JSON).
 */
import type { components } from '../api-types.js';

/** The JSON body of a delivery: `{ id, type, timestamp, shopId, data }` (one variant per event type). */
export type WebhookEvent = components['schemas']['WebhookEvent'];
export type WebhookEventType = WebhookEvent['type'];

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from this machine's clock, in seconds (default 300). */
  toleranceSeconds?: number;
}

export type WebhookVerificationErrorCode =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_secret'
  | 'no_matching_signature'
  | 'invalid_body';

/** Why a delivery was refused; answer it with a 4xx (ShareCart retries with backoff). */
export class WebhookVerificationError extends Error {
  constructor(
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Request headers as Fetch (`Headers`), Node (`req.headers`) or a plain object give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const encoder = new TextEncoder();
const PREFIX = 'whsec_';

function header(headers: WebhookHeaders, name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(' ') : (value ?? null);
  }
  return null;
}

function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (!b64 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    throw new WebhookVerificationError('invalid_secret', 'The secret is whsec_ followed by base64, as ShareCart gave it.');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function base64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Equal strings, compared in time that does not depend on where they differ. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function bodyBytes(body: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * Checks a delivery's signature and timestamp and returns its event. Throws
 * `WebhookVerificationError` (with a `code`) when the delivery is not genuine, not fresh, or not JSON.
 *
 * @param rawBody the body exactly as received
 * @param headers the request's headers
 * @param secret the shop's webhook secret (`whsec_…`), or several (e.g. during your own switch-over)
 * @example
 * // Node (express: app.post('/hooks', express.raw({ type: 'application/json' }), …))
 * import { verifyWebhook } from 'sharecart/webhooks';
 * const event = await verifyWebhook(req.body, req.headers, process.env.SHARECART_WEBHOOK_SECRET, { toleranceSeconds: 300 });
 * if (event.type === 'commission.available') console.log(event.data.amountMinor);
 * @example
 * // Cloudflare Workers, Deno, Bun
 * const event = await verifyWebhook(await request.text(), request.headers, env.SHARECART_WEBHOOK_SECRET);
 */
export async function verifyWebhook(
  rawBody: string | ArrayBuffer | ArrayBufferView,
  headers: WebhookHeaders,
  secret: string | string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required.');
  if (!/^\d{1,15}$/.test(timestamp))
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not Unix seconds.');
  const tolerance = options.toleranceSeconds ?? 300;
  const age = Math.floor(Date.now() / 1000) - Number(timestamp);
  if (age > tolerance) throw new WebhookVerificationError('timestamp_too_old', `The delivery is ${age} s old.`);
  if (-age > tolerance) throw new WebhookVerificationError('timestamp_too_new', 'The delivery is dated in the future.');

  const body = bodyBytes(rawBody);
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix);
  content.set(body, prefix.length);
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  let matched = false;
  for (const one of Array.isArray(secret) ? secret : [secret]) {
    const key = await crypto.subtle.importKey('raw', keyBytes(one), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const expected = base64(await crypto.subtle.sign('HMAC', key, content));
    // every offered signature is compared: no early exit tells which one matched
    for (const signature of offered) matched = sameString(signature, expected) || matched;
  }
  if (!matched) throw new WebhookVerificationError('no_matching_signature', 'No signature matches the secret.');
  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'The body is not JSON.');
  }
}
