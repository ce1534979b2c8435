/**
 * Guarantee 18, bounded memory: whatever the input, the shop's Durable Object keeps bounded caches
 * (durable/conversion-desk.ts, durable/shop-cache.ts, domain/rate-limits.ts) — recent orders by bytes (2 MiB), referrers
 * (5,000), unknown codes (10,000), products (2,000) and rate-limited clients (10,000 per kind) —
 * and what falls out of a cache is read again from D1, so answers do not change. Sizes come from
 * the object's own `metrics()`. Real D1 and Durable Objects, injected clock.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { call, createShop, type TestShop } from './helpers';
import { T0, reportOrder } from './fixtures';
import { shopObject } from './money-path';
import type { ClickInput, ShopObject } from '../src/durable/shop-object';
import { ConversionDesk } from '../src/durable/conversion-desk';
import { ShopCache } from '../src/durable/shop-cache';

async function secretReferrer(shop: TestShop) {
  const res = await call('/v1/referrers', { key: shop.sk, body: {} });
  expect(res.status).toBe(201);
  return res.body as { referrer: { id: string; code: string } };
}

function clickInput(shop: TestShop, code: string, ipHash: string): ClickInput {
  return {
    id: `clk_mem_${crypto.randomUUID()}`,
    shopId: shop.shopId,
    code,
    channel: 'direct',
    landingUrl: null,
    visitorHash: null,
    ipHash,
    uaHash: null,
    createdAt: T0,
  };
}

/** Runs `work(i)` for i in [0, n) inside the shop's object, `width` at a time. */
async function inObject<T>(shop: TestShop, n: number, width: number, work: (instance: ShopObject, i: number) => Promise<T>) {
  return runInDurableObject(shopObject(shop), async (instance: ShopObject) => {
    const out: T[] = [];
    for (let start = 0; start < n; start += width) {
      out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - start) }, (_, j) => work(instance, start + j)))));
    }
    return out;
  });
}

describe("the shop object's memory is bounded (guarantee 18)", () => {
  it('300 orders of 500 items: recent orders stay within 2 MiB, products within 2,000; an evicted order replays identically from D1', async () => {
    const shop = await createShop();
    const { referrer } = await secretReferrer(shop);
    const stub = shopObject(shop);
    const body = (o: number) => ({
      orderId: `BIG-${o}`,
      amountMinor: 50_000,
      currency: 'HKD',
      referralCode: referrer.code,
      items: Array.from({ length: 500 }, (_, i) => ({ sku: `o${o}-${i}`, quantity: 1, unitPriceMinor: 100 })),
    });
    const first: Record<number, unknown> = {};
    for (let start = 0; start < 300; start += 20) {
      const results = await Promise.all(Array.from({ length: 20 }, (_, j) => reportOrder(shop, body(start + j))));
      for (const [j, r] of results.entries()) {
        expect(r.status).toBe(201);
        first[start + j] = r.body;
      }
    }
    const { desk } = await stub.metrics();
    expect(desk.recentOrderBytes).toBeGreaterThan(ConversionDesk.RECENT_BYTES / 2);
    expect(desk.recentOrderBytes).toBeLessThanOrEqual(ConversionDesk.RECENT_BYTES);
    expect(desk.recentOrders).toBeGreaterThan(0);
    expect(desk.recentOrders).toBeLessThan(300);
    expect(desk.products).toBe(ShopCache.MAX_PRODUCTS);

    // the last order is remembered: its replay costs no D1 statement
    const d1 = async () => (await stub.metrics()).d1.statements;
    let s = await d1();
    const recent = await reportOrder(shop, body(299));
    expect(recent.status).toBe(201);
    expect(recent.body).toEqual(first[299]);
    expect(await d1()).toBe(s);

    // the first was evicted: its replay is answered from D1, identically
    s = await d1();
    const evicted = await reportOrder(shop, body(0));
    expect(evicted.status).toBe(201);
    expect(evicted.body).toEqual(first[0]);
    expect(await d1()).toBeGreaterThan(s);
    // and a different report of it is still a conflict
    const other = await reportOrder(shop, { ...body(1), amountMinor: 49_999 });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('order_conflict');
    expect((await stub.metrics()).desk.recentOrderBytes).toBeLessThanOrEqual(ConversionDesk.RECENT_BYTES);
  });

  it('referrers: 5,100 clicked referrers keep at most 5,000 cached; an evicted one is read again', async () => {
    const shop = await createShop();
    const N = 5_100;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})
       INSERT INTO referrers (id, shop_id, code, status, verified_buyer, created_at)
       SELECT printf('ref_mem%05d', i), ?, printf('mem%05d', i), 'active', 0, ? FROM n`,
    )
      .bind(shop.shopId, T0)
      .run();
    const results = await inObject(shop, N, 300, (instance, i) =>
      instance.record(clickInput(shop, `mem${String(i).padStart(5, '0')}`, 'one-client')),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(N);
    const stub = shopObject(shop);
    expect((await stub.metrics()).desk.referrers).toBe(ShopCache.MAX_REFERRERS);

    const s = (await stub.metrics()).d1.statements;
    const again = await stub.record(clickInput(shop, 'mem00000', 'another-client'));
    expect(again).toMatchObject({ ok: true, referrerId: 'ref_mem00000' });
    expect((await stub.metrics()).d1.statements).toBe(s + 1);
    expect((await stub.metrics()).desk.referrers).toBe(ShopCache.MAX_REFERRERS);
  });

  it('unknown codes: 12,000 distinct ones keep at most 10,000 cached, each read once; evicted ones are read again', async () => {
    const shop = await createShop();
    const stub = shopObject(shop);
    const code = (i: number) => `unknown-${String(i).padStart(5, '0')}`;
    const s0 = (await stub.metrics()).d1.statements;
    const results = await inObject(shop, 12_000, 500, (instance, i) => instance.record(clickInput(shop, code(i), `client-${i}`)));
    expect(results.every((r) => !r.ok && r.reason === 'referrer_not_found')).toBe(true);
    const m = await stub.metrics();
    expect(m.desk.unknownCodes).toBe(ShopCache.MAX_UNKNOWN_CODES);
    expect(m.desk.referrers).toBe(0);
    expect(m.d1.statements - s0).toBe(12_000);
    expect(m.rateLimitedClients).toBe(0);

    // the newest 100 are still known to be unknown; the oldest 100 were forgotten
    await inObject(shop, 100, 100, (instance, i) => instance.record(clickInput(shop, code(11_999 - i), 'again')));
    expect((await stub.metrics()).d1.statements - s0).toBe(12_000);
    await inObject(shop, 100, 100, (instance, i) => instance.record(clickInput(shop, code(i), 'again')));
    expect((await stub.metrics()).d1.statements - s0).toBe(12_100);
    expect((await stub.metrics()).desk.unknownCodes).toBe(ShopCache.MAX_UNKNOWN_CODES);
  });

  it('rate limits: 12,000 distinct clients of each kind keep at most 10,000 per kind, and still limit the newest', async () => {
    const shop = await createShop();
    const stub = shopObject(shop);
    const { referrer } = await secretReferrer(shop);
    expect((await stub.metrics()).rateLimitedClients).toBe(0);
    // 500 clients every two minutes stays under every per-shop limit (the smallest is 600 a minute)
    const at = (i: number) => T0 + Math.floor(i / 500) * 120_000;
    let expected = 0;
    for (const kind of ['referrer', 'share', 'claim', 'browser_report'] as const) {
      const verdicts = await inObject(shop, 12_000, 1_000, (instance, i) => instance.limit(kind, [`${kind}-${i}`], at(i)));
      expect(verdicts.every((v) => v.ok)).toBe(true);
      expected += 10_000;
      expect({ kind, clients: (await stub.metrics()).rateLimitedClients }).toEqual({ kind, clients: expected });
    }
    // clicks: 12,000 clients of one link in one minute (far under the shop's 120,000), after one
    // click that warms the object's program and referrer caches
    expect((await stub.record(clickInput(shop, referrer.code, 'ip-warm'))).ok).toBe(true);
    const clicks = await inObject(shop, 12_000, 1_000, (instance, i) =>
      instance.record(clickInput(shop, referrer.code, `ip-${i}`)),
    );
    expect(clicks.every((r) => r.ok)).toBe(true);
    expect((await stub.metrics()).rateLimitedClients).toBe(expected + 10_000);

    // the newest client is still counted: 9 more claims are admitted, the 10th of the minute is not
    const newest = await inObject(shop, 10, 1, (instance) => instance.limit('claim', ['claim-11999'], at(11_999)));
    expect(newest.map((v) => v.ok)).toEqual([...Array(9).fill(true), false]);
  });
});
