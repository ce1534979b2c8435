/**
 * Request-wide middleware: request id, the injectable clock, JSON body guards (415, 413, malformed
 * JSON) and CORS for publishable-key endpoints (echo only allowed origins, `Vary: Origin`, never
 * credentials).
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { isOriginKnown } from '../db/shops.js';
import { newId } from '../lib/ids.js';

/** Bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = newId('req');
  c.set('requestId', id);
  // set before the answer exists, so that `c.json()` builds it in: a header set on a finished
  // answer copies the whole Response
  c.header('X-Request-Id', id);
  await next();
  // an answer not built through the context (a Durable Object's, an upgrade) gets it now
  if (c.res.headers.get('X-Request-Id') !== id) c.header('X-Request-Id', id);
});

/** `now` for this request. Tests may set it with `X-ShareCart-Test-Now` when TEST_CLOCK=enabled. */
export const clock = createMiddleware<AppEnv>(async (c, next) => {
  let now = Date.now();
  if (c.env.TEST_CLOCK === 'enabled') {
    const header = c.req.header('X-ShareCart-Test-Now');
    if (header && /^\d{1,15}$/.test(header)) now = Number(header);
  }
  c.set('now', now);
  await next();
});

const limit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, 'payload_too_large', `Bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  },
});

/** For bodies: JSON only, size-limited, parsed once here so that a syntax error is a clean 400. */
export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH' && method !== 'DELETE') return next();
  const length = c.req.header('Content-Length');
  if (length && Number(length) > MAX_BODY_BYTES) {
    throw new ApiError(413, 'payload_too_large', `Bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  }
  return limit(c, async () => {
    const text = await c.req.text();
    if (text.length === 0) return next();
    const type = (c.req.header('Content-Type') ?? '').toLowerCase();
    if (!type.startsWith('application/json')) {
      throw new ApiError(415, 'unsupported_media_type');
    }
    try {
      JSON.parse(text);
    } catch {
      throw new ApiError(400, 'malformed_json');
    }
    await next();
  });
});

const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Referrer-Token';
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const EXPOSE_HEADERS = 'X-Request-Id, Retry-After';

/**
 * The credential's shop allows the request's `origin`: its answer, whatever it is, carries
 * `Access-Control-Allow-Origin` for exactly that origin (the credential middlewares call this).
 */
export function allowCorsOrigin<E extends AppEnv>(c: Context<E>, origin: string): void {
  c.set('corsOrigin', origin);
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
}

/**
 * CORS: a preflight is answered for origins some shop allows; the real response echoes the origin
 * only when the credential's own shop allows it ({@link allowCorsOrigin}, called by the middleware
 * of a publishable key or of an embedded dashboard session). Every answer has `Vary: Origin`. Never
 * credentials: the dashboard's cookie session is same-origin only.
 */
export const cors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('Origin');
  if (c.req.method === 'OPTIONS') {
    c.header('Vary', 'Origin');
    if (origin && (await isOriginKnown(c.env.DB, origin))) {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': ALLOW_METHODS,
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Expose-Headers': EXPOSE_HEADERS,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    throw new ApiError(403, 'origin_not_allowed');
  }
  // set before the answer exists, as allowCorsOrigin's are, so that the answer is built with them
  c.header('Vary', 'Origin', { append: true });
  await next();
  // an answer not built through the context (a Durable Object's, an upgrade) gets them now
  if (/\bOrigin\b/.test(c.res.headers.get('Vary') ?? '')) return;
  c.res.headers.append('Vary', 'Origin');
  const allowed = c.get('corsOrigin');
  if (allowed && origin === allowed) {
    c.res.headers.set('Access-Control-Allow-Origin', allowed);
    c.res.headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  }
});
