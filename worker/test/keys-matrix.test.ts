/**
 * Guarantee 10: two kinds of key. Every endpoint of the OpenAPI document × key kind (none,
 * publishable, secret, admin, revoked, another shop's) × Origin (allowed, disallowed, absent)
 * gets the expected status; CORS echoes only the shop's allowed origin, always with
 * `Vary: Origin` and never with credentials; secret keys are stored only as hashes; rotation
 * revokes at once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { ADMIN, call, createReferrer, createShop, ORIGIN, type TestShop } from './helpers';
import { T0, dbFingerprint, reportOrder } from './fixtures';

const OTHER_ORIGIN = 'https://other-shop.example';
const EVIL = 'https://evil.example';

type KeyKind =
  'none' | 'publishable' | 'secret' | 'admin' | 'revokedPublishable' | 'revokedSecret' | 'otherPublishable' | 'otherSecret';
type OriginKind = 'allowed' | 'disallowed' | 'absent';
const KEY_KINDS: KeyKind[] = [
  'none',
  'publishable',
  'secret',
  'admin',
  'revokedPublishable',
  'revokedSecret',
  'otherPublishable',
  'otherSecret',
];
const ORIGINS: Record<OriginKind, string | null> = { allowed: ORIGIN, disallowed: EVIL, absent: null };

interface Operation {
  method: string;
  path: string;
  security: string[];
}

interface RequestSpec {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** status with this shop's own accepted key */
  ok: number;
  /** status with another shop's accepted secret key (its own data, or 404 for ours) */
  foreign?: number;
}

let a: TestShop & { revokedPk: string; revokedSk: string };
let b: TestShop;
let c: TestShop;
let operations: Operation[];
let specs: Record<string, RequestSpec>;

beforeAll(async () => {
  const first = await createShop({ allowedOrigins: [ORIGIN] });
  const rotated = await call(`/v1/admin/shops/${first.shopId}/keys/rotate`, { key: ADMIN, body: { kind: 'both' } });
  expect(rotated.status).toBe(200);
  a = { ...first, pk: rotated.body.publishableKey, sk: rotated.body.secretKey, revokedPk: first.pk, revokedSk: first.sk };
  b = await createShop({ allowedOrigins: [OTHER_ORIGIN] });
  c = await createShop({ allowedOrigins: ['https://c.example'] });

  const { referrer, token } = await createReferrer(a);
  const toBlock = await createReferrer(a);
  const order = { orderId: 'MX-1', amountMinor: 16800, currency: 'HKD', referralCode: referrer.code };
  const reported = await reportOrder(a, order);
  expect(reported.status).toBe(201);
  const conversionId = reported.body.conversion.id as string;
  // refunded only by this matrix: another shop never reported an order with this id
  expect((await reportOrder(a, { orderId: 'MX-R', amountMinor: 5000, currency: 'HKD' })).status).toBe(201);
  const rt = { 'X-Referrer-Token': token };

  specs = {
    'POST /v1/admin/shops': {
      path: '/v1/admin/shops',
      body: { name: 'Matrix shop', currency: 'HKD', siteUrl: 'https://m.example/' },
      ok: 201,
    },
    'POST /v1/admin/shops/{shopId}/keys/rotate': {
      path: `/v1/admin/shops/${c.shopId}/keys/rotate`,
      body: { kind: 'publishable' },
      ok: 200,
    },
    'PUT /v1/admin/shops/{shopId}/origins': {
      path: `/v1/admin/shops/${c.shopId}/origins`,
      body: { origins: ['https://c.example'] },
      ok: 200,
    },
    'GET /v1/admin/shops/{shopId}': { path: `/v1/admin/shops/${c.shopId}`, ok: 200 },
    'GET /v1/config': { path: '/v1/config', ok: 200 },
    'POST /v1/referrers': { path: '/v1/referrers', body: { displayName: 'Matrix' }, ok: 201, foreign: 201 },
    'GET /v1/referrers': { path: '/v1/referrers', ok: 200, foreign: 200 },
    'GET /v1/referrers/me': { path: '/v1/referrers/me', headers: rt, ok: 200 },
    'POST /v1/referrers/me/claim': { path: '/v1/referrers/me/claim', headers: rt, body: { email: 'matrix@example.hk' }, ok: 200 },
    'POST /v1/shares': { path: '/v1/shares', headers: rt, body: { channel: 'whatsapp' }, ok: 201 },
    'POST /v1/clicks': { path: '/v1/clicks', body: { code: referrer.code }, ok: 201 },
    'POST /v1/conversions': { path: '/v1/conversions', body: order, ok: 201, foreign: 201 },
    'GET /v1/conversions': { path: '/v1/conversions', ok: 200, foreign: 200 },
    'POST /v1/conversions/browser': {
      path: '/v1/conversions/browser',
      ok: 201,
      body: {
        orderId: 'MX-B',
        amountMinor: 16800,
        currency: 'HKD',
        items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
      },
    },
    'GET /v1/conversions/{id}': { path: `/v1/conversions/${conversionId}`, ok: 200, foreign: 404 },
    'POST /v1/refunds': {
      path: '/v1/refunds',
      body: { orderId: 'MX-R', refundId: 'mx-r', amountMinor: 100 },
      ok: 201,
      foreign: 404,
    },
    'GET /v1/ledger': { path: '/v1/ledger', ok: 200, foreign: 200 },
    'GET /v1/balances': { path: '/v1/balances', ok: 200, foreign: 200 },
    'POST /v1/payouts': {
      path: '/v1/payouts',
      body: { referrerId: referrer.id, amountMinor: 1_000_000_000 },
      ok: 422,
      foreign: 404,
    },
    'POST /v1/referrers/{id}/approve': { path: `/v1/referrers/${referrer.id}/approve`, ok: 200, foreign: 404 },
    'POST /v1/referrers/{id}/block': { path: `/v1/referrers/${toBlock.referrer.id}/block`, ok: 200, foreign: 404 },
    'GET /v1/referrers/{id}/balances': { path: `/v1/referrers/${referrer.id}/balances`, ok: 200, foreign: 404 },
    'POST /v1/referrers/holds/{conversionId}/release': {
      path: `/v1/referrers/holds/${conversionId}/release`,
      ok: 409,
      foreign: 404,
    },
    'GET /v1/program': { path: '/v1/program', ok: 200, foreign: 200 },
    'PUT /v1/program': { path: '/v1/program', body: { holdDays: 30 }, ok: 200, foreign: 200 },
    'GET /v1/products': { path: '/v1/products', ok: 200, foreign: 200 },
    'PUT /v1/products/{sku}': {
      path: '/v1/products/oolong-250g',
      body: { name: 'Oolong tea 250 g', priceMinor: 16800 },
      ok: 200,
      foreign: 200,
    },
  };

  const doc = await call('/openapi.json');
  expect(doc.status).toBe(200);
  operations = [];
  for (const [path, ops] of Object.entries<Record<string, { security?: Array<Record<string, string[]>> }>>(doc.body.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      operations.push({ method: method.toUpperCase(), path, security: (op.security ?? []).flatMap((s) => Object.keys(s)) });
    }
  }
});

function keyOf(kind: KeyKind): string | undefined {
  return {
    none: undefined,
    publishable: a.pk,
    secret: a.sk,
    admin: ADMIN,
    revokedPublishable: a.revokedPk,
    revokedSecret: a.revokedSk,
    otherPublishable: b.pk,
    otherSecret: b.sk,
  }[kind];
}

/** What the endpoint must answer for this key kind and origin. */
function expected(
  op: Operation,
  spec: RequestSpec | undefined,
  kind: KeyKind,
  origin: OriginKind,
): { status: number | 'pass'; code?: string } {
  const pass = spec ? spec.ok : 'pass';
  if (op.security.includes('adminToken')) return kind === 'admin' ? { status: pass } : { status: 401, code: 'unauthorized' };
  if (kind === 'none' || kind === 'admin' || kind === 'revokedPublishable' || kind === 'revokedSecret')
    return { status: 401, code: 'unauthorized' };
  const acceptsPk = op.security.includes('publishableKey');
  const acceptsSk = op.security.includes('secretKey');
  if (kind === 'publishable' || kind === 'otherPublishable') {
    if (!acceptsPk) return { status: 403, code: 'forbidden' };
    // the allowed origin is this shop's, never the other shop's
    return kind === 'publishable' && origin === 'allowed' ? { status: pass } : { status: 403, code: 'origin_not_allowed' };
  }
  if (!acceptsSk) return { status: 403, code: 'forbidden' };
  // secret keys are for servers: the Origin header plays no part
  return kind === 'secret' ? { status: pass } : { status: spec?.foreign ?? 'pass' };
}

describe('endpoint × key kind × origin (guarantee 10)', () => {
  it('the document lists the endpoints this matrix knows, each with its key kind', () => {
    const listed = operations.map((o) => `${o.method} ${o.path}`);
    for (const known of Object.keys(specs)) expect(listed).toContain(known);
    for (const op of operations) {
      if (op.path.startsWith('/v1/'))
        expect({ op: `${op.method} ${op.path}`, secured: op.security.length > 0 }).toEqual({
          op: `${op.method} ${op.path}`,
          secured: true,
        });
    }
  });

  it('every combination answers as the key rules say, and CORS echoes only the allowed origin', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const op of operations) {
      if (!op.path.startsWith('/v1/')) continue;
      const spec = specs[`${op.method} ${op.path}`];
      const path = spec?.path ?? op.path.replace(/\{[^}]+\}/g, 'unknown');
      for (const kind of KEY_KINDS) {
        for (const origin of Object.keys(ORIGINS) as OriginKind[]) {
          const want = expected(op, spec, kind, origin);
          const body = spec?.body ?? (op.method === 'GET' ? undefined : {});
          const res = await call(path, {
            method: op.method,
            key: keyOf(kind),
            origin: ORIGINS[origin],
            body,
            headers: spec?.headers,
            now: T0,
          });
          checked++;
          const label = `${op.method} ${op.path} key=${kind} origin=${origin}`;
          const got = res.status;
          if (want.status === 'pass') {
            if (got === 401 || got === 403 || got >= 500)
              failures.push(`${label}: expected to pass the key check, got ${got} ${JSON.stringify(res.body)}`);
          } else if (got !== want.status) {
            failures.push(`${label}: expected ${want.status}, got ${got} ${JSON.stringify(res.body)}`);
          }
          if (want.code && res.body?.error?.code !== want.code)
            failures.push(`${label}: expected code ${want.code}, got ${res.body?.error?.code}`);
          // CORS on every response
          const acao = res.headers.get('Access-Control-Allow-Origin');
          const shouldEcho = kind === 'publishable' && origin === 'allowed' && op.security.includes('publishableKey');
          if (shouldEcho ? acao !== ORIGIN : acao !== null) failures.push(`${label}: Access-Control-Allow-Origin ${acao}`);
          if (res.headers.get('Access-Control-Allow-Credentials') !== null)
            failures.push(`${label}: sends Access-Control-Allow-Credentials`);
          if (!(res.headers.get('Vary') ?? '').split(/,\s*/).includes('Origin')) failures.push(`${label}: no Vary: Origin`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(27 * 8 * 3);
  });
});

describe('CORS preflight', () => {
  it('answers an allowed origin with exactly that origin, Vary: Origin and no credentials', async () => {
    const res = await call('/v1/clicks', {
      method: 'OPTIONS',
      origin: ORIGIN,
      headers: { 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(res.headers.get('Vary')).toContain('Origin');
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    expect(res.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/);
    expect(res.headers.get('Access-Control-Allow-Headers')).toMatch(/X-Referrer-Token/);
  });

  it('refuses an unknown origin, a missing origin and the opaque "null" origin', async () => {
    for (const origin of [EVIL, null, 'null', `${ORIGIN}.evil.example`, 'http://shop.example']) {
      const res = await call('/v1/clicks', { method: 'OPTIONS', origin, headers: { 'Access-Control-Request-Method': 'POST' } });
      expect({ origin, status: res.status }).toEqual({ origin, status: 403 });
      expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
      expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    }
  });

  it('a publishable key from a look-alike origin or the opaque "null" origin is refused', async () => {
    for (const origin of ['null', `${ORIGIN}.evil.example`, 'http://shop.example', `${ORIGIN}:8443`]) {
      const res = await call('/v1/config', { key: a.pk, origin });
      expect({ origin, status: res.status, code: res.body.error?.code }).toEqual({
        origin,
        status: 403,
        code: 'origin_not_allowed',
      });
    }
  });
});

describe('secret keys are stored hashed and rotation revokes at once', () => {
  it('no table holds a secret key in clear; the lookup is its SHA-256', async () => {
    const shop = await createShop();
    const all = await dbFingerprint();
    expect(all).not.toContain(shop.sk);
    expect(all).not.toContain(shop.sk.slice(0, 20));
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE lookup LIKE 'sk\\_%' ESCAPE '\\'").first<{ n: number }>())!
        .n,
    ).toBe(0);
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(shop.sk)))]
      .map((x) => x.toString(16).padStart(2, '0'))
      .join('');
    const row = await env.DB.prepare("SELECT lookup, hint FROM api_keys WHERE shop_id = ? AND kind = 'secret'")
      .bind(shop.shopId)
      .first<{ lookup: string; hint: string }>();
    expect(row).toEqual({ lookup: digest, hint: shop.sk.slice(-4) });
    // reading the shop back never shows it again
    const read = await call(`/v1/admin/shops/${shop.shopId}`, { key: ADMIN });
    expect(JSON.stringify(read.body)).not.toContain(shop.sk);
    // the hash itself is not a key
    expect((await call('/v1/program', { key: digest })).status).toBe(401);
    expect((await call('/v1/program', { key: `sk_${digest}` })).status).toBe(401);
  });

  it('rotating the secret key: the old one stops at once, the new one works, the publishable key is untouched', async () => {
    const shop = await createShop();
    const rotated = await call(`/v1/admin/shops/${shop.shopId}/keys/rotate`, { key: ADMIN, body: { kind: 'secret' } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.publishableKey).toBeUndefined();
    expect(rotated.body.secretKey).toMatch(/^sk_/);
    expect(rotated.body.secretKey).not.toBe(shop.sk);
    const old = await call('/v1/program', { key: shop.sk });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('unauthorized');
    expect((await call('/v1/program', { key: rotated.body.secretKey })).status).toBe(200);
    expect((await call('/v1/config', { key: shop.pk, origin: ORIGIN })).status).toBe(200);
  });

  it('rotating the publishable key: the old one stops, the new one works from the allowed origin', async () => {
    const shop = await createShop();
    expect((await call('/v1/config', { key: shop.pk, origin: ORIGIN })).status).toBe(200); // now cached
    const rotated = await call(`/v1/admin/shops/${shop.shopId}/keys/rotate`, { key: ADMIN, body: { kind: 'publishable' } });
    expect((await call('/v1/config', { key: shop.pk, origin: ORIGIN })).status).toBe(401);
    expect((await call('/v1/config', { key: rotated.body.publishableKey, origin: ORIGIN })).status).toBe(200);
    expect((await call('/v1/program', { key: shop.sk })).status).toBe(200);
  });

  it('changing the allowed origins applies to the next request', async () => {
    const shop = await createShop();
    expect((await call('/v1/config', { key: shop.pk, origin: ORIGIN })).status).toBe(200);
    const changed = await call(`/v1/admin/shops/${shop.shopId}/origins`, {
      method: 'PUT',
      key: ADMIN,
      body: { origins: ['https://new-shop.example'] },
    });
    expect(changed.status).toBe(200);
    expect((await call('/v1/config', { key: shop.pk, origin: ORIGIN })).status).toBe(403);
    expect((await call('/v1/config', { key: shop.pk, origin: 'https://new-shop.example' })).status).toBe(200);
  });

  it('only a Bearer secret key is accepted; other schemes and malformed headers are 401', async () => {
    const shop = await createShop();
    for (const header of [
      `Basic ${shop.sk}`,
      shop.sk,
      `Bearer ${shop.sk} extra`,
      `Bearer`,
      `Bearer ${shop.sk.slice(0, -1)}`,
      `Bearer ${shop.sk}x`,
    ]) {
      const res = await call('/v1/program', { headers: { Authorization: header } });
      expect({ header, status: res.status }).toEqual({ header, status: 401 });
    }
    expect((await call('/v1/program', { headers: { Authorization: `bearer ${shop.sk}` } })).status).toBe(200);
  });
});
