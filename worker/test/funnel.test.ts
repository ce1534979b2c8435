/**
 * The dashboard's numbers (issue 7 §2): the funnel — shares → clicks → orders → commission — per
 * day (in the shop's time zone) and per channel, and the leaderboard, read from rollups that the
 * D1 triggers keep as shares, flushed clicks and conversions are written (and corrected when the
 * shop's server report supersedes a browser report), plus the clicks the shop's object has not
 * flushed yet, each once. A referrer's own rate changes their commission.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { ORIGIN, call, createReferrer, createShop } from './helpers';
import { T0, clickId, reportOrder } from './fixtures';
import { shopObject } from '../src/durable/shop-object-stub';
import { funnelByDayAndChannel, leaderboard as leaderboardRows } from '../src/db/stats';

const HOUR = 3_600_000;

describe('funnel and leaderboard', () => {
  it('count shares, flushed clicks and attributed orders per Hong Kong day and per channel', async () => {
    const shop = await createShop();
    const maggie = await createReferrer(shop);
    const kayan = await createReferrer(shop);
    const share = (token: string, channel: string) =>
      call('/v1/shares', { key: shop.pk, origin: ORIGIN, headers: { 'X-Referrer-Token': token }, body: { channel }, now: T0 });
    for (const ch of ['whatsapp', 'whatsapp', 'instagram']) expect((await share(maggie.token, ch)).status).toBe(201);
    expect((await share(kayan.token, 'wechat')).status).toBe(201);
    // T0 is midnight UTC = 08:00 in Hong Kong; T0 − 9 h is 23:00 of the previous Hong Kong day
    const wa = await clickId(shop, maggie.referrer.code, T0, { channel: 'whatsapp', ip: '198.51.100.1' });
    await clickId(shop, maggie.referrer.code, T0 - 9 * HOUR, { channel: 'whatsapp', ip: '198.51.100.2' });
    const ig = await clickId(shop, kayan.referrer.code, T0, { channel: 'instagram', ip: '198.51.100.3' });
    await shopObject(env, shop.shopId).flush();
    expect((await reportOrder(shop, { orderId: 'F-1', amountMinor: 10_000, currency: 'HKD', clickId: wa })).status).toBe(201);
    expect((await reportOrder(shop, { orderId: 'F-2', amountMinor: 30_000, currency: 'HKD', clickId: ig })).status).toBe(201);
    expect(
      (await reportOrder(shop, { orderId: 'F-3', amountMinor: 5_000, currency: 'HKD', couponCode: maggie.referrer.code })).status,
    ).toBe(201);
    expect((await reportOrder(shop, { orderId: 'F-4', amountMinor: 7_000, currency: 'HKD' })).status).toBe(201); // not referred

    const res = await call(`/v1/stats/funnel?from=${T0 - 2 * 86_400_000}&to=${T0 + 86_400_000}&tzOffsetMinutes=480`, {
      key: shop.sk,
      now: T0,
    });
    expect(res.status).toBe(200);
    const f = res.body;
    expect(f.totals).toEqual({ shares: 4, clicks: 3, orders: 3, revenueMinor: 45_000, commissionMinor: 4_500 });
    const day = (date: string) => f.days.find((d: { date: string }) => d.date === date);
    expect(f.days.map((d: { date: string }) => d.date)).toEqual(['2031-01-13', '2031-01-14', '2031-01-15', '2031-01-16']);
    expect(day('2031-01-14')).toMatchObject({ clicks: 1, orders: 0 });
    expect(day('2031-01-15')).toMatchObject({ shares: 4, clicks: 2, orders: 3, commissionMinor: 4_500 });
    const channel = Object.fromEntries(f.channels.map((c: { channel: string }) => [c.channel, c]));
    expect(channel.whatsapp).toMatchObject({ shares: 2, clicks: 2, orders: 1, revenueMinor: 10_000, commissionMinor: 1_000 });
    expect(channel.instagram).toMatchObject({ shares: 1, clicks: 1, orders: 1, revenueMinor: 30_000 });
    expect(channel.coupon).toMatchObject({ orders: 1, revenueMinor: 5_000 });
    expect(channel.wechat).toMatchObject({ shares: 1, clicks: 0 });

    const board = await call(`/v1/stats/leaderboard?from=${T0 - 86_400_000}&to=${T0 + 86_400_000}`, { key: shop.sk, now: T0 });
    expect(
      board.body.data.map((r: { rank: number; referrer: { id: string }; commissionMinor: number; clicks: number }) => [
        r.rank,
        r.referrer.id,
        r.commissionMinor,
        r.clicks,
      ]),
    ).toEqual([
      [1, kayan.referrer.id, 3_000, 1],
      [2, maggie.referrer.id, 1_500, 2],
    ]);
    // another shop sees none of it
    const other = await createShop();
    expect((await call('/v1/stats/funnel', { key: other.sk, now: T0 })).body.totals.clicks).toBe(0);
  });

  it('moves an order when the shop’s server report supersedes the browser’s, and a referrer’s own rate counts', async () => {
    const shop = await createShop();
    const kol = await createReferrer(shop);
    const rate = await call(`/v1/referrers/${kol.referrer.id}`, {
      method: 'PATCH',
      key: shop.sk,
      body: { rateBps: 2500, vanityCode: 'kol-rate' },
    });
    expect(rate.body.referrer).toMatchObject({ rateBps: 2500, vanityCode: 'kol-rate' });
    const clk = await clickId(shop, 'kol-rate', T0, { channel: 'facebook' });
    await shopObject(env, shop.shopId).flush();
    const browser = await call('/v1/conversions/browser', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0,
      body: {
        orderId: 'S-1',
        amountMinor: 16_800,
        currency: 'HKD',
        clickId: clk,
        items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16_800 }],
      },
    });
    expect(browser.status).toBe(201);
    const funnel = async () => (await call('/v1/stats/funnel', { key: shop.sk, now: T0 + 1 })).body;
    expect((await funnel()).totals).toMatchObject({ orders: 1, revenueMinor: 16_800, commissionMinor: 4_200 });
    const server = await reportOrder(shop, { orderId: 'S-1', amountMinor: 33_600, currency: 'HKD', clickId: clk });
    expect(server.status).toBe(201);
    expect(server.body.conversion.explanation).toMatchObject({ click: { id: clk, channel: 'facebook' }, referrerRateBps: 2500 });
    const after = await funnel();
    expect(after.totals).toMatchObject({ orders: 1, revenueMinor: 33_600, commissionMinor: 8_400 });
    expect(after.channels).toEqual([
      { channel: 'facebook', shares: 0, clicks: 1, orders: 1, revenueMinor: 33_600, commissionMinor: 8_400 },
    ]);
  });

  it('counts a click as soon as it is acknowledged, and once after the flush', async () => {
    const shop = await createShop();
    const maggie = await createReferrer(shop);
    const kayan = await createReferrer(shop);
    // nothing flushed (CLICK_FLUSH_MS is a minute in tests): the clicks wait in the shop's object
    await clickId(shop, maggie.referrer.code, T0, { channel: 'whatsapp', ip: '198.51.100.1' });
    await clickId(shop, kayan.referrer.code, T0, { channel: 'instagram', ip: '198.51.100.2' });
    await clickId(shop, kayan.referrer.code, T0 + 1, { channel: 'instagram', ip: '198.51.100.3' });
    await clickId(shop, kayan.referrer.code, T0 - 40 * 86_400_000, { channel: 'instagram', ip: '198.51.100.4' }); // before the range
    expect(await shopObject(env, shop.shopId).pendingCount()).toBe(4);
    const range = `from=${T0 - 86_400_000}&to=${T0 + 86_400_000}`;
    const read = async () => ({
      funnel: (await call(`/v1/stats/funnel?${range}`, { key: shop.sk, now: T0 + 2 })).body,
      board: (await call(`/v1/stats/leaderboard?${range}`, { key: shop.sk, now: T0 + 2 })).body,
      me: (await call('/v1/referrers/me', { key: shop.pk, origin: ORIGIN, headers: { 'X-Referrer-Token': kayan.token } })).body,
    });
    const expected = (r: Awaited<ReturnType<typeof read>>) => {
      expect(r.funnel.totals.clicks).toBe(3);
      expect(r.funnel.channels.map((c: { channel: string; clicks: number }) => [c.channel, c.clicks])).toEqual([
        ['instagram', 2],
        ['whatsapp', 1],
      ]);
      expect(r.funnel.days.find((d: { date: string }) => d.date === '2031-01-15')).toMatchObject({ clicks: 3 });
      // ranked by clicks when nobody has earned yet: the unflushed clicks decide the order
      expect(r.board.data.map((x: { referrer: { id: string }; clicks: number }) => [x.referrer.id, x.clicks])).toEqual([
        [kayan.referrer.id, 2],
        [maggie.referrer.id, 1],
      ]);
      expect(r.me.stats.clicks).toBe(3); // a referrer's own figures have no range
    };
    expected(await read());
    const stale = await shopObject(env, shop.shopId).pendingClicks();
    expect(stale).toHaveLength(4);
    // flushed: D1 holds them now, and the object's copy (still kept for attribution) is not counted again
    expect(await shopObject(env, shop.shopId).flush()).toBe(4);
    expect(await shopObject(env, shop.shopId).pendingCount()).toBe(0);
    expected(await read());
    // a read that got the object's list just before the flush landed counts each click once too
    const hours = { from: T0 - 86_400_000, to: T0 + 86_400_000, tzOffsetMinutes: 0 };
    const cells = await funnelByDayAndChannel(env.DB, shop.shopId, hours, stale);
    expect(cells.reduce((n, c) => n + c.clicks, 0)).toBe(3);
    const rows = await leaderboardRows(env.DB, shop.shopId, { from: hours.from, to: hours.to, limit: 10 }, stale);
    expect(rows.map((r) => r.clicks)).toEqual([2, 1]);
  });

  it('refuses a range that is backwards or longer than 400 days', async () => {
    const shop = await createShop();
    expect((await call(`/v1/stats/funnel?from=${T0}&to=${T0 - 1}`, { key: shop.sk })).status).toBe(400);
    expect((await call(`/v1/stats/funnel?from=0&to=${T0}`, { key: shop.sk })).status).toBe(400);
    expect((await call('/v1/stats/funnel?tzOffsetMinutes=9999', { key: shop.sk })).status).toBe(400);
  });
});
