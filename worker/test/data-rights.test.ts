/**
 * A referrer's data rights (issue 7 §4): download everything kept about them (JSON) and delete their
 * identity — the ledger keeps the amounts, loses the person — from their own browser (publishable
 * key + referrer token) or by the shop (secret key / dashboard).
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { ORIGIN, call, createReferrer, createShop, type TestShop } from './helpers';
import { T0, clickId, ledgerOf, reportOrder, sumBuckets } from './fixtures';
import { shopObject } from '../src/durable/shop-object-stub';

async function active(shop: TestShop, vanityCode = 'maggie-dr') {
  const { referrer, token } = await createReferrer(shop, { visitorId: 'visitor-of-maggie-01' });
  const claimed = await call('/v1/referrers/me/claim', {
    key: shop.pk,
    origin: ORIGIN,
    headers: { 'X-Referrer-Token': token },
    body: { email: 'maggie@example.hk', phone: '+852 9123 4567', displayName: 'Maggie' },
  });
  expect(claimed.status).toBe(200);
  const vanity = await call(`/v1/referrers/${referrer.id}`, {
    method: 'PATCH',
    key: shop.sk,
    body: { vanityCode, paypalEmail: 'maggie@example.hk', rateBps: 1500 },
  });
  expect(vanity.status).toBe(200);
  const share = await call('/v1/shares', {
    key: shop.pk,
    origin: ORIGIN,
    headers: { 'X-Referrer-Token': token },
    body: { channel: 'whatsapp' },
  });
  expect(share.status).toBe(201);
  const clk = await clickId(shop, vanityCode, T0, {
    channel: 'instagram',
    landingUrl: `https://shop.example/p?ref=${vanityCode}`,
  });
  await shopObject(env, shop.shopId).flush();
  const order = await reportOrder(shop, { orderId: 'DR-1', amountMinor: 20_000, currency: 'HKD', clickId: clk });
  expect(order.body.conversion.commissionMinor).toBe(3000); // her own 15 %
  return { referrer, token };
}

describe("a referrer's data export", () => {
  it('holds their profile, shares, clicks per day and channel, orders and ledger — from their browser and for the shop', async () => {
    const shop = await createShop();
    const { referrer, token } = await active(shop);
    const mine = await call('/v1/referrers/me/export', {
      key: shop.pk,
      origin: ORIGIN,
      headers: { 'X-Referrer-Token': token },
      now: T0,
    });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('Cache-Control')).toBe('no-store');
    expect(mine.body).toMatchObject({
      shop: { id: shop.shopId },
      referrer: {
        id: referrer.id,
        vanityCode: 'maggie-dr',
        displayName: 'Maggie',
        email: 'maggie@example.hk',
        rateBps: 1500,
        payout: { paypalEmail: 'maggie@example.hk', fpsId: null, bankAccount: null },
        deletedAt: null,
      },
      devices: 1,
      shares: [{ channel: 'whatsapp', sku: null }],
      clicksByDay: [{ date: '2031-01-15', channel: 'instagram', clicks: 1 }],
      conversions: [{ amountMinor: 20_000, commissionMinor: 3000, commissionStatus: 'pending', source: 'click' }],
      truncated: false,
    });
    expect(mine.body.ledger).toHaveLength(1);
    const byShop = await call(`/v1/referrers/${referrer.id}/export`, { key: shop.sk, now: T0 });
    expect(byShop.body).toEqual(mine.body);
    // not another shop's, not without the token
    expect((await call(`/v1/referrers/${referrer.id}/export`, { key: (await createShop()).sk })).status).toBe(404);
    expect((await call('/v1/referrers/me/export', { key: shop.pk, origin: ORIGIN })).status).toBe(400);
  });
});

describe("deleting a referrer's identity", () => {
  for (const by of ['referrer', 'shop'] as const) {
    it(`(${by}) anonymizes the person, keeps every amount, stops the token and the links`, async () => {
      const shop = await createShop();
      const { referrer, token } = await active(shop, `maggie-${by}`);
      const before = sumBuckets(await ledgerOf({ referrerId: referrer.id }));
      const res =
        by === 'referrer'
          ? await call('/v1/referrers/me', {
              method: 'DELETE',
              key: shop.pk,
              origin: ORIGIN,
              headers: { 'X-Referrer-Token': token },
              body: { confirm: 'delete' },
              now: T0,
            })
          : await call(`/v1/referrers/${referrer.id}`, { method: 'DELETE', key: shop.sk, body: { confirm: 'delete' }, now: T0 });
      expect(res.status).toBe(200);
      expect(res.body.referrer).toEqual({ id: referrer.id, deletedAt: T0 });
      const unconfirmed = await call(`/v1/referrers/${referrer.id}`, { method: 'DELETE', key: shop.sk, body: {} });
      expect(unconfirmed.status).toBe(400);

      const row = await env.DB.prepare('SELECT * FROM referrers WHERE id = ?').bind(referrer.id).first<Record<string, unknown>>();
      expect(row).toMatchObject({
        email: null,
        phone: null,
        display_name: null,
        customer_ref: null,
        token_hash: null,
        vanity_code: null,
        rate_bps: null,
        paypal_email: null,
        status: 'blocked',
        deleted_at: T0,
      });
      expect(JSON.stringify(row)).not.toMatch(/maggie|9123/i);
      expect(
        (await env.DB.prepare('SELECT count(*) AS n FROM referrer_devices WHERE referrer_id = ?')
          .bind(referrer.id)
          .first<{ n: number }>())!.n,
      ).toBe(0);
      const clicks = await env.DB.prepare('SELECT * FROM clicks WHERE referrer_id = ?')
        .bind(referrer.id)
        .all<Record<string, unknown>>();
      expect(clicks.results.map((c) => [c.landing_url, c.visitor_hash, c.ip_hash, c.ua_hash, c.channel])).toEqual([
        [null, null, null, null, 'instagram'],
      ]);
      // the ledger keeps every amount, under the same (now anonymous) id
      expect(sumBuckets(await ledgerOf({ referrerId: referrer.id }))).toEqual(before);
      // the token and the links stop working; the vanity code is free again
      expect(
        (await call('/v1/referrers/me', { key: shop.pk, origin: ORIGIN, headers: { 'X-Referrer-Token': token } })).status,
      ).toBe(401);
      expect((await call('/v1/clicks', { key: shop.pk, origin: ORIGIN, body: { code: `maggie-${by}` } })).status).toBe(404);
      // deleting again changes nothing
      const again = await call(`/v1/referrers/${referrer.id}`, {
        method: 'DELETE',
        key: shop.sk,
        body: { confirm: 'delete' },
        now: T0 + 5000,
      });
      expect(again.body.referrer.deletedAt).toBe(T0);
      // the shop can no longer give the deleted referrer a code
      const patch = await call(`/v1/referrers/${referrer.id}`, {
        method: 'PATCH',
        key: shop.sk,
        body: { vanityCode: `maggie-${by}` },
      });
      expect([patch.status, patch.body.error.code]).toEqual([409, 'referrer_deleted']);
    });
  }
});
