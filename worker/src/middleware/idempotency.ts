/**
 * `Idempotency-Key` for secret-key writes (guarantees.md §2): the same key and body replay the first
 * response (header `Idempotent-Replayed: true`); the same key with another body or path is a 422
 * `idempotency_mismatch` and runs nothing. Errors (4xx/5xx) free the key so a corrected retry works.
 */
import { createMiddleware } from 'hono/factory';
import type { KeyEnv } from './auth.js';
import { ApiError } from '../errors.js';
import { releaseKey, reserveKey, storeResponse } from '../db/idempotency.js';
import { requestFingerprint } from '../lib/pseudonyms.js';

export const idempotent = createMiddleware<KeyEnv>(async (c, next) => {
  const key = c.req.header('Idempotency-Key');
  if (!key) return next();
  if (key.length < 1 || key.length > 255) throw new ApiError(400, 'invalid_request', 'Idempotency-Key is 1 to 255 characters.');
  const shop = c.get('shop');
  const path = new URL(c.req.url).pathname;
  const requestHash = await requestFingerprint(c.env.IP_HASH_SALT ?? '', `${c.req.method} ${path}\n${await c.req.text()}`);
  const existing = await reserveKey(c.env.DB, {
    shop_id: shop.id,
    key,
    method: c.req.method,
    path,
    request_hash: requestHash,
    created_at: c.get('now'),
  });
  if (existing) {
    if (existing.request_hash !== requestHash) {
      throw new ApiError(422, 'idempotency_mismatch', 'This Idempotency-Key was already used with a different request.');
    }
    if (existing.status !== 0) {
      return c.body(existing.response_body, existing.status as 200, {
        'Content-Type': 'application/json; charset=UTF-8',
        'Idempotent-Replayed': 'true',
      });
    }
    // same request still in flight: run it; the handler itself is idempotent on the business key
  }
  try {
    await next();
  } catch (error) {
    if (!existing) await releaseKey(c.env.DB, shop.id, key);
    throw error;
  }
  if (c.res.status < 400) {
    await storeResponse(c.env.DB, shop.id, key, c.res.status, await c.res.clone().text());
  } else if (!existing) {
    await releaseKey(c.env.DB, shop.id, key);
  }
});
