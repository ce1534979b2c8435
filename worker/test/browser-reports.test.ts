/**
 * Guarantee 17: nothing the browser says is trusted for money. A browser report (publishable key,
 * POST /v1/conversions/browser) is priced only from the catalogue, its commission is held
 * (`on_hold`, reason `unverified`) and never payable on its own; its answer shows nothing of the
 * recorded order; the shop's server report of the same order supersedes it exactly once (new
 * ledger entries); the shop may approve it, or let it expire (`unverifiedExpiryDays`); browser
 * reports are rate-limited per client. No sequence of publishable-key requests moves money.
 * Real D1 and Durable Objects, injected clock, no sleeps.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, createReferrer, createShop, DAY, ORIGIN, type TestShop } from './helpers';
import { T0, clickId, count, dbFingerprint, ledgerOf, reportOrder, settle, sumBuckets } from './fixtures';
import { OOLONG, balances, browserReport, entriesOf, expectRateLimited, freshIp, outboxOf, payout, refund } from './money-path';
import { settleDue } from '../src/db/ledger';

const HOLD = 30 * DAY;
const ZERO = { onHold: 0, pending: 0, available: 0, paid: 0 };

function order(orderId: string, extra: Record<string, unknown> = {}) {
  return { orderId, amountMinor: 16800, currency: 'HKD', items: [OOLONG], ...extra };
}

async function conversionRow(shop: TestShop, orderId: string) {
  return env.DB.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?')
    .bind(shop.shopId, orderId)
    .first<Record<string, any>>();
}

describe('forged browser reports never pay (guarantee 17)', () => {
  it('refuses reports without items, of unknown or retired products, above the catalogue or too large, and writes nothing', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    // a product the shop retired may not be reported from the browser
    const retired = await call('/v1/products/egg-rolls', {
      method: 'PUT',
      key: shop.sk,
      body: { name: 'Egg rolls', priceMinor: 9800, active: false },
    });
    expect(retired.status).toBe(200);
    const before = await dbFingerprint();
    const code = { referralCode: referrer.code };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['no items', { orderId: 'F-1', amountMinor: 16800, currency: 'HKD', ...code }, 'invalid_request'],
      ['empty items', order('F-2', { items: [], ...code }), 'invalid_request'],
      [
        'unknown sku',
        order('F-3', { amountMinor: 100, items: [{ sku: 'gold-bar', quantity: 1, unitPriceMinor: 100 }], ...code }),
        'unknown_product',
      ],
      [
        'retired product',
        order('F-4', { amountMinor: 9800, items: [{ sku: 'egg-rolls', quantity: 1, unitPriceMinor: 9800 }], ...code }),
        'unknown_product',
      ],
      ['amount above the catalogue', order('F-5', { amountMinor: 16801, ...code }), 'amount_exceeds_catalogue'],
      [
        'inflated unit price',
        order('F-6', { amountMinor: 1_000_000, items: [{ ...OOLONG, unitPriceMinor: 1_000_000 }], ...code }),
        'amount_exceeds_catalogue',
      ],
      ['quantity above 99', order('F-7', { items: [{ ...OOLONG, quantity: 100 }], ...code }), 'invalid_request'],
      ['51 lines', order('F-8', { items: Array.from({ length: 51 }, () => OOLONG), ...code }), 'invalid_request'],
      ['customer data', order('F-9', { customer: { ref: 'cust-1' }, ...code }), 'invalid_request'],
      ['a back-dated order', order('F-10', { occurredAt: T0 - DAY, ...code }), 'invalid_request'],
    ];
    for (const [name, body, errorCode] of cases) {
      const res = await browserReport(shop, body);
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status: 400, code: errorCode });
      expect(await dbFingerprint(), name).toBe(before);
    }
  });

  it("another shop's referral code, vanity code or coupon credits nobody", async () => {
    const shop = await createShop();
    const other = await createShop();
    const foreign = await createReferrer(other);
    const kol = await call('/v1/referrers', { key: other.sk, body: { vanityCode: 'foreign-kol-17' } });
    expect(kol.status).toBe(201);
    for (const [orderId, extra] of [
      ['FX-1', { referralCode: foreign.referrer.code }],
      ['FX-2', { referralCode: 'foreign-kol-17' }],
      ['FX-3', { couponCode: 'FOREIGN-KOL-17' }],
    ] as const) {
      const res = await browserReport(shop, order(orderId, extra));
      expect(res.status).toBe(201);
      const row = await conversionRow(shop, orderId);
      expect(row).toMatchObject({
        referrer_id: null,
        source: 'none',
        verified: 0,
        commission_minor: 0,
        commission_status: 'none',
      });
      expect(await ledgerOf({ conversionId: row!.id })).toEqual([]);
    }
    expect(
      await count(
        'SELECT count(*) AS n FROM ledger_entries WHERE referrer_id IN (?, ?)',
        foreign.referrer.id,
        kol.body.referrer.id as string,
      ),
    ).toBe(0);
  });

  it('an accepted browser report is held as unverified; long past any hold nothing is available and a payout is refused', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const res = await browserReport(shop, order('F-OK', { referralCode: referrer.code }));
    expect(res.status).toBe(201);
    const row = await conversionRow(shop, 'F-OK');
    expect(row).toMatchObject({
      referrer_id: referrer.id,
      verified: 0,
      amount_minor: 16800,
      commission_minor: 1680,
      commission_status: 'on_hold',
    });
    expect(JSON.parse(row!.explanation)).toMatchObject({
      hold: { reason: 'unverified' },
      verified: false,
      pricedFrom: 'catalogue',
    });
    expect(await entriesOf(row!.id)).toEqual([
      ['commission', 'on_hold', 1680, 'unverified', `commission:${row!.id}`, referrer.id],
    ]);
    // no ledger work is owed: nothing is pending, and with no expiry configured nothing expires
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE conversion_id = ?', row!.id)).toBe(0);

    const later = T0 + 400 * DAY;
    expect(await settle(later, shop.shopId)).toBe(0);
    expect(await balances(shop, referrer.id, later)).toEqual({ ...ZERO, onHold: 1680 });
    const before = await dbFingerprint();
    const paid = await payout(shop, referrer.id, later);
    expect(paid.status).toBe(422);
    expect(paid.body.error.code).toBe('insufficient_available');
    expect(await dbFingerprint()).toBe(before);
  });

  it('no sequence of publishable-key requests makes a commission payable or pays anyone', async () => {
    const shop = await createShop();
    const pk = (path: string, opts: { body?: unknown; token?: string; now: number; ip?: string; method?: string }) =>
      call(path, {
        key: shop.pk,
        origin: ORIGIN,
        body: opts.body,
        now: opts.now,
        method: opts.method,
        headers: {
          'CF-Connecting-IP': opts.ip ?? freshIp(),
          ...(opts.token ? { 'X-Referrer-Token': opts.token } : {}),
        },
      });
    let attributed = 0;
    for (let round = 0; round < 4; round++) {
      const now = T0 + round * 10 * DAY;
      expect((await pk('/v1/config', { now })).status).toBe(200);
      const created = await pk('/v1/referrers', {
        now,
        body: { displayName: `Sharer ${round}`, visitorId: `sharer-device-${round}` },
      });
      expect(created.status).toBe(201);
      const { referrer, token } = created.body as { referrer: { id: string; code: string }; token: string };
      expect((await pk('/v1/referrers/me/claim', { now, token, body: { email: `sharer${round}@example.hk` } })).status).toBe(200);
      expect((await pk('/v1/shares', { now, token, body: { channel: 'whatsapp', sku: 'oolong-250g' } })).status).toBe(201);
      const clicked = await pk('/v1/clicks', { now, body: { code: referrer.code, visitorId: `buyer-device-${round}` } });
      expect(clicked.status).toBe(201);
      const short = await call(`/r/${referrer.code}`, { now, headers: { 'CF-Connecting-IP': freshIp() } });
      expect(short.status).toBe(302);

      // the buyer's thank-you page reports orders every way it can attribute them
      const byClick = await browserReport(shop, order(`NS-${round}-a`, { clickId: clicked.body.clickId }), { now });
      const byCode = await browserReport(
        shop,
        order(`NS-${round}-b`, { referralCode: referrer.code, visitorId: `buyer-device-${round}` }),
        { now },
      );
      const byCoupon = await browserReport(shop, order(`NS-${round}-c`, { couponCode: referrer.code }), { now });
      for (const r of [byClick, byCode, byCoupon]) expect(r.status).toBe(201);
      attributed += 3;
      // the buyer becomes a referrer with the claim token, and reads their own stats
      const buyer = await pk('/v1/referrers', { now, body: { claimToken: byClick.body.buyerClaimToken } });
      expect(buyer.status).toBe(201);
      expect(buyer.body.referrer.verifiedBuyer).toBe(false);
      const me = await pk('/v1/referrers/me', { now, token });
      expect(me.status).toBe(200);
      expect(me.body.balances).toMatchObject({ pending: 0, available: 0, paid: 0 });

      // and the publishable key cannot reach anything that moves money
      const conversionId = byCode.body.conversion.id as string;
      for (const [method, path, body] of [
        ['POST', '/v1/conversions', order(`NS-${round}-b`, { referralCode: referrer.code })],
        ['POST', `/v1/referrers/holds/${conversionId}/release`, undefined],
        ['POST', '/v1/payouts', { referrerId: referrer.id }],
        ['POST', '/v1/refunds', { orderId: `NS-${round}-b`, refundId: 'r', amountMinor: 1 }],
        ['POST', `/v1/referrers/${referrer.id}/approve`, undefined],
        ['PUT', '/v1/program', { unverifiedExpiryDays: null }],
        ['GET', '/v1/balances', undefined],
      ] as const) {
        const res = await pk(path, { now, body, method });
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
    }

    expect(await settle(T0 + 400 * DAY, shop.shopId)).toBe(0);
    const { results: all } = await env.DB.prepare('SELECT type, bucket, amount_minor FROM ledger_entries WHERE shop_id = ?')
      .bind(shop.shopId)
      .all<{ type: string; bucket: string; amount_minor: number }>();
    expect(all).toHaveLength(attributed);
    for (const e of all) expect(e).toEqual({ type: 'commission', bucket: 'on_hold', amount_minor: 1680 });
    expect(sumBuckets(all)).toEqual({ ...ZERO, onHold: attributed * 1680 });
    const { results: referrers } = await env.DB.prepare('SELECT id FROM referrers WHERE shop_id = ?')
      .bind(shop.shopId)
      .all<{ id: string }>();
    expect(referrers).toHaveLength(8);
    for (const { id } of referrers) {
      const b = await balances(shop, id, T0 + 400 * DAY);
      expect({ id, pending: b.pending, available: b.available, paid: b.paid }).toEqual({ id, pending: 0, available: 0, paid: 0 });
      expect((await payout(shop, id, T0 + 400 * DAY)).status).toBe(422);
    }
    expect(await count('SELECT count(*) AS n FROM payouts WHERE shop_id = ?', shop.shopId)).toBe(0);
  });
});

describe("the browser's answer shows nothing of a recorded order", () => {
  it('created, then unchanged for a different report of the same order (nothing written), replayed for an identical one', async () => {
    const shop = await createShop();
    const first = await createReferrer(shop);
    const second = await createReferrer(shop);
    const body = order('BA-1', { referralCode: first.referrer.code });
    const created = await browserReport(shop, body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      conversion: { id: expect.stringMatching(/^conv_/), orderId: 'BA-1', verified: false, recorded: 'created' },
      buyerClaimToken: expect.stringMatching(/^bct_conv_/),
    });
    const id = created.body.conversion.id as string;
    const before = await dbFingerprint();

    // another browser claims the same order with other items, another amount and another referrer
    const other = await browserReport(
      shop,
      order('BA-1', {
        amountMinor: 18800,
        items: [{ sku: 'rose-mist', quantity: 1, unitPriceMinor: 18800 }],
        referralCode: second.referrer.code,
      }),
    );
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ conversion: { id, orderId: 'BA-1', verified: false, recorded: 'unchanged' } });
    expect(await dbFingerprint()).toBe(before);

    const again = await browserReport(shop, body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ ...created.body, conversion: { ...created.body.conversion, recorded: 'replayed' } });
    expect(await dbFingerprint()).toBe(before);
    expect(await entriesOf(id)).toEqual([['commission', 'on_hold', 1680, 'unverified', `commission:${id}`, first.referrer.id]]);
  });

  it("a browser report after the shop's server report changes nothing and answers unchanged, verified, without a claim token", async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const other = await createReferrer(shop);
    const server = await reportOrder(shop, order('AS-1', { referralCode: referrer.code }));
    expect(server.status).toBe(201);
    const before = await dbFingerprint();
    for (const body of [order('AS-1', { referralCode: referrer.code }), order('AS-1', { referralCode: other.referrer.code })]) {
      const res = await browserReport(shop, body, { now: T0 + DAY });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        conversion: { id: server.body.conversion.id, orderId: 'AS-1', verified: true, recorded: 'unchanged' },
      });
    }
    expect(await dbFingerprint()).toBe(before);
  });
});

describe("the shop's server report supersedes a browser report exactly once", () => {
  it("verified with the server's amount, customer and attribution: the first referrer's hold is voided and the second credited", async () => {
    const shop = await createShop();
    const first = await createReferrer(shop);
    const second = await createReferrer(shop);
    const browser = await browserReport(shop, order('SUP-1', { referralCode: first.referrer.code }));
    expect(browser.status).toBe(201);
    const id = browser.body.conversion.id as string;
    const clk = await clickId(shop, second.referrer.code, T0 + DAY);

    const now = T0 + 2 * DAY;
    const server = {
      orderId: 'SUP-1',
      amountMinor: 20000,
      currency: 'HKD',
      items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 20000 }],
      clickId: clk,
      customer: { ref: 'cust-sup-1' },
    };
    const res = await reportOrder(shop, server, { now });
    expect(res.status).toBe(201);
    expect(res.body.conversion).toMatchObject({
      id,
      orderId: 'SUP-1',
      verified: true,
      amountMinor: 20000,
      referrerId: second.referrer.id,
      clickId: clk,
      source: 'click',
      commissionMinor: 2000,
      commissionStatus: 'pending',
    });
    expect(res.body.conversion.explanation).toMatchObject({ verified: true, hold: { until: now + HOLD } });
    const row = await conversionRow(shop, 'SUP-1');
    expect(row).toMatchObject({ id, verified: 1, amount_minor: 20000, referrer_id: second.referrer.id, commission_minor: 2000 });
    expect(row!.customer_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);

    expect(await entriesOf(id)).toEqual([
      ['commission', 'on_hold', 1680, 'unverified', `commission:${id}`, first.referrer.id],
      ['void', 'on_hold', -1680, 'supersede', `supersede:${id}:on_hold`, first.referrer.id],
      ['commission', 'pending', 2000, null, `commission:${id}:verified`, second.referrer.id],
    ]);
    expect(await balances(shop, first.referrer.id, now)).toEqual(ZERO);
    expect(await balances(shop, second.referrer.id, now)).toEqual({ ...ZERO, pending: 2000 });
    for (const r of [first, second]) {
      expect(await balances(shop, r.referrer.id, now)).toEqual(sumBuckets(await ledgerOf({ referrerId: r.referrer.id })));
    }
    expect(await outboxOf(shop.shopId, 'conversion.verified')).toEqual([
      {
        dedupeKey: `conversion.verified:${id}`,
        payload: {
          conversionId: id,
          orderId: 'SUP-1',
          referrerId: second.referrer.id,
          previousReferrerId: first.referrer.id,
          amountMinor: 20000,
          currency: 'HKD',
          commissionMinor: 2000,
          commissionStatus: 'pending',
        },
      },
    ]);
    expect(await count('SELECT orders_minor AS n FROM shop_totals WHERE shop_id = ?', shop.shopId)).toBe(20000);

    // the server's commission waits out the hold from the server report, then is released once
    expect(await settle(now + HOLD - 1, shop.shopId)).toBe(0);
    expect(await settle(now + HOLD, shop.shopId)).toBe(1);
    expect(await balances(shop, second.referrer.id, now + HOLD)).toEqual({ ...ZERO, available: 2000 });
    expect(await balances(shop, first.referrer.id, now + HOLD)).toEqual(ZERO);

    // the same server report again replays; a different one is a conflict and writes nothing
    const again = await reportOrder(shop, server, { now: now + HOLD });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(res.body);
    const before = await dbFingerprint();
    const conflict = await reportOrder(shop, { ...server, amountMinor: 20001 }, { now: now + HOLD });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('order_conflict');
    expect(await dbFingerprint()).toBe(before);
  });

  it('50 concurrent server reports and 50 concurrent browser reports of one order upgrade it exactly once', async () => {
    const shop = await createShop();
    const first = await createReferrer(shop);
    const second = await createReferrer(shop);
    const browser = await browserReport(shop, order('CC-1', { referralCode: first.referrer.code }));
    expect(browser.status).toBe(201);
    const id = browser.body.conversion.id as string;
    const clk = await clickId(shop, second.referrer.code, T0 + DAY);
    const server = {
      orderId: 'CC-1',
      amountMinor: 20000,
      currency: 'HKD',
      clickId: clk,
      customer: { email: 'buyer@example.hk' },
    };

    const now = T0 + 2 * DAY;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0
          ? reportOrder(shop, server, { now })
          : // every browser report differs from the first one (another amount), so none is a replay
            browserReport(shop, order('CC-1', { amountMinor: 16000 + i, referralCode: first.referrer.code }), { now }),
      ),
    );
    const servers = results.filter((_, i) => i % 2 === 0);
    const browsers = results.filter((_, i) => i % 2 === 1);
    expect(servers.map((r) => r.status)).toEqual(Array(50).fill(201));
    const body = JSON.stringify(servers[0]!.body);
    for (const r of servers) expect(JSON.stringify(r.body)).toBe(body);
    expect(servers[0]!.body.conversion).toMatchObject({
      id,
      verified: true,
      referrerId: second.referrer.id,
      commissionMinor: 2000,
    });
    for (const r of browsers) {
      expect(r.status).toBe(200);
      expect(r.body.conversion).toMatchObject({ id, orderId: 'CC-1', recorded: 'unchanged' });
      expect(r.body.buyerClaimToken).toBeUndefined();
    }

    expect(await entriesOf(id)).toEqual([
      ['commission', 'on_hold', 1680, 'unverified', `commission:${id}`, first.referrer.id],
      ['void', 'on_hold', -1680, 'supersede', `supersede:${id}:on_hold`, first.referrer.id],
      ['commission', 'pending', 2000, null, `commission:${id}:verified`, second.referrer.id],
    ]);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ? AND verified = 1', shop.shopId)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect(await outboxOf(shop.shopId, 'conversion.verified')).toHaveLength(1);
    // the increase of the order (16800 → 20000) was added to the shop's total once
    expect(await count('SELECT orders_minor AS n FROM shop_totals WHERE shop_id = ?', shop.shopId)).toBe(20000);
    expect(await balances(shop, first.referrer.id, now)).toEqual(ZERO);
    expect(await balances(shop, second.referrer.id, now)).toEqual({ ...ZERO, pending: 2000 });
  });

  it('the shop approves a browser report: pending, released after the hold; a later server report still supersedes it once', async () => {
    const shop = await createShop();
    const first = await createReferrer(shop);
    const second = await createReferrer(shop);
    const a = await browserReport(shop, order('AP-1', { referralCode: first.referrer.code }));
    const id = a.body.conversion.id as string;

    const approved = await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: T0 + DAY });
    expect(approved.status).toBe(200);
    expect(approved.body.balances).toEqual({ currency: 'HKD', ...ZERO, pending: 1680 });
    // a second approval finds nothing on hold
    expect((await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: T0 + DAY })).status).toBe(409);

    // the server report arrives during the approved hold, attributing the order to someone else
    const clk = await clickId(shop, second.referrer.code, T0 + DAY);
    const now = T0 + 2 * DAY;
    const server = await reportOrder(shop, { orderId: 'AP-1', amountMinor: 20000, currency: 'HKD', clickId: clk }, { now });
    expect(server.status).toBe(201);
    expect(server.body.conversion).toMatchObject({ verified: true, referrerId: second.referrer.id, commissionMinor: 2000 });
    expect(await entriesOf(id)).toEqual([
      ['commission', 'on_hold', 1680, 'unverified', `commission:${id}`, first.referrer.id],
      [
        'approve',
        'on_hold',
        -1680,
        'approved',
        expect.stringMatching(new RegExp(`^approve:${id}:\\d+:on_hold$`)),
        first.referrer.id,
      ],
      [
        'approve',
        'pending',
        1680,
        'approved',
        expect.stringMatching(new RegExp(`^approve:${id}:\\d+:pending$`)),
        first.referrer.id,
      ],
      ['void', 'pending', -1680, 'supersede', `supersede:${id}:pending`, first.referrer.id],
      ['commission', 'pending', 2000, null, `commission:${id}:verified`, second.referrer.id],
    ]);
    // the approval's hold end (T0 + 31 d) releases nothing; the server commission's (T0 + 32 d) does, once
    expect(await settle(T0 + DAY + HOLD, shop.shopId)).toBe(0);
    expect(await settle(now + HOLD, shop.shopId)).toBe(1);
    expect(await settle(now + HOLD, shop.shopId)).toBe(0);
    expect(await balances(shop, first.referrer.id, now + HOLD)).toEqual(ZERO);
    expect(await balances(shop, second.referrer.id, now + HOLD)).toEqual({ ...ZERO, available: 2000 });
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE conversion_id = ?', id)).toBe(0);
  });

  it('an approved browser report released and paid out, then superseded: clawed back once and recredited from the server numbers', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const a = await browserReport(shop, order('AP-2', { referralCode: referrer.code }));
    const id = a.body.conversion.id as string;
    expect((await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: T0 + DAY })).status).toBe(200);
    expect(await settle(T0 + DAY + HOLD - 1, shop.shopId)).toBe(0);
    expect(await settle(T0 + DAY + HOLD, shop.shopId)).toBe(1);
    const paid = await payout(shop, referrer.id, T0 + DAY + HOLD);
    expect(paid.status).toBe(201);
    expect(paid.body.payout.amountMinor).toBe(1680);

    const now = T0 + 40 * DAY;
    const server = { orderId: 'AP-2', amountMinor: 20000, currency: 'HKD', referralCode: referrer.code };
    const res = await reportOrder(shop, server, { now });
    expect(res.status).toBe(201);
    expect(res.body.conversion).toMatchObject({ verified: true, referrerId: referrer.id, commissionMinor: 2000 });
    expect((await reportOrder(shop, server, { now })).body).toEqual(res.body);
    expect((await entriesOf(id)).slice(-2)).toEqual([
      ['clawback', 'available', -1680, 'supersede', `supersede:${id}:clawback`, referrer.id],
      ['commission', 'pending', 2000, null, `commission:${id}:verified`, referrer.id],
    ]);
    // what was paid for the browser's numbers is netted: the referrer ends with exactly the server's commission
    expect(await balances(shop, referrer.id, now)).toEqual({ onHold: 0, pending: 2000, available: -1680, paid: 1680 });
    expect(await settle(now + HOLD, shop.shopId)).toBe(1);
    const second = await payout(shop, referrer.id, now + HOLD);
    expect(second.status).toBe(201);
    expect(second.body.payout.amountMinor).toBe(320);
    expect(await balances(shop, referrer.id, now + HOLD)).toEqual({ ...ZERO, paid: 2000 });
    expect(sumBuckets(await ledgerOf({ referrerId: referrer.id }))).toEqual({ ...ZERO, paid: 2000 });
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE conversion_id = ?', id)).toBe(0);
    expect(await outboxOf(shop.shopId, 'commission.available')).toHaveLength(2);
  });

  it('an approved browser report superseded by a server report that is held again (self-referral) can be approved again, once', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop, { email: 'mei@example.hk' });
    const a = await browserReport(shop, order('AP-3', { referralCode: referrer.code }));
    const id = a.body.conversion.id as string;
    expect((await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: T0 + DAY })).status).toBe(200);

    const now = T0 + 2 * DAY;
    const server = await reportOrder(
      shop,
      {
        orderId: 'AP-3',
        amountMinor: 20000,
        currency: 'HKD',
        referralCode: referrer.code,
        customer: { email: 'MEI@example.hk' },
      },
      { now },
    );
    expect(server.status).toBe(201);
    expect(server.body.conversion).toMatchObject({ verified: true, commissionMinor: 2000, commissionStatus: 'on_hold' });
    expect(server.body.conversion.explanation.hold).toEqual({ reason: 'self_referral:email' });
    expect(await balances(shop, referrer.id, now)).toEqual({ ...ZERO, onHold: 2000 });

    const approved = await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: now + DAY });
    expect(approved.status).toBe(200);
    expect(approved.body.balances).toEqual({ currency: 'HKD', ...ZERO, pending: 2000 });
    expect((await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: now + DAY })).status).toBe(409);
    expect(await settle(now + DAY + HOLD - 1, shop.shopId)).toBe(0);
    expect(await settle(now + DAY + HOLD, shop.shopId)).toBe(1);
    expect(await balances(shop, referrer.id, now + DAY + HOLD)).toEqual({ ...ZERO, available: 2000 });
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE conversion_id = ?', id)).toBe(0);
  });

  it('a server report of an order partly refunded against the browser numbers credits the proportionally reduced commission', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const a = await browserReport(shop, order('DEMO-1', { referralCode: referrer.code }));
    const id = a.body.conversion.id as string;
    // half of the browser's 16800 refunded: 1680 × 8400 / 16800 = 840 of the held commission voided
    const r1 = await refund(shop, 'DEMO-1', 'rf-demo-1', 8400, T0 + DAY);
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ reversedCommissionMinor: 840, balances: { onHold: 840, pending: 0 } });

    // the shop's server says the order was 20000: commission 2000, of which 2000 × 8400 / 20000 = 840 was refunded
    const now = T0 + 2 * DAY;
    const res = await reportOrder(
      shop,
      { orderId: 'DEMO-1', amountMinor: 20000, currency: 'HKD', referralCode: referrer.code },
      { now },
    );
    expect(res.status).toBe(201);
    expect(res.body.conversion).toMatchObject({ verified: true, amountMinor: 20000, commissionMinor: 2000 });
    expect(await outboxOf(shop.shopId, 'conversion.verified')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ commissionMinor: 1160 }) }),
    ]);
    expect(await entriesOf(id)).toEqual([
      ['commission', 'on_hold', 1680, 'unverified', `commission:${id}`, referrer.id],
      ['void', 'on_hold', -840, 'refund', expect.stringMatching(/^refund:rf_[A-Za-z0-9]+:on_hold$/), referrer.id],
      ['void', 'on_hold', -840, 'supersede', `supersede:${id}:on_hold`, referrer.id],
      ['commission', 'pending', 1160, null, `commission:${id}:verified`, referrer.id],
    ]);
    expect(await balances(shop, referrer.id, now)).toEqual({ ...ZERO, pending: 1160 });
    expect(await count('SELECT orders_minor AS n FROM shop_totals WHERE shop_id = ?', shop.shopId)).toBe(20000);

    // refunding the rest of the server's amount voids exactly what is left
    const r2 = await refund(shop, 'DEMO-1', 'rf-demo-2', 20000 - 8400, now + DAY);
    expect(r2.status).toBe(201);
    expect(r2.body).toMatchObject({ refundedMinor: 20000, reversedCommissionMinor: 1160 });
    expect(await balances(shop, referrer.id, now + DAY)).toEqual(ZERO);
    expect(await settle(now + HOLD, shop.shopId)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE conversion_id = ?', id)).toBe(0);
  });
});

describe('unconfirmed browser reports expire (unverifiedExpiryDays)', () => {
  it('voids the held commission of an unconfirmed report at the expiry, not before; a confirmed or approved one is kept', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const program = await call('/v1/program', { method: 'PUT', key: shop.sk, body: { unverifiedExpiryDays: 7 }, now: T0 });
    expect(program.status).toBe(200);
    expect(program.body.program.unverifiedExpiryDays).toBe(7);

    const ids: Record<string, string> = {};
    for (const orderId of ['EXP-U', 'EXP-C', 'EXP-A']) {
      const res = await browserReport(shop, order(orderId, { referralCode: referrer.code }));
      expect(res.status).toBe(201);
      ids[orderId] = res.body.conversion.id;
    }
    const row = await conversionRow(shop, 'EXP-U');
    expect(JSON.parse(row!.explanation).hold).toEqual({ reason: 'unverified', expiresAt: T0 + 7 * DAY, unverifiedExpiryDays: 7 });
    expect(await count("SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ? AND action = 'expire'", shop.shopId)).toBe(3);

    // EXP-C is confirmed by the shop's server, EXP-A approved by the shop
    expect((await reportOrder(shop, order('EXP-C', { referralCode: referrer.code }), { now: T0 + 3 * DAY })).status).toBe(201);
    expect(
      (await call(`/v1/referrers/holds/${ids['EXP-A']}/release`, { method: 'POST', key: shop.sk, now: T0 + 3 * DAY })).status,
    ).toBe(200);
    expect(await count("SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ? AND action = 'expire'", shop.shopId)).toBe(1);

    expect(await settleDue(env.DB, T0 + 7 * DAY - 1, { shopId: shop.shopId })).toMatchObject({ expired: 0, released: 0 });
    expect(await entriesOf(ids['EXP-U']!)).toHaveLength(1);
    expect(await outboxOf(shop.shopId, 'commission.reversed')).toEqual([]);

    expect(await settleDue(env.DB, T0 + 7 * DAY, { shopId: shop.shopId })).toMatchObject({ expired: 1, released: 0 });
    expect(await entriesOf(ids['EXP-U']!)).toEqual([
      ['commission', 'on_hold', 1680, 'unverified', `commission:${ids['EXP-U']}`, referrer.id],
      ['void', 'on_hold', -1680, 'expire', `expire:${ids['EXP-U']}:on_hold`, referrer.id],
    ]);
    expect(await outboxOf(shop.shopId, 'commission.reversed')).toEqual([
      {
        dedupeKey: `commission.reversed:expire:${ids['EXP-U']}`,
        payload: {
          conversionId: ids['EXP-U'],
          referrerId: referrer.id,
          amountMinor: 1680,
          currency: 'HKD',
          reason: 'unverified_expired',
        },
      },
    ]);
    expect(await settleDue(env.DB, T0 + 8 * DAY, { shopId: shop.shopId })).toMatchObject({ expired: 0, released: 0 });
    expect(await count("SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ? AND action = 'expire'", shop.shopId)).toBe(0);

    // the confirmed and the approved orders keep their commission and are released after their hold
    expect(sumBuckets(await ledgerOf({ conversionId: ids['EXP-C']! }))).toEqual({ ...ZERO, pending: 1680 });
    expect(sumBuckets(await ledgerOf({ conversionId: ids['EXP-A']! }))).toEqual({ ...ZERO, pending: 1680 });
    expect(await settle(T0 + 3 * DAY + HOLD, shop.shopId)).toBe(2);
    expect(await balances(shop, referrer.id, T0 + 3 * DAY + HOLD)).toEqual({ ...ZERO, available: 3360 });
  });
});

describe('browser reports are rate-limited per client (guarantee 14)', () => {
  it('a flood from one client records exactly 20; the rest are 429 with Retry-After; another client is still accepted', async () => {
    const shop = await createShop();
    const ip = '198.51.100.170';
    const results = await Promise.all(
      Array.from({ length: 45 }, (_, i) => browserReport(shop, order(`RL-${i}`), { ip, now: T0 + i })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(20);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(25);
    for (const r of refused) expectRateLimited(r);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(20);

    expect((await browserReport(shop, order('RL-other'), { ip: '198.51.100.171', now: T0 + 100 })).status).toBe(201);
    expectRateLimited(await browserReport(shop, order('RL-late'), { ip, now: T0 + 59_999 }));
    // a sliding minute: the first report leaves the window at T0 + 60 s
    expect((await browserReport(shop, order('RL-next'), { ip, now: T0 + 60_000 })).status).toBe(201);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(22);
  });
});
