/**
 * Guarantee 11: one shop's keys never read or change another shop's data. Shop B's publishable
 * and secret keys try every way in to shop A's conversions, referrers, clicks, ledger, refunds,
 * payouts, holds, products and program; A's rows are byte-for-byte unchanged afterwards and
 * nothing of A's shows in B's answers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { TABLES, call, createShop, ORIGIN, type TestShop } from './helpers';
import { T0, clickId, getConversionRow, reportOrder } from './fixtures';

const ORIGIN_B = 'https://b-shop.example';

/** Every row that belongs to the shop, serialized. */
async function shopRows(shopId: string): Promise<string> {
  const out: string[] = [];
  out.push(JSON.stringify((await env.DB.prepare('SELECT * FROM shops WHERE id = ?').bind(shopId).all()).results));
  for (const t of TABLES.filter((t) => t !== 'shops')) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${t} WHERE shop_id = ?`).bind(shopId).all();
    out.push(
      `${t}:${results
        .map((r) => JSON.stringify(r))
        .sort()
        .join('\n')}`,
    );
  }
  return out.join('\n--\n');
}

let a: TestShop;
let b: TestShop;
const A: {
  referrerId: string;
  code: string;
  token: string;
  clickId: string;
  conversionId: string;
  heldConversionId: string;
  ledgerEntryId: string;
  claimToken: string;
} = {} as never;

beforeAll(async () => {
  a = await createShop({ allowedOrigins: [ORIGIN] });
  b = await createShop({ allowedOrigins: [ORIGIN_B] });
  // A's KOL with a vanity code and a contact, created with A's secret key
  const kol = await call('/v1/referrers', {
    key: a.sk,
    body: { vanityCode: 'maggie', email: 'maggie@example.hk', customerRef: 'cust-maggie' },
  });
  expect(kol.status).toBe(201);
  Object.assign(A, { referrerId: kol.body.referrer.id, code: kol.body.referrer.code, token: kol.body.token });
  A.clickId = await clickId(a, 'maggie');
  const order = await reportOrder(a, { orderId: 'A-1', amountMinor: 16800, currency: 'HKD', clickId: A.clickId });
  expect(order.body.conversion.commissionMinor).toBe(1680);
  A.conversionId = order.body.conversion.id;
  A.claimToken = order.body.buyerClaimToken;
  const held = await reportOrder(a, {
    orderId: 'A-2',
    amountMinor: 10000,
    currency: 'HKD',
    referralCode: 'maggie',
    customer: { ref: 'cust-maggie' },
  });
  expect(held.body.conversion.commissionStatus).toBe('on_hold');
  A.heldConversionId = held.body.conversion.id;
  A.ledgerEntryId = (await call('/v1/ledger?limit=1', { key: a.sk })).body.data[0].id;
});

const bSecret = (path: string, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  call(path, { key: b.sk, now: T0, ...opts });
const bPublic = (path: string, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  call(path, { key: b.pk, origin: ORIGIN_B, now: T0, ...opts });

describe("shop B's keys against shop A's data (guarantee 11)", () => {
  it("B's secret key reads none of A's conversions, referrers, ledger or balances", async () => {
    const before = await shopRows(a.shopId);
    const aIds = [A.referrerId, A.conversionId, A.heldConversionId, A.clickId, A.code, 'maggie@example.hk', 'cust-maggie'];
    const reads = [
      await bSecret('/v1/conversions'),
      await bSecret(`/v1/conversions?referrerId=${A.referrerId}`),
      await bSecret(`/v1/conversions?starting_after=${A.conversionId}`),
      await bSecret('/v1/referrers'),
      await bSecret(`/v1/referrers?starting_after=${A.referrerId}`),
      await bSecret('/v1/ledger'),
      await bSecret(`/v1/ledger?referrerId=${A.referrerId}`),
      await bSecret(`/v1/ledger?starting_after=${A.ledgerEntryId}`),
      await bSecret('/v1/balances'),
      await bSecret(`/v1/balances?starting_after=${A.referrerId}`),
      await bSecret('/v1/products'),
      await bSecret('/v1/program'),
    ];
    for (const r of reads) {
      expect(r.status).toBe(200);
      const text = JSON.stringify(r.body);
      for (const id of aIds) expect(text).not.toContain(id);
    }
    for (const path of [`/v1/conversions/${A.conversionId}`, `/v1/referrers/${A.referrerId}/balances`]) {
      const r = await bSecret(path);
      expect({ path, status: r.status, code: r.body.error.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
    expect(await shopRows(a.shopId)).toBe(before);
  });

  it("B's secret key changes none of A's referrers, refunds, payouts, holds, products or program", async () => {
    const before = await shopRows(a.shopId);
    const attempts: Array<[string, Awaited<ReturnType<typeof call>>, number, string]> = [
      ['approve', await bSecret(`/v1/referrers/${A.referrerId}/approve`, { method: 'POST' }), 404, 'not_found'],
      ['block', await bSecret(`/v1/referrers/${A.referrerId}/block`, { method: 'POST' }), 404, 'not_found'],
      [
        'refund',
        await bSecret('/v1/refunds', { body: { orderId: 'A-1', refundId: 'evil', amountMinor: 16800 } }),
        404,
        'conversion_not_found',
      ],
      ['payout', await bSecret('/v1/payouts', { body: { referrerId: A.referrerId } }), 404, 'not_found'],
      ['hold release', await bSecret(`/v1/referrers/holds/${A.heldConversionId}/release`, { method: 'POST' }), 404, 'not_found'],
    ];
    for (const [what, res, status, code] of attempts) {
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status, code });
    }
    // writes that are B's own stay B's own
    expect(
      (
        await bSecret('/v1/products/oolong-250g', {
          method: 'PUT',
          body: { name: 'B tea', priceMinor: 1, override: { kind: 'percent', value: 10000 } },
        })
      ).status,
    ).toBe(200);
    expect((await bSecret('/v1/program', { method: 'PUT', body: { rateBps: 10000, holdDays: 0 } })).status).toBe(200);
    expect(await shopRows(a.shopId)).toBe(before);
    // and A's program and catalogue still say what A set
    const program = await call('/v1/program', { key: a.sk });
    expect(program.body.program).toMatchObject({ rateBps: 1000, holdDays: 30 });
    const products = await call('/v1/products', { key: a.sk });
    expect(products.body.data.find((p: { sku: string }) => p.sku === 'oolong-250g')).toMatchObject({
      name: 'Oolong tea 250 g',
      priceMinor: 16800,
    });
  });

  it("A's click, code, vanity code and coupon attribute nothing in B, and credit A's referrer nothing", async () => {
    const before = await shopRows(a.shopId);
    for (const [orderId, extra] of [
      ['B-1', { clickId: A.clickId }],
      ['B-2', { referralCode: A.code }],
      ['B-3', { referralCode: 'maggie' }],
      ['B-4', { couponCode: 'maggie' }],
      ['B-5', { couponCode: A.code, customer: { referrerToken: A.token } }],
    ] as const) {
      const res = await reportOrder(b, { orderId, amountMinor: 16800, currency: 'HKD', ...extra });
      expect(res.status).toBe(201);
      expect(res.body.conversion).toMatchObject({
        referrerId: null,
        source: 'none',
        commissionMinor: 0,
        commissionStatus: 'none',
      });
    }
    const browser = await bPublic('/v1/conversions/browser', {
      body: {
        orderId: 'B-6',
        // B's own catalogue price (B repriced its oolong to 1 above)
        amountMinor: 1,
        currency: 'HKD',
        referralCode: 'maggie',
        items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
      },
    });
    expect(browser.status, JSON.stringify(browser.body)).toBe(201);
    expect((await getConversionRow(b.shopId, 'B-6'))?.referrer_id).toBeNull();
    expect(await shopRows(a.shopId)).toBe(before);
    expect(
      (await env.DB.prepare('SELECT count(*) AS n FROM ledger_entries WHERE referrer_id = ? AND shop_id = ?')
        .bind(A.referrerId, b.shopId)
        .first<{ n: number }>())!.n,
    ).toBe(0);
  });

  it("B's publishable key cannot click, read, share or claim as A's referrer, nor redeem A's buyer claim token", async () => {
    const before = await shopRows(a.shopId);
    for (const code of [A.code, 'maggie']) {
      const res = await bPublic('/v1/clicks', { body: { code }, headers: { 'CF-Connecting-IP': '192.0.2.44' } });
      expect({ code, status: res.status, error: res.body.error.code }).toEqual({
        code,
        status: 404,
        error: 'referrer_not_found',
      });
    }
    const token = { 'X-Referrer-Token': A.token };
    for (const [path, method, body] of [
      ['/v1/referrers/me', 'GET', undefined],
      ['/v1/shares', 'POST', { channel: 'whatsapp' }],
      ['/v1/referrers/me/claim', 'POST', { email: 'attacker@example.com' }],
    ] as const) {
      const res = await bPublic(path, { method, body, headers: token });
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({
        path,
        status: 401,
        code: 'invalid_referrer_token',
      });
    }
    const claim = await bPublic('/v1/referrers', { body: { claimToken: A.claimToken } });
    expect(claim.status).toBe(400);
    expect(claim.body.error.code).toBe('invalid_claim_token');
    // A's keys from B's origin are refused too
    const crossOrigin = await call('/v1/config', { key: a.pk, origin: ORIGIN_B });
    expect(crossOrigin.status).toBe(403);
    expect(await shopRows(a.shopId)).toBe(before);
  });

  it('an Idempotency-Key used by A replays nothing of A to B', async () => {
    const first = await reportOrder(
      a,
      { orderId: 'A-IK', amountMinor: 100, currency: 'HKD' },
      { headers: { 'Idempotency-Key': 'shared-key' } },
    );
    expect(first.status).toBe(201);
    const other = await reportOrder(
      b,
      { orderId: 'B-IK', amountMinor: 200, currency: 'HKD' },
      { headers: { 'Idempotency-Key': 'shared-key' } },
    );
    expect(other.status).toBe(201);
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    expect(other.body.conversion.orderId).toBe('B-IK');
    // and the same body as A's under the same key is B's own order, not a replay of A's answer
    const same = await reportOrder(
      b,
      { orderId: 'A-IK', amountMinor: 100, currency: 'HKD' },
      { headers: { 'Idempotency-Key': 'shared-key-2' } },
    );
    expect(same.body.conversion.id).not.toBe(first.body.conversion.id);
  });

  it("A's referrer still earns in A after all of B's attempts", async () => {
    const balances = await call(`/v1/referrers/${A.referrerId}/balances`, { key: a.sk, now: T0 });
    expect(balances.body.balances).toEqual({ currency: 'HKD', onHold: 1000, pending: 1680, available: 0, paid: 0 });
  });
});
