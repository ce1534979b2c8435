/**
 * Guarantee 14 (click integrity) and the click path's durability: clicks are rate-limited per
 * code and client (CLICK_RATE_LIMIT_PER_MINUTE = 20), a flood neither inflates stats beyond the
 * limit nor moves attribution; an acknowledged click survives the shop's Durable Object (ShopObject) being
 * evicted or its D1 flush failing, and reaches D1 exactly once; short links redirect only to the
 * shop's own origins.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { call, click, createReferrer, createShop, ORIGIN, type TestShop } from './helpers';
import { T0, clickId, count, reportOrder } from './fixtures';
import { shopObject } from '../src/durable/shop-object-stub';

const LIMIT = 20;

function stub(shop: TestShop) {
  return shopObject(env, shop.shopId);
}

async function d1Clicks(referrerId: string): Promise<number> {
  return count('SELECT count(*) AS n FROM clicks WHERE referrer_id = ?', referrerId);
}

describe('rate limit per code and client (guarantee 14)', () => {
  it('a flood of 200 clicks from one client records exactly the limit; the rest are 429 with Retry-After', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        click(shop, referrer.code, { ip: '198.51.100.66', channel: 'whatsapp' }, T0 + i * 100),
      ),
    );
    const accepted = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(LIMIT);
    expect(refused).toHaveLength(200 - LIMIT);
    for (const r of refused) {
      expect(r.body.error.code).toBe('rate_limited');
      expect(r.body.clickId).toBeUndefined();
      const retry = Number(r.headers.get('Retry-After'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
    }
    // stats count only what was accepted, buffered clicks included, without forcing a flush
    const me = await call('/v1/referrers/me', { key: shop.pk, origin: ORIGIN, headers: { 'X-Referrer-Token': token } });
    expect(me.body.stats.clicks).toBe(LIMIT);
    expect(await d1Clicks(referrer.id)).toBe(0);
    await stub(shop).flush();
    expect(await d1Clicks(referrer.id)).toBe(LIMIT);
    const again = await call('/v1/referrers/me', { key: shop.pk, origin: ORIGIN, headers: { 'X-Referrer-Token': token } });
    expect(again.body.stats.clicks).toBe(LIMIT);
  });

  it('an eviction in the middle of a flood does not reset the limit', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    for (let i = 0; i < LIMIT; i++)
      expect((await click(shop, referrer.code, { ip: '198.51.100.88' }, T0 + i * 10)).status).toBe(201);
    await evictDurableObject(stub(shop));
    expect((await click(shop, referrer.code, { ip: '198.51.100.88' }, T0 + 1_000)).status).toBe(429);
    expect((await click(shop, referrer.code, { ip: '198.51.100.89' }, T0 + 1_000)).status).toBe(201);
    // the window still slides: a minute after the first click, one more is allowed
    expect((await click(shop, referrer.code, { ip: '198.51.100.88' }, T0 + 60_000)).status).toBe(201);
  });

  it('rotating the visitor id or the user agent from one address does not get round the limit', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call('/v1/clicks', {
          key: shop.pk,
          origin: ORIGIN,
          now: T0 + i,
          body: { code: referrer.code, visitorId: `visitor-${String(i).padStart(4, '0')}` },
          headers: { 'CF-Connecting-IP': '198.51.100.77', 'User-Agent': `bot/${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(LIMIT);
    await stub(shop).flush();
    expect(await d1Clicks(referrer.id)).toBe(LIMIT);
  });

  it('another client, another code, and the next minute are not limited by the flood', async () => {
    const shop = await createShop();
    const flooded = await createReferrer(shop);
    const other = await createReferrer(shop);
    for (let i = 0; i < LIMIT; i++)
      expect((await click(shop, flooded.referrer.code, { ip: '198.51.100.1' }, T0 + i)).status).toBe(201);
    expect((await click(shop, flooded.referrer.code, { ip: '198.51.100.1' }, T0 + 100)).status).toBe(429);
    expect((await click(shop, flooded.referrer.code, { ip: '198.51.100.2' }, T0 + 100)).status).toBe(201);
    expect((await click(shop, other.referrer.code, { ip: '198.51.100.1' }, T0 + 100)).status).toBe(201);
    // a sliding minute: the first click leaves the window at T0 + 60 s
    expect((await click(shop, flooded.referrer.code, { ip: '198.51.100.1' }, T0 + 59_999)).status).toBe(429);
    expect((await click(shop, flooded.referrer.code, { ip: '198.51.100.1' }, T0 + 60_000)).status).toBe(201);
  });

  it("a flood on another referrer's link does not move an order's attribution", async () => {
    const shop = await createShop();
    const honest = await createReferrer(shop);
    const flooder = await createReferrer(shop);
    const buyerClick = await clickId(shop, honest.referrer.code, T0, { ip: '192.0.2.10', visitorId: 'buyer-visitor-1' });
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        click(shop, flooder.referrer.code, { ip: '198.51.100.99', visitorId: `spoof-${1000 + i}` }, T0 + 1000 + i),
      ),
    );
    expect(flood.filter((r) => r.status === 201)).toHaveLength(LIMIT);
    const order = await reportOrder(
      shop,
      { orderId: 'FLOOD-1', amountMinor: 16800, currency: 'HKD', clickId: buyerClick, visitorId: 'buyer-visitor-1' },
      { now: T0 + 5000 },
    );
    expect(order.body.conversion).toMatchObject({
      referrerId: honest.referrer.id,
      clickId: buyerClick,
      source: 'click',
      commissionMinor: 1680,
    });
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE referrer_id = ?', flooder.referrer.id)).toBe(0);
  });
});

describe('an acknowledged click is never lost nor duplicated', () => {
  async function recordClicks(shop: TestShop, code: string, n: number) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await clickId(shop, code, T0 + i, { ip: `10.9.${Math.floor(i / 200)}.${i % 200}` }));
    return ids;
  }

  async function inD1(ids: string[]) {
    const { results } = await env.DB.prepare('SELECT id FROM clicks WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(ids))
      .all<{ id: string }>();
    return results.map((r) => r.id).sort();
  }

  it('concurrent clicks share storage commits, and each is acknowledged only with its own row kept', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const before = (await stub(shop).metrics()).clickCommits;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => click(shop, referrer.code, { ip: `10.8.0.${i}` }, T0 + i)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    const after = (await stub(shop).metrics()).clickCommits;
    expect(after.items - before.items).toBe(12);
    expect(after.groups - before.groups).toBeLessThan(12);
    const kept = await runInDurableObject(stub(shop), (_o, state) =>
      state.storage.sql
        .exec<{ id: string }>('SELECT id FROM click_log')
        .toArray()
        .map((r) => r.id),
    );
    expect(kept.sort()).toEqual(results.map((r) => r.body.clickId as string).sort());
    // one at a time, each click is its own commit
    await click(shop, referrer.code, { ip: '10.8.1.1' }, T0 + 100);
    await click(shop, referrer.code, { ip: '10.8.1.2' }, T0 + 101);
    const last = (await stub(shop).metrics()).clickCommits;
    expect([last.items - after.items, last.groups - after.groups]).toEqual([2, 2]);
  });

  it('clicks acknowledged before the shop object is evicted are all in D1 exactly once after the flush', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const ids = await recordClicks(shop, referrer.code, 50);
    expect(await inD1(ids)).toEqual([]); // still buffered (CLICK_FLUSH_MS is a minute in tests)

    await evictDurableObject(stub(shop));
    expect(await stub(shop).pendingCount()).toBe(50);
    expect(await stub(shop).flush()).toBe(50);
    expect(await inD1(ids)).toEqual([...ids].sort());
    expect(await stub(shop).flush()).toBe(0);
    expect(await d1Clicks(referrer.id)).toBe(50);
  });

  it('clicks acknowledged before every Durable Object is aborted (a crash, not a graceful eviction) are kept too', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const ids = await recordClicks(shop, referrer.code, 25);
    await abortAllDurableObjects();
    expect(await stub(shop).flush()).toBe(25);
    expect(await inD1(ids)).toEqual([...ids].sort());
    expect(await d1Clicks(referrer.id)).toBe(25);
  });

  it('the alarm flushes after an eviction too, and a second alarm run writes nothing twice', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const ids = await recordClicks(shop, referrer.code, 30);
    await evictDurableObject(stub(shop));
    expect(await runDurableObjectAlarm(stub(shop))).toBe(true);
    expect(await inD1(ids)).toEqual([...ids].sort());
    await runDurableObjectAlarm(stub(shop));
    expect(await d1Clicks(referrer.id)).toBe(30);
  });

  it('a crash after D1 took a batch but before the buffer marked it: the re-sent clicks are not duplicated', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const ids = await recordClicks(shop, referrer.code, 12);
    // D1 already has half of them (the batch went through), the buffer still thinks none was written
    const buffered = await runInDurableObject(stub(shop), (_instance, state) =>
      state.storage.sql
        .exec(
          'SELECT id, shop_id, referrer_id, channel, created_at FROM click_log WHERE seq > (SELECT seq FROM flush_state) ORDER BY seq',
        )
        .toArray(),
    );
    expect(buffered).toHaveLength(12);
    for (const r of buffered.slice(0, 6)) {
      await env.DB.prepare('INSERT INTO clicks (id, shop_id, referrer_id, channel, created_at) VALUES (?, ?, ?, ?, ?)')
        .bind(r.id, r.shop_id, r.referrer_id, r.channel, r.created_at)
        .run();
    }
    expect(await stub(shop).flush()).toBe(12);
    expect(await inD1(ids)).toEqual([...ids].sort());
    expect(await d1Clicks(referrer.id)).toBe(12);
  });

  it('a failing D1 flush keeps the clicks buffered and retries; nothing is lost', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const ids = await recordClicks(shop, referrer.code, 8);
    await env.DB.prepare(
      "CREATE TRIGGER test_clicks_down BEFORE INSERT ON clicks BEGIN SELECT RAISE(ABORT, 'd1 down'); END",
    ).run();
    try {
      expect(await runDurableObjectAlarm(stub(shop))).toBe(true);
      expect(await inD1(ids)).toEqual([]);
      expect(await stub(shop).pendingCount()).toBe(8);
    } finally {
      await env.DB.prepare('DROP TRIGGER test_clicks_down').run();
    }
    // the failed alarm scheduled a retry
    expect(await runDurableObjectAlarm(stub(shop))).toBe(true);
    expect(await inD1(ids)).toEqual([...ids].sort());
    expect(await stub(shop).pendingCount()).toBe(0);
  });

  it('an order reported after the buffer restarted still finds its click and attributes it', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code, T0, { ip: '192.0.2.200' });
    await evictDurableObject(stub(shop));
    const order = await reportOrder(shop, { orderId: 'EVICT-1', amountMinor: 16800, currency: 'HKD', clickId: clk });
    expect(order.body.conversion).toMatchObject({
      clickId: clk,
      source: 'click',
      referrerId: referrer.id,
      commissionMinor: 1680,
    });
    await stub(shop).flush();
    expect(await count('SELECT count(*) AS n FROM clicks WHERE id = ?', clk)).toBe(1);
  });
});

describe('short links', () => {
  async function kolShop() {
    const shop = await createShop({ siteUrl: `${ORIGIN}/home`, allowedOrigins: [ORIGIN, 'https://m.shop.example'] });
    const kol = await call('/v1/referrers', { key: shop.sk, body: { vanityCode: `kol${Math.floor(Math.random() * 1e9)}` } });
    expect(kol.status).toBe(201);
    return { shop, referrer: kol.body.referrer as { id: string; code: string; vanityCode: string } };
  }

  it('GET /r/:code records the click and redirects 302 to the shop with ref and sc_click', async () => {
    const { shop, referrer } = await kolShop();
    const res = await call(`/r/${referrer.code}?c=instagram`, { now: T0, headers: { 'CF-Connecting-IP': '192.0.2.1' } });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('Location')!);
    expect(location.origin + location.pathname).toBe(`${ORIGIN}/home`);
    expect(location.searchParams.get('ref')).toBe(referrer.vanityCode);
    const clk = location.searchParams.get('sc_click');
    expect(clk).toMatch(/^clk_/);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    await stub(shop).flush();
    const row = await env.DB.prepare('SELECT referrer_id, channel, created_at FROM clicks WHERE id = ?').bind(clk).first();
    expect(row).toEqual({ referrer_id: referrer.id, channel: 'instagram', created_at: T0 });
    // the vanity code works the same, case-insensitively
    const vanity = await call(`/r/${referrer.vanityCode.toUpperCase()}`, {
      now: T0,
      headers: { 'CF-Connecting-IP': '192.0.2.2' },
    });
    expect(vanity.status).toBe(302);
  });

  it('to= on a foreign origin, a protocol-relative URL or a non-http scheme is ignored (no open redirect)', async () => {
    const { referrer } = await kolShop();
    for (const to of [
      'https://evil.example/phish',
      '//evil.example/x',
      'javascript:alert(1)',
      'data:text/html,hi',
      'https://shop.example.evil.example/',
      'http://shop.example/',
      '\\\\evil.example',
    ]) {
      const res = await call(`/r/${referrer.code}?to=${encodeURIComponent(to)}`, {
        now: T0,
        headers: { 'CF-Connecting-IP': '192.0.2.3' },
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('Location')!);
      expect({ to, origin: location.origin, path: location.pathname }).toEqual({ to, origin: ORIGIN, path: '/home' });
    }
    for (const [to, expected] of [
      ['https://shop.example/p/tea?x=1', `${ORIGIN}/p/tea`],
      ['/p/egg-rolls', `${ORIGIN}/p/egg-rolls`],
      ['https://m.shop.example/p/tea', 'https://m.shop.example/p/tea'],
    ]) {
      const res = await call(`/r/${referrer.code}?to=${encodeURIComponent(to!)}`, {
        now: T0,
        headers: { 'CF-Connecting-IP': '192.0.2.4' },
      });
      const location = new URL(res.headers.get('Location')!);
      expect(location.origin + location.pathname).toBe(expected);
      expect(location.searchParams.get('ref')).toBe(referrer.vanityCode);
    }
  });

  it('a blocked referrer, an unknown code or a malformed code is a JSON 404', async () => {
    const { shop, referrer } = await kolShop();
    expect((await call(`/v1/referrers/${referrer.id}/block`, { method: 'POST', key: shop.sk })).status).toBe(200);
    for (const path of [
      `/r/${referrer.code}`,
      `/r/${referrer.vanityCode}`,
      '/r/nobody-has-this',
      '/r/a',
      `/r/${'x'.repeat(33)}`,
      '/r/bad%20code',
    ]) {
      const res = await call(path, { now: T0 });
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: 'referrer_not_found' });
    }
    // the same for a click from the widget
    const widget = await click(shop, referrer.code, { ip: '192.0.2.9' }, T0);
    expect(widget.status).toBe(404);
    expect(widget.body.error.code).toBe('referrer_not_found');
  });

  it('a rate-limited short link still redirects, without a click id', async () => {
    const { referrer } = await kolShop();
    const results = [];
    for (let i = 0; i < LIMIT + 2; i++)
      results.push(await call(`/r/${referrer.code}`, { now: T0 + i, headers: { 'CF-Connecting-IP': '192.0.2.5' } }));
    expect(results.every((r) => r.status === 302)).toBe(true);
    const withClick = results.filter((r) => new URL(r.headers.get('Location')!).searchParams.has('sc_click'));
    expect(withClick).toHaveLength(LIMIT);
  });
});
