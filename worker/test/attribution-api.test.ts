/**
 * Attribution through the API (issue §4, guarantees 13/14): expired clicks earn nothing and say
 * so; a click beats a code and a coupon; a coupon equal to a vanity code attributes; the model
 * (last / first click) and every program or catalogue change apply to the next order; each
 * conversion stores the explanation it returns.
 */
import { describe, expect, it } from 'vitest';
import { call, createReferrer, createShop, DAY, type TestShop } from './helpers';
import { T0, clickId, ledgerOf, reportOrder } from './fixtures';

const WINDOW = 30 * DAY;

async function kol(shop: TestShop, vanityCode: string, extra: Record<string, unknown> = {}) {
  const res = await call('/v1/referrers', { key: shop.sk, body: { vanityCode, ...extra } });
  expect(res.status).toBe(201);
  return res.body.referrer as { id: string; code: string; status: string };
}

describe('attribution windows', () => {
  it('a click older than the window earns nothing, with reason click_expired and no ledger entry', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code, T0);
    const res = await reportOrder(
      shop,
      { orderId: 'EXP-1', amountMinor: 16800, currency: 'HKD', clickId: clk },
      { now: T0 + WINDOW + 1 },
    );
    expect(res.status).toBe(201);
    expect(res.body.conversion).toMatchObject({
      source: 'none',
      referrerId: null,
      clickId: null,
      commissionMinor: 0,
      commissionStatus: 'none',
    });
    expect(res.body.conversion.explanation.attribution).toMatchObject({ reason: 'click_expired', notes: ['click_expired'] });
    expect(res.body.conversion.explanation.commission).toBeNull();
    expect(await ledgerOf({ conversionId: res.body.conversion.id })).toEqual([]);
  });

  it('the window is inclusive: an order exactly windowDays after the click is credited', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code, T0);
    const res = await reportOrder(
      shop,
      { orderId: 'EXP-EDGE', amountMinor: 16800, currency: 'HKD', clickId: clk },
      { now: T0 + WINDOW },
    );
    expect(res.body.conversion).toMatchObject({ source: 'click', clickId: clk, commissionMinor: 1680 });
    expect(res.body.conversion.explanation.attribution.windowEndsAt).toBe(T0 + WINDOW);
  });

  it('the window runs from occurredAt when given (not from when it was reported), and a future occurredAt is clamped to now', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code, T0);
    const late = await reportOrder(
      shop,
      { orderId: 'OCC-1', amountMinor: 16800, currency: 'HKD', clickId: clk, occurredAt: T0 + 10 * DAY },
      { now: T0 + 40 * DAY },
    );
    expect(late.body.conversion.source).toBe('click');
    const future = await reportOrder(
      shop,
      { orderId: 'OCC-2', amountMinor: 16800, currency: 'HKD', clickId: clk, occurredAt: T0 + 365 * DAY },
      { now: T0 + 31 * DAY },
    );
    expect(future.body.conversion.explanation.attribution.reason).toBe('click_expired');
  });

  it('an expired click falls through to the referral code, and the explanation lists both', async () => {
    const shop = await createShop();
    const a = await createReferrer(shop);
    const b = await createReferrer(shop);
    const clk = await clickId(shop, a.referrer.code, T0);
    const res = await reportOrder(
      shop,
      { orderId: 'EXP-2', amountMinor: 16800, currency: 'HKD', clickId: clk, referralCode: b.referrer.code },
      { now: T0 + 45 * DAY },
    );
    expect(res.body.conversion).toMatchObject({ source: 'code', referrerId: b.referrer.id, commissionMinor: 1680 });
    expect(res.body.conversion.explanation.attribution.notes).toEqual(['click_expired', 'referral_code']);
  });

  it('an unknown click id is noted as click_unknown', async () => {
    const shop = await createShop();
    const res = await reportOrder(shop, {
      orderId: 'UNK-1',
      amountMinor: 16800,
      currency: 'HKD',
      clickId: 'clk_doesnotexist000000',
    });
    expect(res.body.conversion.explanation.attribution).toMatchObject({ source: 'none', reason: 'click_unknown' });
  });
});

describe('sources: click, then code, then coupon', () => {
  it('a click beats a coupon and a referral code of other referrers', async () => {
    const shop = await createShop();
    const clicker = await createReferrer(shop);
    const coupon = await kol(shop, 'coupon-kol');
    const coder = await createReferrer(shop);
    const clk = await clickId(shop, clicker.referrer.code, T0 - DAY);
    const res = await reportOrder(shop, {
      orderId: 'SRC-1',
      amountMinor: 16800,
      currency: 'HKD',
      clickId: clk,
      couponCode: 'coupon-kol',
      referralCode: coder.referrer.code,
    });
    expect(res.body.conversion).toMatchObject({ source: 'click', referrerId: clicker.referrer.id, clickId: clk });
    expect(res.body.conversion.explanation.attribution.reason).toBe('click_in_window');
    expect(coupon.id).not.toBe(clicker.referrer.id);
  });

  it('a coupon equal to a vanity code (in any case) or to a referral code attributes with source coupon', async () => {
    const shop = await createShop();
    const maggie = await kol(shop, 'maggie');
    const a = await reportOrder(shop, { orderId: 'CPN-1', amountMinor: 16800, currency: 'HKD', couponCode: 'maggie' });
    expect(a.body.conversion).toMatchObject({ source: 'coupon', referrerId: maggie.id, commissionMinor: 1680 });
    expect(a.body.conversion.explanation.attribution).toMatchObject({ reason: 'coupon_code', clickId: null, windowEndsAt: null });
    const b = await reportOrder(shop, { orderId: 'CPN-2', amountMinor: 16800, currency: 'HKD', couponCode: 'MAGGIE' });
    expect(b.body.conversion).toMatchObject({ source: 'coupon', referrerId: maggie.id });
    const c = await reportOrder(shop, { orderId: 'CPN-3', amountMinor: 16800, currency: 'HKD', couponCode: maggie.code });
    expect(c.body.conversion).toMatchObject({ source: 'coupon', referrerId: maggie.id });
    const none = await reportOrder(shop, { orderId: 'CPN-4', amountMinor: 16800, currency: 'HKD', couponCode: 'SUMMER10' });
    expect(none.body.conversion).toMatchObject({ source: 'none', referrerId: null });
  });

  it("a blocked referrer's click earns nothing (referrer_blocked) and a coupon of another referrer takes over", async () => {
    const shop = await createShop();
    const blocked = await createReferrer(shop);
    const other = await kol(shop, 'other-kol');
    const clk = await clickId(shop, blocked.referrer.code, T0 - DAY);
    expect((await call(`/v1/referrers/${blocked.referrer.id}/block`, { method: 'POST', key: shop.sk })).status).toBe(200);
    const alone = await reportOrder(shop, { orderId: 'BLK-1', amountMinor: 16800, currency: 'HKD', clickId: clk });
    expect(alone.body.conversion).toMatchObject({ source: 'none', commissionMinor: 0 });
    expect(alone.body.conversion.explanation.attribution.reason).toBe('referrer_blocked');
    const withCoupon = await reportOrder(shop, {
      orderId: 'BLK-2',
      amountMinor: 16800,
      currency: 'HKD',
      clickId: clk,
      couponCode: 'other-kol',
    });
    expect(withCoupon.body.conversion).toMatchObject({ source: 'coupon', referrerId: other.id });
  });

  it('a pending referrer (shop approves referrers) is credited on hold with reason referrer_pending', async () => {
    const shop = await createShop({ referrerApproval: true });
    const { referrer } = await createReferrer(shop);
    expect(referrer).toMatchObject({ status: 'pending' });
    const res = await reportOrder(shop, { orderId: 'PEN-1', amountMinor: 16800, currency: 'HKD', referralCode: referrer.code });
    expect(res.body.conversion).toMatchObject({ commissionStatus: 'on_hold', commissionMinor: 1680 });
    expect(res.body.conversion.explanation.hold).toEqual({ reason: 'referrer_pending' });
    expect((await ledgerOf({ conversionId: res.body.conversion.id }))[0]).toMatchObject({
      bucket: 'on_hold',
      reason: 'referrer_pending',
    });
  });
});

describe('models and program changes', () => {
  it('last click by default, first click after PUT /v1/program {model: first_click}', async () => {
    const shop = await createShop();
    const early = await createReferrer(shop);
    const late = await createReferrer(shop);
    const visitorId = 'visitor-model-1';
    await clickId(shop, early.referrer.code, T0 - 3 * DAY, { visitorId, ip: '192.0.2.31' });
    const lastClick = await clickId(shop, late.referrer.code, T0 - DAY, { visitorId, ip: '192.0.2.32' });

    const byLast = await reportOrder(shop, { orderId: 'MOD-1', amountMinor: 16800, currency: 'HKD', visitorId });
    expect(byLast.body.conversion).toMatchObject({ source: 'click', referrerId: late.referrer.id, clickId: lastClick });

    const changed = await call('/v1/program', { method: 'PUT', key: shop.sk, body: { model: 'first_click' } });
    expect(changed.body.program.model).toBe('first_click');
    const byFirst = await reportOrder(shop, { orderId: 'MOD-2', amountMinor: 16800, currency: 'HKD', visitorId });
    expect(byFirst.body.conversion).toMatchObject({ source: 'click', referrerId: early.referrer.id });
    expect(byFirst.body.conversion.explanation.program.model).toBe('first_click');
    // with the last click's id reported, first-click still credits the visitor's first click
    const reported = await reportOrder(shop, { orderId: 'MOD-3', amountMinor: 16800, currency: 'HKD', clickId: lastClick });
    expect(reported.body.conversion.referrerId).toBe(early.referrer.id);
  });

  it('a new rate and a new product override apply to the very next order', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const order = (orderId: string) =>
      reportOrder(shop, {
        orderId,
        amountMinor: 16800,
        currency: 'HKD',
        referralCode: referrer.code,
        items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
      });
    expect((await order('CHG-1')).body.conversion.commissionMinor).toBe(1680);

    expect((await call('/v1/program', { method: 'PUT', key: shop.sk, body: { rateBps: 500 } })).status).toBe(200);
    expect((await order('CHG-2')).body.conversion.commissionMinor).toBe(840);

    const product = await call('/v1/products/oolong-250g', {
      method: 'PUT',
      key: shop.sk,
      body: { name: 'Oolong tea 250 g', priceMinor: 16800, override: { kind: 'flat', value: 2500 } },
    });
    expect(product.body.product).toMatchObject({ override: { kind: 'flat', value: 2500 }, earnMinor: 2500 });
    const withOverride = await order('CHG-3');
    expect(withOverride.body.conversion.commissionMinor).toBe(2500);
    expect(withOverride.body.conversion.explanation.commission.lines[0]).toMatchObject({
      source: 'product_override',
      rule: 'flat',
      flatMinor: 2500,
    });
  });
});

describe('explanations', () => {
  it('each conversion stores the explanation it returns: the click, the rule and the amounts', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code, T0 - 2 * DAY);
    const res = await reportOrder(shop, {
      orderId: 'WHY-1',
      amountMinor: 35600,
      currency: 'HKD',
      clickId: clk,
      items: [
        { sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 },
        { sku: 'rose-mist', quantity: 1, unitPriceMinor: 18800 },
      ],
    });
    const explanation = res.body.conversion.explanation;
    expect(explanation).toMatchObject({
      attribution: {
        source: 'click',
        referrerId: referrer.id,
        clickId: clk,
        reason: 'click_in_window',
        windowEndsAt: T0 - 2 * DAY + WINDOW,
      },
      commission: {
        commissionMinor: 1680 + 2820,
        uncappedMinor: 4500,
        capped: false,
        baseMinor: 35600,
        lines: [
          {
            sku: 'oolong-250g',
            baseMinor: 16800,
            rule: 'percent',
            source: 'program',
            rateBps: 1000,
            flatMinor: null,
            commissionMinor: 1680,
          },
          {
            sku: 'rose-mist',
            baseMinor: 18800,
            rule: 'percent',
            source: 'product_override',
            rateBps: 1500,
            flatMinor: null,
            commissionMinor: 2820,
          },
        ],
      },
      selfReferral: { self: false, reason: null },
      hold: { until: T0 + WINDOW, holdDays: 30 },
      program: { kind: 'percent', rateBps: 1000, capMinor: 20000, holdDays: 30, windowDays: 30, model: 'last_click' },
      reportedAmountMinor: 35600,
      verified: true,
    });
    const stored = await call(`/v1/conversions/${res.body.conversion.id}`, { key: shop.sk });
    expect(stored.body.conversion).toEqual(res.body.conversion);
    const listed = await call('/v1/conversions', { key: shop.sk });
    expect(listed.body.data.find((c: { id: string }) => c.id === res.body.conversion.id).explanation).toEqual(explanation);
  });

  it('the cap is explained: what the lines add up to and what was paid', async () => {
    const shop = await createShop({ program: { kind: 'percent', rateBps: 1000, capMinor: 1000 } });
    const { referrer } = await createReferrer(shop);
    const res = await reportOrder(shop, { orderId: 'CAP-1', amountMinor: 16800, currency: 'HKD', referralCode: referrer.code });
    expect(res.body.conversion.commissionMinor).toBe(1000);
    expect(res.body.conversion.explanation.commission).toMatchObject({
      commissionMinor: 1000,
      uncappedMinor: 1680,
      capped: true,
    });
  });
});
