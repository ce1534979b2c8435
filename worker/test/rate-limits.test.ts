/**
 * Guarantee 14, publishable-key writes: every write the browser can make (create a referrer,
 * record a share, claim a referrer, record a click) is rate-limited per client and per shop; a
 * flood writes exactly the limit and gets 429 + Retry-After for the rest, another client and the
 * next minute are not affected, and a 429 says nothing about anyone else. Secret-key writes are
 * not limited. Unknown referral codes are cached negatively (a flood costs no D1 statement), a
 * referrer's stats do not flush the click buffer, and a claim forgets only its own referrer.
 * The limits are documented in the OpenAPI document. Injected clock, no sleeps.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { call, click, createReferrer, createShop, ORIGIN, type TestShop } from './helpers';
import { T0, count } from './fixtures';
import { expectRateLimited, shopObject } from './money-path';
import type { ShopObject } from '../src/durable/shop-object';
import { findReferrersWithDevices } from '../src/db/referrers';

type Res = Awaited<ReturnType<typeof call>>;

async function secretReferrer(shop: TestShop, body: Record<string, unknown> = {}) {
  const res = await call('/v1/referrers', { key: shop.sk, body });
  expect(res.status).toBe(201);
  return res.body as { referrer: { id: string; code: string }; token: string };
}

interface Kind {
  name: string;
  perClient: number;
  ok: number;
  /** one write of this kind from `ip` at `now`; `i` makes each write distinct */
  send: (ctx: KindContext, ip: string, now: number, i: number) => Promise<Res>;
  /** rows this kind writes, as D1 has them */
  rows: (ctx: KindContext) => Promise<number>;
}

interface KindContext {
  shop: TestShop;
  referrerId: string;
  code: string;
  token: string;
}

const pk = (ctx: KindContext, path: string, ip: string, now: number, body: unknown, token?: string) =>
  call(path, {
    key: ctx.shop.pk,
    origin: ORIGIN,
    body,
    now,
    headers: { 'CF-Connecting-IP': ip, ...(token ? { 'X-Referrer-Token': token } : {}) },
  });

const KINDS: Kind[] = [
  {
    name: 'POST /v1/referrers',
    perClient: 30,
    ok: 201,
    send: (ctx, ip, now, i) => pk(ctx, '/v1/referrers', ip, now, { displayName: `Flood ${i}` }),
    rows: (ctx) => count('SELECT count(*) AS n FROM referrers WHERE shop_id = ?', ctx.shop.shopId),
  },
  {
    name: 'POST /v1/shares',
    perClient: 60,
    ok: 201,
    send: (ctx, ip, now) => pk(ctx, '/v1/shares', ip, now, { channel: 'whatsapp' }, ctx.token),
    rows: (ctx) => count('SELECT count(*) AS n FROM shares WHERE shop_id = ?', ctx.shop.shopId),
  },
  {
    name: 'POST /v1/referrers/me/claim',
    perClient: 10,
    ok: 200,
    // each claim from another browser of the referrer records that device: one row per accepted claim
    send: (ctx, ip, now, i) =>
      pk(ctx, '/v1/referrers/me/claim', ip, now, { email: 'flood@example.hk', visitorId: `claim-device-${i}` }, ctx.token),
    rows: (ctx) => count('SELECT count(*) AS n FROM referrer_devices WHERE referrer_id = ?', ctx.referrerId),
  },
  {
    name: 'POST /v1/clicks',
    perClient: 20,
    ok: 201,
    send: (ctx, ip, now) => pk(ctx, '/v1/clicks', ip, now, { code: ctx.code }),
    rows: async (ctx) => {
      await shopObject(ctx.shop).flush();
      return count('SELECT count(*) AS n FROM clicks WHERE referrer_id = ?', ctx.referrerId);
    },
  },
];

describe('per-client limits of publishable-key writes (guarantee 14)', () => {
  for (const kind of KINDS) {
    it(`${kind.name}: a flood from one client writes exactly ${kind.perClient}; another client and the next minute are accepted`, async () => {
      const shop = await createShop();
      const { referrer, token } = await secretReferrer(shop);
      const ctx: KindContext = { shop, referrerId: referrer.id, code: referrer.code, token };
      const rows0 = await kind.rows(ctx);
      const flooder = '198.51.100.14';

      const results = await Promise.all(Array.from({ length: kind.perClient + 15 }, (_, i) => kind.send(ctx, flooder, T0, i)));
      expect(results.filter((r) => r.status === kind.ok)).toHaveLength(kind.perClient);
      const refused = results.filter((r) => r.status !== kind.ok);
      expect(refused).toHaveLength(15);
      // every write of the flood was at T0: the window frees up exactly a minute later
      for (const r of refused) expect(expectRateLimited(r)).toBe(60);
      expect((await kind.rows(ctx)) - rows0).toBe(kind.perClient);

      expect((await kind.send(ctx, '198.51.100.15', T0 + 1_000, 1_000)).status).toBe(kind.ok);
      expect(expectRateLimited(await kind.send(ctx, flooder, T0 + 59_999, 1_001))).toBe(1);
      expect((await kind.send(ctx, flooder, T0 + 60_000, 1_002)).status).toBe(kind.ok);
      expect((await kind.rows(ctx)) - rows0).toBe(kind.perClient + 2);
    });
  }

  it('clicks are limited per client AND code: the flooding client can still click another link', async () => {
    const shop = await createShop();
    const a = await secretReferrer(shop);
    const b = await secretReferrer(shop);
    const ip = '198.51.100.16';
    for (let i = 0; i < 20; i++) expect((await click(shop, a.referrer.code, { ip }, T0 + i)).status).toBe(201);
    expectRateLimited(await click(shop, a.referrer.code, { ip }, T0 + 100));
    expect((await click(shop, b.referrer.code, { ip }, T0 + 100)).status).toBe(201);
  });

  it('secret-key referrer creation is not limited', async () => {
    const shop = await createShop();
    const results = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        call('/v1/referrers', {
          key: shop.sk,
          body: { displayName: `Server ${i}` },
          now: T0,
          headers: { 'CF-Connecting-IP': '198.51.100.17' },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(45).fill(201));
    expect(await count('SELECT count(*) AS n FROM referrers WHERE shop_id = ?', shop.shopId)).toBe(45);
  });
});

describe('per-shop limits of publishable-key writes', () => {
  it('claims: 600 a minute for the whole shop, whatever the number of addresses; a retry after Retry-After is accepted', async () => {
    const shop = await createShop();
    const { referrer, token } = await secretReferrer(shop);
    const ctx: KindContext = { shop, referrerId: referrer.id, code: referrer.code, token };
    const claim = KINDS.find((k) => k.name === 'POST /v1/referrers/me/claim')!;
    const ip = (i: number) => `172.16.${i >> 8}.${i & 255}`;

    const results: Res[] = [];
    for (let chunk = 0; chunk < 605; chunk += 121) {
      results.push(...(await Promise.all(Array.from({ length: 121 }, (_, j) => claim.send(ctx, ip(chunk + j), T0, chunk + j)))));
    }
    expect(results.filter((r) => r.status === 200)).toHaveLength(600);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(expectRateLimited(r)).toBe(60);
    expect(await claim.rows(ctx)).toBe(600);
    // a client never seen before is refused too: the shop's minute is full
    expectRateLimited(await claim.send(ctx, '192.0.2.200', T0 + 30_000, 700));

    // the next minute still counts the previous one (a sliding estimate): the client is told how long to wait
    const wait = expectRateLimited(await claim.send(ctx, '192.0.2.201', T0 + 60_000, 701));
    expect(wait).toBe(1);
    expect((await claim.send(ctx, '192.0.2.201', T0 + 60_000 + wait * 1_000, 702)).status).toBe(200);
    expect(await claim.rows(ctx)).toBe(601);
  });

  it('referrers, shares and browser reports: exactly the per-shop limit of distinct clients is admitted in a minute', async () => {
    const shop = await createShop();
    await runInDurableObject(shopObject(shop), async (instance: ShopObject) => {
      for (const [kind, perShop] of [
        ['referrer', 1_200],
        ['share', 6_000],
        ['browser_report', 1_200],
      ] as const) {
        let admitted = 0;
        for (let i = 0; i < perShop + 10; i++)
          if ((await instance.limit(kind, [`${kind}-client-${i}`], T0 + (i % 1000))).ok) admitted++;
        expect({ kind, admitted }).toEqual({ kind, admitted: perShop });
        const verdict = await instance.limit(kind, ['one-more-client'], T0 + 30_000);
        expect(verdict.ok).toBe(false);
        expect(verdict.retryAfterMs).toBe(30_000);
      }
    });
  });
});

describe('the limits are documented', () => {
  it('the OpenAPI description of each publishable write states its per-client and per-shop limits', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { description?: string }>>;
    for (const [path, perClient, perShop] of [
      ['/v1/referrers', '30 per minute per client', '1,200 per minute per shop'],
      ['/v1/shares', '60 per minute per client', '6,000 per minute per shop'],
      ['/v1/referrers/me/claim', '10 per minute per client', '600 per minute per shop'],
      ['/v1/clicks', '20 per minute per client and referral code', '120,000 per minute per shop'],
      ['/v1/conversions/browser', '20 per minute per client', '1,?200 per minute per shop'],
    ] as const) {
      const description = paths[path]?.post?.description ?? '';
      expect(description, path).toContain(perClient);
      expect(description, path).toMatch(new RegExp(perShop));
      expect(description, path).toContain('429 `rate_limited` with Retry-After');
    }
  });
});

describe('unknown codes are cached negatively', () => {
  it('a flood of one unknown code costs no D1 statement; a code created later as a vanity code works at once', async () => {
    const shop = await createShop();
    const stub = shopObject(shop);
    const first = await click(shop, 'Later-KOL-14', { ip: '198.51.100.20' }, T0);
    expect(first.status).toBe(404);
    expect(first.body.error.code).toBe('referrer_not_found');
    const before = (await stub.metrics()).d1;

    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        click(shop, i % 2 ? 'Later-KOL-14' : 'later-kol-14', { ip: `198.51.101.${i}` }, T0 + i),
      ),
    );
    expect(flood.map((r) => r.status)).toEqual(Array(200).fill(404));
    expect((await stub.metrics()).d1).toEqual(before);
    expect((await stub.metrics()).desk.unknownCodes).toBe(1);

    // distinct unknown codes cost one read each, the first time only
    const codes = Array.from({ length: 10 }, (_, i) => `nobody-${i}-here`);
    for (const code of codes) expect((await click(shop, code, { ip: '198.51.100.21' }, T0 + 500)).status).toBe(404);
    for (const code of codes) expect((await click(shop, code, { ip: '198.51.100.21' }, T0 + 600)).status).toBe(404);
    const after = (await stub.metrics()).d1;
    expect({ statements: after.statements - before.statements, calls: after.calls - before.calls }).toEqual({
      statements: 10,
      calls: 10,
    });

    // the shop creates the code as a KOL's vanity code: clicks with it are accepted at once, in any case
    const kol = await secretReferrer(shop, { vanityCode: 'Later-KOL-14' });
    const ok = await click(shop, 'later-kol-14', { ip: '198.51.100.22' }, T0 + 1_000);
    expect(ok.status).toBe(201);
    expect(ok.body.code).toBe(kol.referrer.code);
    expect((await stub.metrics()).desk.unknownCodes).toBe(10);
  });
});

/** A D1 binding that records `rows_read` of every `.all()` (D1's own meta: what a query costs). */
function recordingRowsRead(db: D1Database, reads: number[]): D1Database {
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === 'bind') return (...args: unknown[]) => wrap(value.apply(target, args));
        if (prop === 'all') {
          return async () => {
            const result = await target.all();
            reads.push(result.meta.rows_read);
            return result;
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => wrap(target.prepare(sql));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('a cache miss is one cheap read', () => {
  it('looking up an unknown code reads a few rows, not every referrer of the shop; codes, vanity codes and ids are still found', async () => {
    const shop = await createShop();
    const other = await createShop();
    const seed = (shopId: string, prefix: string, n: number) =>
      env.DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})
         INSERT INTO referrers (id, shop_id, code, vanity_code, status, verified_buyer, created_at)
         SELECT printf('ref_${prefix}%05d', i), ?, printf('${prefix}%05d', i), CASE WHEN i < 10 THEN printf('Kol-${prefix}-%d', i) END,
                'active', 0, ? FROM n`,
      )
        .bind(shopId, T0)
        .run();
    await seed(shop.shopId, 'scan', 3_000);
    await seed(other.shopId, 'else', 10);
    const reads: number[] = [];
    const db = recordingRowsRead(env.DB, reads);

    expect(await findReferrersWithDevices(db, shop.shopId, [], ['nobody-at-all'])).toEqual([]);
    const found = await findReferrersWithDevices(
      db,
      shop.shopId,
      ['ref_scan00001'],
      ['scan00002', 'KOL-SCAN-3', 'else00004', 'kol-else-5'],
    );
    // another shop's code and vanity code are not this shop's
    expect(found.map((r) => r.id).sort()).toEqual(['ref_scan00001', 'ref_scan00002', 'ref_scan00003']);
    expect(reads).toHaveLength(2);
    for (const rows of reads) expect(rows).toBeLessThan(50);
  });
});

describe('a cold burst', () => {
  // Concurrent cache misses share one read: a burst that reaches a cold object (just started, or 30 s
  // after its caches were filled) before its first D1 read returns waits for that read instead of
  // repeating it (one in-flight lookup per code and id, one for the program; invalidate() and
  // forgetReferrer() drop them so later calls read again).
  it('200 concurrent clicks of one never-seen code at a cold object cost one D1 read', async () => {
    const shop = await createShop();
    const stub = shopObject(shop);
    const s0 = (await stub.metrics()).d1.statements;
    const results = await runInDurableObject(stub, (instance: ShopObject) =>
      Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          instance.record({
            id: `clk_cold_${i}`,
            shopId: shop.shopId,
            code: 'never-seen-code',
            channel: 'direct',
            landingUrl: null,
            visitorHash: null,
            ipHash: `cold-${i}`,
            uaHash: null,
            createdAt: T0,
          }),
        ),
      ),
    );
    expect(results.every((r) => !r.ok)).toBe(true);
    expect((await stub.metrics()).d1.statements - s0).toBe(1);
  });
});

describe("the shop's object keeps D1 out of the stats and forgets precisely", () => {
  it('/v1/referrers/me counts buffered clicks without flushing them to D1', async () => {
    const shop = await createShop();
    const stub = shopObject(shop);
    const { referrer, token } = await createReferrer(shop);
    for (let i = 0; i < 7; i++) expect((await click(shop, referrer.code, { ip: `198.51.102.${i}` }, T0 + i)).status).toBe(201);
    const d1Clicks = () => count('SELECT count(*) AS n FROM clicks WHERE referrer_id = ?', referrer.id);
    expect(await d1Clicks()).toBe(0);
    const before = await stub.metrics();
    expect(before.unflushedClicks).toBe(7);

    const me = await call('/v1/referrers/me', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0 + 100,
      headers: { 'X-Referrer-Token': token },
    });
    expect(me.status).toBe(200);
    expect(me.body.stats.clicks).toBe(7);
    const after = await stub.metrics();
    expect(after.d1).toEqual(before.d1);
    expect(after.unflushedClicks).toBe(7);
    expect(await d1Clicks()).toBe(0);
  });

  it("a claim forgets only the claimed referrer from the object's cache", async () => {
    const shop = await createShop();
    const stub = shopObject(shop);
    const a = await createReferrer(shop);
    const b = await createReferrer(shop);
    expect((await click(shop, a.referrer.code, { ip: '198.51.103.1' }, T0)).status).toBe(201);
    expect((await click(shop, b.referrer.code, { ip: '198.51.103.1' }, T0)).status).toBe(201);
    expect((await stub.metrics()).desk.referrers).toBe(2);

    const claimed = await call('/v1/referrers/me/claim', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0 + 10,
      body: { email: 'a@example.hk' },
      headers: { 'X-Referrer-Token': a.token, 'CF-Connecting-IP': '198.51.103.2' },
    });
    expect(claimed.status).toBe(200);
    expect((await stub.metrics()).desk.referrers).toBe(1);

    // b is still cached (no D1 read); a is read again, once
    const d1 = async () => (await stub.metrics()).d1.statements;
    const s0 = await d1();
    expect((await click(shop, b.referrer.code, { ip: '198.51.103.3' }, T0 + 20)).status).toBe(201);
    expect(await d1()).toBe(s0);
    expect((await click(shop, a.referrer.code, { ip: '198.51.103.3' }, T0 + 20)).status).toBe(201);
    expect(await d1()).toBe(s0 + 1);
    expect((await stub.metrics()).desk.referrers).toBe(2);
  });
});
