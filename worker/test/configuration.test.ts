/**
 * Issue 8 (privacy): the IP-hash salt is required. Without IP_HASH_SALT, or with one shorter than
 * 32 characters, every request but /healthz is a 503 `server_misconfigured` that names the fix, and
 * nothing is hashed, buffered or written. Stored click hashes are the HMAC pseudonyms of
 * lib/pseudonyms.ts, never a SHA-256 of the IP.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { ADMIN, ORIGIN, call, createReferrer, createShop } from './helpers';
import { T0, dbFingerprint } from './fixtures';
import { shopObject } from '../src/durable/shop-object-stub';
import { sha256Hex } from '../src/lib/crypto';
import { ipHashes, uaHash, visitorHash } from '../src/lib/pseudonyms';

const SALT = (env as unknown as { IP_HASH_SALT: string }).IP_HASH_SALT;

describe('IP_HASH_SALT is required', () => {
  it.each([
    ['missing', { IP_HASH_SALT: undefined }, 'IP_HASH_SALT is not set.'],
    ['empty', { IP_HASH_SALT: '' }, 'IP_HASH_SALT is not set.'],
    ['31 characters', { IP_HASH_SALT: 'x'.repeat(31) }, 'IP_HASH_SALT is shorter than 32 characters.'],
  ])(
    '%s: every endpoint answers 503 server_misconfigured naming the fix, and nothing is written',
    async (_n, broken, problem) => {
      const shop = await createShop();
      const { referrer } = await createReferrer(shop);
      const before = await dbFingerprint();
      const pendingBefore = await shopObject(env, shop.shopId).pendingCount();
      const requests: Array<[string, Parameters<typeof call>[1]]> = [
        ['/v1/clicks', { key: shop.pk, origin: ORIGIN, body: { code: referrer.code, visitorId: 'visitor-0001' } }],
        [`/r/${referrer.code}`, { headers: { 'CF-Connecting-IP': '192.0.2.1' } }],
        [
          '/v1/conversions',
          { key: shop.sk, body: { orderId: 'NOSALT-1', amountMinor: 100, currency: 'HKD', visitorId: 'v-00000001' } },
        ],
        ['/v1/referrers', { key: shop.pk, origin: ORIGIN, body: {} }],
        ['/v1/config', { key: shop.pk, origin: ORIGIN }],
        ['/v1/admin/shops', { key: ADMIN, body: { name: 'X', currency: 'HKD', siteUrl: 'https://x.example/' } }],
        ['/v1/no-such-route', {}],
      ];
      for (const [path, opts] of requests) {
        const res = await call(path, { ...opts, now: T0, env: broken });
        expect(res.status, path).toBe(503);
        expect(res.body.error.code).toBe('server_misconfigured');
        expect(res.body.error.message).toContain(problem);
        expect(res.body.error.message).toContain('npx wrangler secret put IP_HASH_SALT');
        expect(res.body.error.message).toContain('at least 32 characters');
        expect(res.body.error.requestId).toMatch(/^req_/);
      }
      expect(await dbFingerprint()).toBe(before);
      expect(await shopObject(env, shop.shopId).pendingCount()).toBe(pendingBefore);
    },
  );

  it('/healthz still answers (a liveness probe), and a 32-character salt is enough', async () => {
    const health = await call('/healthz', { env: { IP_HASH_SALT: undefined } });
    expect(health.status).toBe(200);
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const res = await call('/v1/clicks', {
      key: shop.pk,
      origin: ORIGIN,
      body: { code: referrer.code },
      now: T0,
      env: { IP_HASH_SALT: 'y'.repeat(32) },
    });
    expect(res.status).toBe(201);
  });
});

describe('what a click stores', () => {
  it('IP, user-agent and visitor hashes are the HMAC pseudonyms, never a SHA-256 of the value', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const ip = '198.51.100.23';
    const ua = 'Mozilla/5.0 (Linux; Android 15) ShareCartTest/1.0';
    const res = await call('/v1/clicks', {
      key: shop.pk,
      origin: ORIGIN,
      now: T0 + 5000,
      body: { code: referrer.code, visitorId: 'visitor-stored-1' },
      headers: { 'CF-Connecting-IP': ip, 'User-Agent': ua },
    });
    expect(res.status).toBe(201);
    await shopObject(env, shop.shopId).flush();
    const row = await env.DB.prepare('SELECT ip_hash, ua_hash, visitor_hash FROM clicks WHERE id = ?')
      .bind(res.body.clickId)
      .first<{ ip_hash: string; ua_hash: string; visitor_hash: string }>();
    expect(row!.ip_hash).toBe((await ipHashes(SALT, ip, T0 + 5000)).current);
    expect(row!.ua_hash).toBe(await uaHash(SALT, ua, T0 + 5000));
    expect(row!.visitor_hash).toBe(await visitorHash(SALT, 'visitor-stored-1'));
    for (const plain of [ip, `${SALT}:${ip}`]) expect(row!.ip_hash).not.toBe(await sha256Hex(plain));
    expect(row!.ua_hash).not.toBe(await sha256Hex(`${SALT}:${ua}`));
  });
});
