/**
 * Guarantees 1 and 2: one commission per order however often and however concurrently it is
 * reported, and Stripe-style Idempotency-Key semantics (replay, mismatch, kept ≥ 24 h).
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, createReferrer, createShop, tableCounts, DAY } from './helpers';
import { T0, clickId, count, dbFingerprint, ledgerOf, reportOrder } from './fixtures';
import { IDEMPOTENCY_TTL_MS, purgeExpiredKeys } from '../src/db/idempotency';
import { shopObject } from '../src/durable/shop-object-stub';
import { evictDurableObject } from 'cloudflare:test';

const HOUR = 3_600_000;

async function attributedOrder(orderId: string, now = T0) {
  const shop = await createShop();
  const { referrer } = await createReferrer(shop);
  const clk = await clickId(shop, referrer.code, now);
  const body = {
    orderId,
    amountMinor: 16800,
    currency: 'HKD',
    items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
    clickId: clk,
  };
  return { shop, referrer, clk, body };
}

describe('one commission per order (guarantee 1)', () => {
  it('100 concurrent identical reports make one conversion, one ledger transaction and 100 identical responses', async () => {
    const { shop, referrer, body } = await attributedOrder('ORD-100');
    const responses = await Promise.all(Array.from({ length: 100 }, () => reportOrder(shop, body)));

    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const first = JSON.stringify(responses[0]!.body);
    for (const r of responses) expect(JSON.stringify(r.body)).toBe(first);
    expect(responses[0]!.body.conversion.commissionMinor).toBe(1680);
    expect(responses[0]!.body.conversion.referrerId).toBe(referrer.id);

    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
    const entries = await ledgerOf({ conversionId: responses[0]!.body.conversion.id });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'commission', bucket: 'pending', amount_minor: 1680, currency: 'HKD' });
    expect(await count('SELECT count(DISTINCT txn_id) AS n FROM ledger_entries WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect(
      await count("SELECT count(*) AS n FROM outbox_events WHERE type = 'conversion.attributed' AND shop_id = ?", shop.shopId),
    ).toBe(1);
  });

  it('100 concurrent reports with one Idempotency-Key still make one of everything and identical bodies', async () => {
    const { shop, body } = await attributedOrder('ORD-IK');
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => reportOrder(shop, body, { headers: { 'Idempotency-Key': 'key-concurrent' } })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const first = JSON.stringify(responses[0]!.body);
    for (const r of responses) expect(JSON.stringify(r.body)).toBe(first);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE shop_id = ?', shop.shopId)).toBe(1);
    const key = await env.DB.prepare('SELECT status, response_body FROM idempotency_keys WHERE key = ? AND shop_id = ?')
      .bind('key-concurrent', shop.shopId)
      .first<{ status: number; response_body: string }>();
    expect(key!.status).toBe(201);
    expect(key!.response_body).toBe(first);
  });

  it('the same order id with a different body is a 409 order_conflict and writes nothing', async () => {
    const { shop, body } = await attributedOrder('ORD-C');
    const ok = await reportOrder(shop, body);
    expect(ok.status).toBe(201);
    const before = await dbFingerprint();

    for (const changed of [
      { ...body, amountMinor: 16801 },
      { ...body, items: [{ sku: 'oolong-250g', quantity: 2, unitPriceMinor: 8400 }] },
      { ...body, clickId: undefined, referralCode: 'nobody-here' },
      { ...body, customer: { ref: 'cust-9' } },
    ]) {
      const res = await reportOrder(shop, changed);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('order_conflict');
    }
    expect(await dbFingerprint()).toBe(before);
    // the stored conversion still says what the first report said
    const again = await reportOrder(shop, body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(ok.body);
  });

  it('concurrent reports of one order with two different bodies: one wins, its copies get 201, the others 409', async () => {
    const { shop, body } = await attributedOrder('ORD-RACE');
    const other = { ...body, amountMinor: 9000, items: undefined };
    const bodies = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? body : other));
    const responses = await Promise.all(bodies.map((b) => reportOrder(shop, b)));

    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
    const stored = await env.DB.prepare('SELECT amount_minor FROM conversions WHERE shop_id = ?')
      .bind(shop.shopId)
      .first<{ amount_minor: number }>();
    const winner = stored!.amount_minor === 16800 ? body : other;
    responses.forEach((r, i) => {
      if (bodies[i] === winner) {
        expect(r.status).toBe(201);
        expect(r.body.conversion.amountMinor).toBe(winner.amountMinor);
      } else {
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe('order_conflict');
      }
    });
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM outbox_events WHERE shop_id = ?', shop.shopId)).toBe(1);
  });
});

describe('new orders of one shop share D1 batches', () => {
  it('12 concurrent new orders are written in fewer than 12 batches, each whole; one at a time, each its own batch', async () => {
    const { shop, referrer, body } = await attributedOrder('ORD-GROUP-0');
    const batches = async () => (await shopObject(env, shop.shopId).metrics()).conversionBatches;
    const before = await batches();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => reportOrder(shop, { ...body, orderId: `ORD-GROUP-${i + 1}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    const after = await batches();
    expect(after.items - before.items).toBe(12);
    expect(after.groups - before.groups).toBeLessThan(12);
    // every order has its conversion, its commission entry and its event, whichever batch carried it
    for (const r of responses) {
      const conversionId = r.body.conversion.id as string;
      expect(await ledgerOf({ conversionId })).toMatchObject([
        { type: 'commission', referrer_id: referrer.id, amount_minor: 1680 },
      ]);
      expect(
        await count(
          "SELECT count(*) AS n FROM outbox_events WHERE payload ->> '$.conversionId' = ? AND type = 'conversion.attributed'",
          conversionId,
        ),
      ).toBe(1);
    }
    await reportOrder(shop, { ...body, orderId: 'ORD-GROUP-13' });
    await reportOrder(shop, { ...body, orderId: 'ORD-GROUP-14' });
    const last = await batches();
    expect([last.items - after.items, last.groups - after.groups]).toEqual([2, 2]);
  });
});

describe('the uniqueness constraint is the last line of defence', () => {
  it("after the shop's Durable Object restarts (its memory of recent orders gone), repeats still make one conversion", async () => {
    const { shop, body } = await attributedOrder('ORD-EVICT');
    const first = await reportOrder(shop, body);
    expect(first.status).toBe(201);
    await evictDurableObject(shopObject(env, shop.shopId));
    const [same, changed] = await Promise.all([reportOrder(shop, body), reportOrder(shop, { ...body, amountMinor: 1 })]);
    expect(same.status).toBe(201);
    expect(same.body).toEqual(first.body);
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('order_conflict');
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE shop_id = ?', shop.shopId)).toBe(1);
  });
});

describe('Idempotency-Key (guarantee 2)', () => {
  it('the same key and body replays the first response with Idempotent-Replayed', async () => {
    const { shop, body } = await attributedOrder('ORD-R');
    const first = await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'k-1' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();

    const replay = await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'k-1' }, now: T0 + 5 * 60_000 });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE shop_id = ?', shop.shopId)).toBe(1);
  });

  it('the same key with a different body, or on another endpoint, is a 422 idempotency_mismatch and changes nothing', async () => {
    const { shop, body } = await attributedOrder('ORD-M');
    expect((await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'k-2' } })).status).toBe(201);
    const counts = await tableCounts();
    const before = await dbFingerprint();

    const newOrder = await reportOrder(shop, { ...body, orderId: 'ORD-M-2' }, { headers: { 'Idempotency-Key': 'k-2' } });
    expect(newOrder.status).toBe(422);
    expect(newOrder.body.error.code).toBe('idempotency_mismatch');

    const otherAmount = await reportOrder(shop, { ...body, amountMinor: 1 }, { headers: { 'Idempotency-Key': 'k-2' } });
    expect(otherAmount.status).toBe(422);
    expect(otherAmount.body.error.code).toBe('idempotency_mismatch');

    const refund = await call('/v1/refunds', {
      key: shop.sk,
      now: T0,
      headers: { 'Idempotency-Key': 'k-2' },
      body: { orderId: 'ORD-M', refundId: 'r-1', amountMinor: 100 },
    });
    expect(refund.status).toBe(422);
    expect(refund.body.error.code).toBe('idempotency_mismatch');

    expect(await tableCounts()).toEqual(counts);
    expect(await dbFingerprint()).toBe(before);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE order_id = ?', 'ORD-M-2')).toBe(0);
  });

  it('a refused request frees its key so a corrected retry with the same key runs', async () => {
    const { shop, body } = await attributedOrder('ORD-F');
    const bad = await reportOrder(shop, { ...body, currency: 'USD' }, { headers: { 'Idempotency-Key': 'k-3' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('currency_mismatch');
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE shop_id = ?', shop.shopId)).toBe(0);

    const invalid = await reportOrder(shop, { ...body, amountMinor: 1.5 }, { headers: { 'Idempotency-Key': 'k-3' } });
    expect(invalid.status).toBe(400);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE shop_id = ?', shop.shopId)).toBe(0);

    const good = await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'k-3' } });
    expect(good.status).toBe(201);
    expect(good.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
  });

  it('keys are honoured after 24 h and purged only after 72 h', async () => {
    expect(IDEMPOTENCY_TTL_MS).toBe(72 * HOUR);
    // an earlier clock than the other tests of this file, so that the purge counts only this key
    const TB = T0 - 30 * DAY;
    const { shop, body } = await attributedOrder('ORD-TTL', TB);
    const first = await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'k-ttl' }, now: TB });
    expect(first.body.conversion.commissionMinor).toBe(1680);
    expect(first.status).toBe(201);

    // 25 h later: still the same answer, and another body with the key is still refused
    const late = await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'k-ttl' }, now: TB + 25 * HOUR });
    expect(late.headers.get('Idempotent-Replayed')).toBe('true');
    expect(late.body).toEqual(first.body);
    const lateOther = await reportOrder(
      shop,
      { ...body, orderId: 'ORD-TTL-2' },
      { headers: { 'Idempotency-Key': 'k-ttl' }, now: TB + 25 * HOUR },
    );
    expect(lateOther.status).toBe(422);

    // the cron's purge keeps it at 71 h and removes it after 72 h
    expect(await purgeExpiredKeys(env.DB, TB + 71 * HOUR)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM idempotency_keys WHERE key = 'k-ttl'")).toBe(1);
    expect(await purgeExpiredKeys(env.DB, TB + 72 * HOUR + 1)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM idempotency_keys WHERE key = 'k-ttl'")).toBe(0);

    // once purged the key is free again; the order id still guards against a second commission
    const reused = await reportOrder(
      shop,
      { ...body, orderId: 'ORD-TTL-3' },
      { headers: { 'Idempotency-Key': 'k-ttl' }, now: TB + 4 * DAY },
    );
    expect(reused.status).toBe(201);
    expect(reused.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(2);
  });

  it("keys are per shop: another shop using the same key gets its own result, never the first shop's", async () => {
    const a = await attributedOrder('ORD-SHARED');
    const b = await createShop();
    const resA = await reportOrder(a.shop, a.body, { headers: { 'Idempotency-Key': 'same-key' } });
    const resB = await reportOrder(
      b,
      { orderId: 'ORD-SHARED', amountMinor: 500, currency: 'HKD' },
      { headers: { 'Idempotency-Key': 'same-key' } },
    );
    expect(resA.status).toBe(201);
    expect(resB.status).toBe(201);
    expect(resB.headers.get('Idempotent-Replayed')).toBeNull();
    expect(resB.body.conversion.amountMinor).toBe(500);
    expect(resB.body.conversion.id).not.toBe(resA.body.conversion.id);
  });
});
