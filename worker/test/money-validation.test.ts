/**
 * Guarantees 3 and 4 through the API: integer minor units with an ISO-4217 currency and its
 * exponent; floats, decimal strings, negatives, unsafe integers and foreign currencies are a 400
 * with a stable code and write nothing; commissions round half-even on the minor unit in HKD (2),
 * JPY (0) and KWD (3) shops.
 */
import { describe, expect, it } from 'vitest';
import { call, createReferrer, createShop, ORIGIN, type TestShop } from './helpers';
import { T0, clickId, dbFingerprint, ledgerOf, reportOrder } from './fixtures';

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_ORDER_MINOR = 1_000_000_000_000_000;

/** Sends a raw JSON text (so that numbers JSON.stringify cannot write, like 2^53 + 1, reach the API). */
function rawReport(shop: TestShop, json: string) {
  return call('/v1/conversions', { key: shop.sk, rawBody: json, headers: { 'Content-Type': 'application/json' }, now: T0 });
}

describe('money input is refused with a 400 and a stable code, and nothing is written', () => {
  it('conversion amounts, currencies and item prices', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code);
    const base = {
      orderId: 'M-1',
      amountMinor: 16800,
      currency: 'HKD',
      clickId: clk,
      items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
    };
    const before = await dbFingerprint();

    const cases: Array<[string, unknown, string]> = [
      ['float amount', { ...base, amountMinor: 168.5 }, 'invalid_request'],
      ['decimal string amount', { ...base, amountMinor: '168.00' }, 'invalid_request'],
      ['integer string amount', { ...base, amountMinor: '16800' }, 'invalid_request'],
      ['negative amount', { ...base, amountMinor: -1 }, 'invalid_request'],
      ['unsafe integer amount', { ...base, amountMinor: 2 ** 53 }, 'invalid_request'],
      ['huge float amount', { ...base, amountMinor: 1e300 }, 'invalid_request'],
      ['null amount', { ...base, amountMinor: null }, 'invalid_request'],
      ['boolean amount', { ...base, amountMinor: true }, 'invalid_request'],
      ['missing amount', { ...base, amountMinor: undefined }, 'invalid_request'],
      ['amount as object', { ...base, amountMinor: { value: 16800, exponent: 2 } }, 'invalid_request'],
      ['lower-case currency', { ...base, currency: 'hkd' }, 'invalid_request'],
      ['unknown currency', { ...base, currency: 'XYZ' }, 'invalid_request'],
      ['metal without minor unit', { ...base, currency: 'XAU' }, 'invalid_request'],
      ['two-letter currency', { ...base, currency: 'HK' }, 'invalid_request'],
      ['numeric currency', { ...base, currency: 344 }, 'invalid_request'],
      ["another shop's currency", { ...base, currency: 'USD' }, 'currency_mismatch'],
      ['float unit price', { ...base, items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 168.5 }] }, 'invalid_request'],
      [
        'negative unit price',
        { ...base, items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: -16800 }] },
        'invalid_request',
      ],
      [
        'string unit price',
        { ...base, items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: '168.00' }] },
        'invalid_request',
      ],
      ['float quantity', { ...base, items: [{ sku: 'oolong-250g', quantity: 1.5, unitPriceMinor: 16800 }] }, 'invalid_request'],
      ['zero quantity', { ...base, items: [{ sku: 'oolong-250g', quantity: 0, unitPriceMinor: 16800 }] }, 'invalid_request'],
      [
        'item currency field',
        { ...base, items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800, currency: 'USD' }] },
        'invalid_request',
      ],
      [
        'items beyond the safe range',
        { ...base, amountMinor: MAX, items: [{ sku: 'oolong-250g', quantity: 2, unitPriceMinor: MAX }] },
        'invalid_request',
      ],
      [
        'item lines summing beyond the safe range',
        {
          ...base,
          amountMinor: MAX,
          items: [
            { sku: 'oolong-250g', quantity: 1, unitPriceMinor: MAX },
            { sku: 'egg-rolls', quantity: 1, unitPriceMinor: MAX },
          ],
        },
        'invalid_request',
      ],
    ];
    for (const [what, body, code] of cases) {
      const res = await reportOrder(shop, body as Record<string, unknown>);
      expect({ what, status: res.status, code: res.body?.error?.code }).toEqual({ what, status: 400, code });
    }
    // numbers JSON.stringify would not write: 2^53 + 1, and an exponent form of a float
    for (const amount of ['9007199254740993', '1.68e4.5', '16800.5', '-0.1', '1e21']) {
      const res = await rawReport(shop, `{"orderId":"M-1","amountMinor":${amount},"currency":"HKD"}`);
      expect({ amount, status: res.status }).toEqual({ amount, status: 400 });
      expect(['invalid_request', 'malformed_json']).toContain(res.body.error.code);
    }
    expect(await dbFingerprint()).toBe(before);

    // and the same body with a valid amount goes through
    const ok = await reportOrder(shop, base);
    expect(ok.status).toBe(201);
    expect(ok.body.conversion.commissionMinor).toBe(1680);
  });

  it('amounts that only overflow inside the commission maths are a 400 invalid_amount, not a 500', async () => {
    const shop = await createShop({
      products: [
        { sku: 'dear', name: 'Very dear', priceMinor: MAX_ORDER_MINOR },
        { sku: 'flat-big', name: 'Flat override', priceMinor: 100, override: { kind: 'flat', value: MAX_ORDER_MINOR } },
      ],
    });
    const { referrer } = await createReferrer(shop);
    const before = await dbFingerprint();
    // a flat override of 10^15 per unit, bought ten times: 10^16 > 2^53 − 1
    const flat = await reportOrder(shop, {
      orderId: 'OV-1',
      amountMinor: 1000,
      currency: 'HKD',
      referralCode: referrer.code,
      items: [{ sku: 'flat-big', quantity: 10, unitPriceMinor: 100 }],
    });
    expect(flat.status).toBe(400);
    expect(flat.body.error.code).toBe('invalid_amount');
    // a browser report: catalogue price × 10 leaves the safe range
    const browser = await call('/v1/conversions/browser', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0,
      body: {
        orderId: 'OV-2',
        amountMinor: MAX_ORDER_MINOR,
        currency: 'HKD',
        referralCode: referrer.code,
        items: [{ sku: 'dear', quantity: 10, unitPriceMinor: 1 }],
      },
    });
    expect(browser.status).toBe(400);
    expect(browser.body.error.code).toBe('invalid_amount');
    expect(await dbFingerprint()).toBe(before);
  });

  it('refunds, payouts, the program and products refuse floats, strings, negatives and out-of-range rates', async () => {
    const shop = await createShop();
    expect((await reportOrder(shop, { orderId: 'M-2', amountMinor: 10000, currency: 'HKD' })).status).toBe(201);
    const { referrer } = await createReferrer(shop);
    const before = await dbFingerprint();

    const cases: Array<[string, string, string, unknown]> = [
      ['refund float', 'POST', '/v1/refunds', { orderId: 'M-2', refundId: 'r1', amountMinor: 10.5 }],
      ['refund string', 'POST', '/v1/refunds', { orderId: 'M-2', refundId: 'r1', amountMinor: '100' }],
      ['refund zero', 'POST', '/v1/refunds', { orderId: 'M-2', refundId: 'r1', amountMinor: 0 }],
      ['refund negative', 'POST', '/v1/refunds', { orderId: 'M-2', refundId: 'r1', amountMinor: -100 }],
      ['payout float', 'POST', '/v1/payouts', { referrerId: referrer.id, amountMinor: 0.5 }],
      ['payout negative', 'POST', '/v1/payouts', { referrerId: referrer.id, amountMinor: -5 }],
      ['rate float', 'PUT', '/v1/program', { rateBps: 1000.5 }],
      ['rate above 100%', 'PUT', '/v1/program', { rateBps: 10001 }],
      ['flat string', 'PUT', '/v1/program', { kind: 'flat', flatMinor: '50.00' }],
      ['cap negative', 'PUT', '/v1/program', { capMinor: -1 }],
      ['price float', 'PUT', '/v1/products/tea-2', { name: 'Tea', priceMinor: 99.9 }],
      ['price unsafe', 'PUT', '/v1/products/tea-2', { name: 'Tea', priceMinor: 2 ** 53 }],
      [
        'override percent above 100%',
        'PUT',
        '/v1/products/tea-2',
        { name: 'Tea', priceMinor: 9900, override: { kind: 'percent', value: 9_007_199_254_740_991 } },
      ],
      [
        'override percent 100.01%',
        'PUT',
        '/v1/products/tea-2',
        { name: 'Tea', priceMinor: 9900, override: { kind: 'percent', value: 10_001 } },
      ],
      ['override float', 'PUT', '/v1/products/tea-2', { name: 'Tea', priceMinor: 9900, override: { kind: 'flat', value: 1.5 } }],
    ];
    for (const [what, method, path, body] of cases) {
      const res = await call(path, { method, key: shop.sk, body, now: T0 });
      expect({ what, status: res.status, code: res.body?.error?.code }).toEqual({ what, status: 400, code: 'invalid_request' });
    }
    expect(await dbFingerprint()).toBe(before);
    // the widgets' config still renders (a bad override never reached the catalogue)
    expect((await call('/v1/config', { key: shop.pk, origin: ORIGIN })).status).toBe(200);
  });

  it('a shop cannot be created with a float price, a lower-case or unknown currency', async () => {
    const before = await dbFingerprint();
    for (const [body, what] of [
      [{ currency: 'hkd' }, 'lower-case'],
      [{ currency: 'XXX' }, 'no minor unit'],
      [{ products: [{ sku: 'a', name: 'A', priceMinor: 1.25 }] }, 'float price'],
      [{ program: { rateBps: 12.5 } }, 'float rate'],
    ] as const) {
      const res = await call('/v1/admin/shops', {
        key: 'adm_test_token_0123456789abcdef',
        body: Object.assign({ name: 'Bad', currency: 'HKD', siteUrl: 'https://bad.example/' }, body),
      });
      expect({ what, status: res.status, code: res.body.error.code }).toEqual({ what, status: 400, code: 'invalid_request' });
    }
    expect(await dbFingerprint()).toBe(before);
  });
});

describe('commission in the currency exponent, rounded half-even (guarantees 3, 4)', () => {
  async function commissionFor(currency: string, amountMinor: number, orderId: string) {
    const shop = await createShop({
      currency,
      program: {
        kind: 'percent',
        rateBps: 1000,
        capMinor: null,
        holdDays: 30,
        windowDays: 30,
        model: 'last_click',
        friendReward: { kind: 'none', value: 0 },
      },
      products: [{ sku: 'gift', name: 'Gift box', priceMinor: amountMinor }],
    });
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code);
    const res = await reportOrder(shop, { orderId, amountMinor, currency, clickId: clk });
    expect(res.status).toBe(201);
    const entries = await ledgerOf({ conversionId: res.body.conversion.id });
    return { shop, res, entries };
  }

  it.each([
    // currency, amount, commission at 10 %: exact share → half-even result
    ['HKD', 16800, 1680], // 1680.0
    ['HKD', 1005, 100], // 100.5 → 100 (even)
    ['HKD', 1015, 102], // 101.5 → 102 (even)
    ['JPY', 1234, 123], // ¥123.4 → ¥123
    ['JPY', 1235, 124], // ¥123.5 → ¥124 (even)
    ['JPY', 1225, 122], // ¥122.5 → ¥122 (even)
    ['KWD', 12345, 1234], // 1234.5 fils → 1234 (even)
    ['KWD', 12355, 1236], // 1235.5 fils → 1236 (even)
    ['KWD', 7, 1], // 0.7 fils → 1
  ])('%s %i minor units earn %i at 10 %%', async (currency, amount, expected) => {
    const { res, entries } = await commissionFor(currency, amount, `R-${currency}-${amount}`);
    expect(res.body.conversion.currency).toBe(currency);
    expect(res.body.conversion.commissionMinor).toBe(expected);
    expect(res.body.conversion.explanation.commission.lines[0]).toMatchObject({
      baseMinor: amount,
      rateBps: 1000,
      commissionMinor: expected,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ amount_minor: expected, currency, bucket: 'pending' });
  });

  it('the widget config states the exponent and per-product earnings in the shop currency', async () => {
    for (const [currency, exponent, price, earn] of [
      ['JPY', 0, 1235, 124],
      ['KWD', 3, 12345, 1234],
      ['HKD', 2, 1015, 102],
    ] as const) {
      const shop = await createShop({
        currency,
        program: {
          kind: 'percent',
          rateBps: 1000,
          capMinor: null,
          holdDays: 30,
          windowDays: 30,
          model: 'last_click',
          friendReward: { kind: 'none', value: 0 },
        },
        products: [{ sku: 'gift', name: 'Gift box', priceMinor: price }],
      });
      const config = await call('/v1/config', { key: shop.pk, origin: ORIGIN });
      expect(config.status).toBe(200);
      expect(config.body.shop).toMatchObject({ currency, currencyExponent: exponent });
      expect(config.body.products).toEqual([
        expect.objectContaining({ sku: 'gift', priceMinor: price, currency, earnMinor: earn }),
      ]);
    }
  });

  it('a JPY shop refuses an HKD order', async () => {
    const { shop } = await commissionFor('JPY', 1000, 'R-JPY-base');
    const before = await dbFingerprint();
    const res = await reportOrder(shop, { orderId: 'R-JPY-HKD', amountMinor: 1000, currency: 'HKD' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('currency_mismatch');
    expect(await dbFingerprint()).toBe(before);
  });

  it('items over the paid amount are scaled by largest remainder; each line rounds half-even; a product override wins', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code);
    // list 16800 + 18800 = 35600, paid 35599 after a 1-cent discount
    const res = await reportOrder(shop, {
      orderId: 'R-SPLIT',
      amountMinor: 35599,
      currency: 'HKD',
      clickId: clk,
      items: [
        { sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 },
        { sku: 'rose-mist', quantity: 1, unitPriceMinor: 18800 },
      ],
    });
    expect(res.status).toBe(201);
    const lines = res.body.conversion.explanation.commission.lines;
    // 35599 split 16800:18800 → 16799.53 / 18799.47 → largest remainder gives 16800 / 18799
    expect(lines.map((l: { baseMinor: number }) => l.baseMinor)).toEqual([16800, 18799]);
    expect(lines[0]).toMatchObject({ source: 'program', rateBps: 1000, commissionMinor: 1680 });
    // 15 % override: 2819.85 → 2820
    expect(lines[1]).toMatchObject({ source: 'product_override', rateBps: 1500, commissionMinor: 2820 });
    expect(res.body.conversion.commissionMinor).toBe(4500);
  });
});
