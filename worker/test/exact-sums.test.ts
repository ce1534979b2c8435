/**
 * Guarantee 18: sums stay exact. At the documented limits — an order (its amount, its item lines,
 * a price) is at most 10^15 minor units and a shop's orders total at most 9 × 10^15 — every amount,
 * balance and total the API stores or returns is an exact safe integer, and anything past a limit
 * is refused with a 4xx that writes nothing. Real D1 and Durable Objects, injected clock.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, createReferrer, createShop, ORIGIN } from './helpers';
import { T0, count, dbFingerprint, ledgerOf, reportOrder, settle, sumBuckets } from './fixtures';
import { balances, browserReport, payout } from './money-path';
import { MAX_ORDER_MINOR, MAX_SHOP_ORDERS_MINOR } from '../src/domain/money';

const E15 = 1_000_000_000_000_000;
const ZERO = { onHold: 0, pending: 0, available: 0, paid: 0 };

/** 100 % commission, no cap, no hold: every minor unit ordered is a minor unit owed. */
const ALL_OF_IT = {
  kind: 'percent',
  rateBps: 10_000,
  capMinor: null,
  holdDays: 0,
  windowDays: 30,
  model: 'last_click',
  friendReward: { kind: 'none', value: 0 },
};

const shopTotal = (shopId: string) => count('SELECT orders_minor AS n FROM shop_totals WHERE shop_id = ?', shopId);

describe('sums at the limits stay exact (guarantee 18)', () => {
  it('the documented limits are 10^15 per order and 9 × 10^15 per shop, both below 2^53', () => {
    expect(MAX_ORDER_MINOR).toBe(E15);
    expect(MAX_SHOP_ORDERS_MINOR).toBe(9 * E15);
    expect(Number.isSafeInteger(MAX_SHOP_ORDERS_MINOR)).toBe(true);
  });

  it('9 orders of 10^15 at 100 %: balances, totals and the payout are exactly 9 × 10^15; a 10th order of 1 is refused', async () => {
    const shop = await createShop({ program: ALL_OF_IT });
    const { referrer, token } = await createReferrer(shop);
    for (let i = 0; i < 9; i++) {
      const res = await reportOrder(shop, {
        orderId: `MAX-${i}`,
        amountMinor: E15,
        currency: 'HKD',
        referralCode: referrer.code,
      });
      expect(res.status).toBe(201);
      expect(res.body.conversion).toMatchObject({ amountMinor: E15, commissionMinor: E15, commissionStatus: 'pending' });
    }
    expect(await shopTotal(shop.shopId)).toBe(9 * E15);

    // one more minor unit, attributed or not, would leave the shop's limit: refused, nothing written
    const before = await dbFingerprint();
    for (const extra of [{ referralCode: referrer.code }, {}]) {
      const res = await reportOrder(shop, { orderId: 'MAX-9', amountMinor: 1, currency: 'HKD', ...extra });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('shop_limit_reached');
    }
    const browser = await browserReport(shop, {
      orderId: 'MAX-B',
      amountMinor: 1,
      currency: 'HKD',
      items: [{ sku: 'egg-rolls', quantity: 1, unitPriceMinor: 9800 }],
    });
    expect(browser.status).toBe(422);
    expect(browser.body.error.code).toBe('shop_limit_reached');
    expect(await dbFingerprint()).toBe(before);

    expect(await balances(shop, referrer.id, T0)).toEqual({ ...ZERO, pending: 9 * E15 });
    expect(await settle(T0, shop.shopId)).toBe(9);
    const expected = { ...ZERO, available: 9 * E15 };
    expect(await balances(shop, referrer.id, T0)).toEqual(expected);
    const totals = await call('/v1/balances', { key: shop.sk, now: T0 });
    expect(totals.body.totals).toEqual({ currency: 'HKD', ...expected });
    expect(totals.body.data).toEqual([{ referrerId: referrer.id, balances: { currency: 'HKD', ...expected } }]);
    const me = await call('/v1/referrers/me', { key: shop.pk, origin: ORIGIN, now: T0, headers: { 'X-Referrer-Token': token } });
    expect(me.body.balances).toEqual({ currency: 'HKD', ...expected });
    expect(sumBuckets(await ledgerOf({ referrerId: referrer.id }))).toEqual(expected);

    // a payout names at most 10^15; without an amount it pays the whole available balance
    const named = await payout(shop, referrer.id, T0, 9 * E15);
    expect(named.status).toBe(400);
    expect(named.body.error.code).toBe('invalid_request');
    const paid = await payout(shop, referrer.id, T0);
    expect(paid.status).toBe(201);
    expect(paid.body.payout.amountMinor).toBe(9 * E15);
    expect(paid.body.balances).toEqual({ currency: 'HKD', ...ZERO, paid: 9 * E15 });
    expect(
      await count("SELECT SUM(amount_minor) AS n FROM ledger_entries WHERE shop_id = ? AND bucket = 'paid'", shop.shopId),
    ).toBe(9 * E15);
    expect(await count('SELECT SUM(amount_minor) AS n FROM payouts WHERE shop_id = ?', shop.shopId)).toBe(9 * E15);
  });

  it('concurrent orders racing for the room left under the shop limit: exactly as many as fit are recorded', async () => {
    const shop = await createShop({ program: ALL_OF_IT });
    const { referrer } = await createReferrer(shop);
    for (let i = 0; i < 8; i++) {
      expect((await reportOrder(shop, { orderId: `R-${i}`, amountMinor: E15, currency: 'HKD' })).status).toBe(201);
    }
    // 10^15 left; 30 concurrent orders of 2 × 10^14 (group-committed together): 5 fit
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        reportOrder(shop, { orderId: `RACE-${i}`, amountMinor: 2 * 10 ** 14, currency: 'HKD', referralCode: referrer.code }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('shop_limit_reached');
    }
    expect(await shopTotal(shop.shopId)).toBe(MAX_SHOP_ORDERS_MINOR);
    expect(await count("SELECT count(*) AS n FROM conversions WHERE shop_id = ? AND order_id LIKE 'RACE-%'", shop.shopId)).toBe(
      5,
    );
    expect(await count('SELECT SUM(amount_minor) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(
      MAX_SHOP_ORDERS_MINOR,
    );
    expect(await balances(shop, referrer.id)).toEqual({ ...ZERO, pending: E15 });
  });

  it('an order, an item total or a price above 10^15 is a 400 and writes nothing', async () => {
    const shop = await createShop({ program: ALL_OF_IT });
    const { referrer } = await createReferrer(shop);
    expect(
      (await reportOrder(shop, { orderId: 'OK-1', amountMinor: E15, currency: 'HKD', referralCode: referrer.code })).status,
    ).toBe(201);
    const before = await dbFingerprint();
    const refused = [
      await reportOrder(shop, { orderId: 'BIG-1', amountMinor: E15 + 1, currency: 'HKD', referralCode: referrer.code }),
      await reportOrder(shop, {
        orderId: 'BIG-2',
        amountMinor: 1000,
        currency: 'HKD',
        items: [
          { sku: 'a', quantity: 1, unitPriceMinor: E15 },
          { sku: 'b', quantity: 1, unitPriceMinor: 1 },
        ],
      }),
      await reportOrder(shop, {
        orderId: 'BIG-3',
        amountMinor: 1000,
        currency: 'HKD',
        items: [{ sku: 'a', quantity: 2, unitPriceMinor: E15 / 2 + 1 }],
      }),
      await call('/v1/products/dear', { method: 'PUT', key: shop.sk, body: { name: 'Too dear', priceMinor: E15 + 1 } }),
      await call('/v1/refunds', { key: shop.sk, body: { orderId: 'OK-1', refundId: 'r', amountMinor: E15 + 1 } }),
      await call('/v1/program', { method: 'PUT', key: shop.sk, body: { capMinor: E15 + 1 } }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect(await dbFingerprint()).toBe(before);
  });

  it('a browser report whose server report would take the shop past its limit stays unverified; one that fits upgrades it exactly', async () => {
    const shop = await createShop({ program: ALL_OF_IT, products: [{ sku: 'tiny', name: 'Tiny', priceMinor: 1 }] });
    const { referrer } = await createReferrer(shop);
    for (let i = 0; i < 8; i++) {
      expect((await reportOrder(shop, { orderId: `FILL-${i}`, amountMinor: E15, currency: 'HKD' })).status).toBe(201);
    }
    expect((await reportOrder(shop, { orderId: 'FILL-8', amountMinor: 500, currency: 'HKD' })).status).toBe(201);
    const browser = await browserReport(shop, {
      orderId: 'UP-1',
      amountMinor: 1,
      currency: 'HKD',
      items: [{ sku: 'tiny', quantity: 1, unitPriceMinor: 1 }],
      referralCode: referrer.code,
    });
    expect(browser.status).toBe(201);
    expect(await shopTotal(shop.shopId)).toBe(8 * E15 + 501);

    // the server says 10^15: an increase of 10^15 − 1, past the 10^15 − 501 left
    const before = await dbFingerprint();
    const tooBig = await reportOrder(shop, { orderId: 'UP-1', amountMinor: E15, currency: 'HKD', referralCode: referrer.code });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error.code).toBe('shop_limit_reached');
    expect(await dbFingerprint()).toBe(before);
    const row = await env.DB.prepare('SELECT verified, amount_minor, commission_status FROM conversions WHERE id = ?')
      .bind(browser.body.conversion.id)
      .first();
    expect(row).toEqual({ verified: 0, amount_minor: 1, commission_status: 'on_hold' });
    expect(await balances(shop, referrer.id)).toEqual({ ...ZERO, onHold: 1 });

    // exactly the room left fits: the shop ends at its limit, to the minor unit
    const fits = E15 - 500;
    const ok = await reportOrder(shop, { orderId: 'UP-1', amountMinor: fits, currency: 'HKD', referralCode: referrer.code });
    expect(ok.status).toBe(201);
    expect(ok.body.conversion).toMatchObject({
      verified: true,
      amountMinor: fits,
      commissionMinor: fits,
      commissionStatus: 'pending',
    });
    expect(await shopTotal(shop.shopId)).toBe(MAX_SHOP_ORDERS_MINOR);
    expect(await balances(shop, referrer.id)).toEqual({ ...ZERO, pending: fits });
    const full = await reportOrder(shop, { orderId: 'AFTER', amountMinor: 1, currency: 'HKD' });
    expect(full.status).toBe(422);
    expect(full.body.error.code).toBe('shop_limit_reached');
  });
});
