/**
 * Guarantee 14, second half: self-referral (the referrer's own browser token, email, phone or
 * customer id) earns nothing automatically and is flagged, never silently dropped: the commission
 * is recorded `on_hold` with the reason `self_referral:<reason>` in the conversion, its stored
 * explanation and the ledger, until the shop releases it.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, createReferrer, createShop, DAY, ORIGIN, type TestShop } from './helpers';
import { T0, ledgerOf, reportOrder, settle } from './fixtures';

async function secretReferrer(shop: TestShop, body: Record<string, unknown>) {
  const res = await call('/v1/referrers', { key: shop.sk, body });
  expect(res.status).toBe(201);
  return res.body as { referrer: { id: string; code: string }; token: string };
}

function expectHeld(conversion: Record<string, any>, reason: string, commissionMinor: number) {
  expect(conversion.commissionStatus).toBe('on_hold');
  expect(conversion.commissionMinor).toBe(commissionMinor);
  expect(conversion.explanation.selfReferral).toEqual({ self: true, reason });
  expect(conversion.explanation.hold).toEqual({ reason: `self_referral:${reason}` });
}

describe('self-referral is held and flagged, never dropped (guarantee 14)', () => {
  it("the buyer's own referrer token (same browser) → on_hold self_referral:token", async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const res = await reportOrder(shop, {
      orderId: 'SR-T',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { referrerToken: token },
    });
    expect(res.status).toBe(201);
    expectHeld(res.body.conversion, 'token', 1680);
    const entries = await ledgerOf({ conversionId: res.body.conversion.id });
    expect(entries).toEqual([
      expect.objectContaining({ type: 'commission', bucket: 'on_hold', amount_minor: 1680, reason: 'self_referral:token' }),
    ]);
    // the referrer sees it as held, not as gone
    const me = await call('/v1/referrers/me', { key: shop.pk, origin: ORIGIN, headers: { 'X-Referrer-Token': token } });
    expect(me.body.balances).toMatchObject({ onHold: 1680, pending: 0, available: 0 });
    expect(me.body.recentConversions[0]).toMatchObject({ commissionMinor: 1680, commissionStatus: 'on_hold' });
    // and the stored explanation is the one returned
    const stored = await call(`/v1/conversions/${res.body.conversion.id}`, { key: shop.sk });
    expect(stored.body.conversion.explanation).toEqual(res.body.conversion.explanation);
  });

  it('the same e-mail, after normalization (case, Gmail dots and +tags) → email', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop, { email: 'Mei.Chan+share@gmail.com' });
    const res = await reportOrder(shop, {
      orderId: 'SR-E',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { email: 'MEICHAN@googlemail.com' },
    });
    expectHeld(res.body.conversion, 'email', 1680);
  });

  it('the same customer id or phone number, set by the shop with its secret key → customer / phone', async () => {
    const shop = await createShop();
    const byRef = await secretReferrer(shop, { customerRef: 'cust-42', vanityCode: 'kol-ref-42' });
    const a = await reportOrder(shop, {
      orderId: 'SR-C',
      amountMinor: 16800,
      currency: 'HKD',
      couponCode: 'kol-ref-42',
      customer: { ref: 'cust-42' },
    });
    expectHeld(a.body.conversion, 'customer', 1680);
    expect(a.body.conversion.referrerId).toBe(byRef.referrer.id);

    const byPhone = await secretReferrer(shop, { phone: '+852 9123 4567' });
    const b = await reportOrder(shop, {
      orderId: 'SR-P',
      amountMinor: 9800,
      currency: 'HKD',
      referralCode: byPhone.referrer.code,
      customer: { phone: '+85291234567' },
    });
    expectHeld(b.body.conversion, 'phone', 980);
  });

  it('a different buyer is not flagged: the commission is pending', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop, { email: 'mei@example.hk' });
    const res = await reportOrder(shop, {
      orderId: 'SR-N',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { email: 'friend@example.hk', ref: 'cust-9' },
    });
    expect(res.body.conversion).toMatchObject({ commissionStatus: 'pending', commissionMinor: 1680 });
    expect(res.body.conversion.explanation.selfReferral).toEqual({ self: false, reason: null });
  });

  it('a buyer who became a verified-buyer referrer (claim token) and buys again with the same customer id is held', async () => {
    const shop = await createShop();
    const first = await reportOrder(shop, { orderId: 'VB-1', amountMinor: 9800, currency: 'HKD', customer: { ref: 'cust-77' } });
    expect(first.status).toBe(201);
    const becomes = await call('/v1/referrers', {
      key: shop.pk,
      origin: ORIGIN,
      body: { claimToken: first.body.buyerClaimToken },
    });
    expect(becomes.status).toBe(201);
    expect(becomes.body.referrer.verifiedBuyer).toBe(true);
    const again = await reportOrder(shop, {
      orderId: 'VB-2',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: becomes.body.referrer.code,
      customer: { ref: 'cust-77' },
    });
    expectHeld(again.body.conversion, 'customer', 1680);
    // a friend with another customer id earns the referrer a normal commission
    const friend = await reportOrder(shop, {
      orderId: 'VB-3',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: becomes.body.referrer.code,
      customer: { ref: 'cust-78' },
    });
    expect(friend.body.conversion.commissionStatus).toBe('pending');
  });

  it('an e-mail claimed after the referrer already earned is used for the next order at once', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const earlier = await reportOrder(shop, {
      orderId: 'CL-1',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { email: 'friend@example.hk' },
    });
    expect(earlier.body.conversion.commissionStatus).toBe('pending');
    const claimed = await call('/v1/referrers/me/claim', {
      key: shop.pk,
      origin: ORIGIN,
      headers: { 'X-Referrer-Token': token },
      body: { email: 'kiki@example.hk' },
      now: T0,
    });
    expect(claimed.status).toBe(200);
    const own = await reportOrder(shop, {
      orderId: 'CL-2',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { email: 'Kiki@Example.hk' },
    });
    expectHeld(own.body.conversion, 'email', 1680);
  });
});

describe('releasing a held commission', () => {
  it('POST /v1/referrers/holds/{id}/release moves it into the normal hold period, once', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const held = await reportOrder(shop, {
      orderId: 'HR-1',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { referrerToken: token },
    });
    const id = held.body.conversion.id;

    const released = await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: T0 + DAY });
    expect(released.status).toBe(200);
    expect(released.body).toEqual({
      conversionId: id,
      balances: { currency: 'HKD', onHold: 0, pending: 1680, available: 0, paid: 0 },
    });
    const again = await call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: T0 + DAY });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('nothing_on_hold');

    // the shop's 30-day hold runs from the approval
    expect(await settle(T0 + 31 * DAY - 1, shop.shopId)).toBe(0);
    expect(await settle(T0 + 31 * DAY, shop.shopId)).toBe(1);
    const entries = await ledgerOf({ conversionId: id });
    expect(entries.map((e) => [e.type, e.bucket, e.amount_minor])).toEqual([
      ['commission', 'on_hold', 1680],
      ['approve', 'on_hold', -1680],
      ['approve', 'pending', 1680],
      ['release', 'pending', -1680],
      ['release', 'available', 1680],
    ]);
  });

  it('a refund while held voids it; there is then nothing to release', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const held = await reportOrder(shop, {
      orderId: 'HR-2',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { referrerToken: token },
    });
    const refund = await call('/v1/refunds', {
      key: shop.sk,
      now: T0 + DAY,
      body: { orderId: 'HR-2', refundId: 'r', amountMinor: 16800 },
    });
    expect(refund.body.balances).toMatchObject({ onHold: 0, pending: 0 });
    const release = await call(`/v1/referrers/holds/${held.body.conversion.id}/release`, {
      method: 'POST',
      key: shop.sk,
      now: T0 + 2 * DAY,
    });
    expect(release.status).toBe(409);
  });

  it('a release racing a refund of the same held commission never leaves a bucket negative', async () => {
    const shop = await createShop();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { referrer, token } = await createReferrer(shop);
      const held = await reportOrder(shop, {
        orderId: `HR-R${i}`,
        amountMinor: 16800,
        currency: 'HKD',
        referralCode: referrer.code,
        customer: { referrerToken: token },
      });
      ids.push(held.body.conversion.id);
    }
    await Promise.all(
      ids.flatMap((id, i) => [
        call(`/v1/referrers/holds/${id}/release`, { method: 'POST', key: shop.sk, now: T0 + DAY }),
        call('/v1/refunds', { key: shop.sk, now: T0 + DAY, body: { orderId: `HR-R${i}`, refundId: 'r', amountMinor: 16800 } }),
      ]),
    );
    for (const id of ids) {
      const entries = await ledgerOf({ conversionId: id });
      const sum = (bucket: string) => entries.filter((e) => e.bucket === bucket).reduce((s, e) => s + e.amount_minor, 0);
      expect({ id, onHold: sum('on_hold'), pending: sum('pending'), available: sum('available') }).toEqual({
        id,
        onHold: 0,
        pending: 0,
        available: 0,
      });
    }
  });
});

describe("the referrer's own browser (guarantee 14: own-browser self-referral)", () => {
  const VISITOR = 'vis_referrer_browser_01';
  const OTHER = 'vis_someone_else_00001';

  async function share(shop: TestShop, token: string, visitorId?: string) {
    const res = await call('/v1/shares', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0,
      headers: { 'X-Referrer-Token': token },
      body: { channel: 'whatsapp', ...(visitorId ? { visitorId } : {}) },
    });
    expect(res.status).toBe(201);
  }

  async function clickFrom(shop: TestShop, code: string, visitorId: string) {
    const res = await call('/v1/clicks', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0,
      headers: { 'CF-Connecting-IP': '203.0.113.50' },
      body: { code, visitorId },
    });
    expect(res.status).toBe(201);
    return res.body.clickId as string;
  }

  const devices = async (referrerId: string) =>
    (
      await env.DB.prepare('SELECT visitor_hash FROM referrer_devices WHERE referrer_id = ?').bind(referrerId).all<{
        visitor_hash: string;
      }>()
    ).results;

  it('a referrer who clicks their own link and buys in the browser they created it from → on_hold self_referral:visitor', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop, { visitorId: VISITOR });
    // the browser is kept as a salted hash, never as the visitor id itself
    const kept = await devices(referrer.id);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.visitor_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(kept[0]!.visitor_hash).not.toContain(VISITOR);
    const clk = await clickFrom(shop, referrer.code, VISITOR);
    const res = await reportOrder(shop, { orderId: 'SR-V1', amountMinor: 16800, currency: 'HKD', clickId: clk });
    expect(res.status).toBe(201);
    expectHeld(res.body.conversion, 'visitor', 1680);
    expect(await ledgerOf({ conversionId: res.body.conversion.id })).toEqual([
      expect.objectContaining({ type: 'commission', bucket: 'on_hold', amount_minor: 1680, reason: 'self_referral:visitor' }),
    ]);
    // never released by time alone
    await settle(T0 + 400 * DAY, shop.shopId);
    expect((await ledgerOf({ conversionId: res.body.conversion.id })).map((e) => e.type)).toEqual(['commission']);
  });

  it('a browser the referrer later shared from counts too (the desk forgets its cached referrer)', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    // warm the shop object's cache of this referrer before the new browser is known
    const warm = await clickFrom(shop, referrer.code, OTHER);
    const first = await reportOrder(shop, { orderId: 'SR-V2a', amountMinor: 10000, currency: 'HKD', clickId: warm });
    expect(first.body.conversion.commissionStatus).toBe('pending');
    await share(shop, token, VISITOR);
    const clk = await clickFrom(shop, referrer.code, VISITOR);
    const res = await reportOrder(shop, { orderId: 'SR-V2b', amountMinor: 16800, currency: 'HKD', clickId: clk });
    expectHeld(res.body.conversion, 'visitor', 1680);
  });

  it('the browser the referrer claimed from counts, also when only the order names it (a typed code)', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const claim = await call('/v1/referrers/me/claim', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0,
      headers: { 'X-Referrer-Token': token },
      body: { email: 'claimer@example.hk', visitorId: VISITOR },
    });
    expect(claim.status).toBe(200);
    const res = await reportOrder(shop, {
      orderId: 'SR-V3',
      amountMinor: 16800,
      currency: 'HKD',
      couponCode: referrer.code,
      visitorId: VISITOR,
    });
    expectHeld(res.body.conversion, 'visitor', 1680);
  });

  it("a friend's browser is not the referrer's: the commission is pending", async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop, { visitorId: VISITOR });
    const clk = await clickFrom(shop, referrer.code, OTHER);
    const res = await reportOrder(shop, { orderId: 'SR-V4', amountMinor: 16800, currency: 'HKD', clickId: clk });
    expect(res.body.conversion.commissionStatus).toBe('pending');
    expect(res.body.conversion.explanation.selfReferral).toEqual({ self: false, reason: null });
  });

  it('without a visitor id (consent not given) nothing about the browser is stored', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    await share(shop, token);
    expect(await devices(referrer.id)).toEqual([]);
  });
});
