/**
 * Helpers for the money-path tests (guarantees 6, 14, 17, 18): browser reports from distinct
 * clients, refunds, payouts and balances through the API, the shop's Durable Object, and the
 * shape of a 429. Nothing here mocks storage.
 */
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { ORIGIN, call, type TestShop } from './helpers';
import { T0 } from './fixtures';
import { shopObject as shopObjectOf } from '../src/durable/shop-object-stub';

export const OOLONG = { sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 };

let ipSeq = 0;
/** A client address not used before in this file, so that per-client limits never join two reports by accident. */
export function freshIp(): string {
  ipSeq++;
  return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

/** POST /v1/conversions/browser with the publishable key from the shop's origin, from `ip` (a fresh one by default). */
export function browserReport(shop: TestShop, body: Record<string, unknown>, opts: { ip?: string; now?: number } = {}) {
  return call('/v1/conversions/browser', {
    key: shop.pk,
    origin: ORIGIN,
    body,
    now: opts.now ?? T0,
    headers: { 'CF-Connecting-IP': opts.ip ?? freshIp() },
  });
}

export function refund(shop: TestShop, orderId: string, refundId: string, amountMinor: number, now: number) {
  return call('/v1/refunds', { key: shop.sk, body: { orderId, refundId, amountMinor }, now });
}

export function payout(shop: TestShop, referrerId: string, now: number, amountMinor?: number) {
  return call('/v1/payouts', { key: shop.sk, body: { referrerId, ...(amountMinor !== undefined ? { amountMinor } : {}) }, now });
}

/** GET /v1/referrers/{id}/balances (secret key), without the currency. */
export async function balances(shop: TestShop, referrerId: string, now = T0) {
  const res = await call(`/v1/referrers/${referrerId}/balances`, { key: shop.sk, now });
  expect(res.status).toBe(200);
  const { currency, ...b } = res.body.balances as {
    currency: string;
    onHold: number;
    pending: number;
    available: number;
    paid: number;
  };
  expect(currency).toBe('HKD');
  return b;
}

/** The shop's Durable Object (click buffer, conversion desk, rate limits, due ledger work). */
export function shopObject(shop: TestShop) {
  return shopObjectOf(env, shop.shopId);
}

/** Ledger entries of a conversion with the columns that matter for the money path, in write order. */
export async function entriesOf(conversionId: string) {
  const { results } = await env.DB.prepare(
    'SELECT type, bucket, amount_minor, reason, dedupe_key, referrer_id FROM ledger_entries WHERE conversion_id = ? ORDER BY seq',
  )
    .bind(conversionId)
    .all<{
      type: string;
      bucket: string;
      amount_minor: number;
      reason: string | null;
      dedupe_key: string;
      referrer_id: string;
    }>();
  return results.map((e) => [e.type, e.bucket, e.amount_minor, e.reason, e.dedupe_key, e.referrer_id] as const);
}

/** Outbox events of a shop of one type, with parsed payloads. */
export async function outboxOf(shopId: string, type: string) {
  const { results } = await env.DB.prepare(
    'SELECT payload, dedupe_key FROM outbox_events WHERE shop_id = ? AND type = ? ORDER BY created_at',
  )
    .bind(shopId, type)
    .all<{ payload: string; dedupe_key: string }>();
  return results.map((r) => ({ dedupeKey: r.dedupe_key, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

/** A 429 says "too many, retry after N s" and nothing else: no counts, no other client, no limit state. */
export function expectRateLimited(res: { status: number; body: any; headers: Headers }) {
  expect(res.status).toBe(429);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'requestId']);
  expect(res.body.error.code).toBe('rate_limited');
  expect(res.body.error.message).not.toMatch(/\d/);
  const retry = Number(res.headers.get('Retry-After'));
  expect(Number.isInteger(retry)).toBe(true);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(60);
  return retry;
}
