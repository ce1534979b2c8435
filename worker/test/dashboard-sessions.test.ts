/**
 * Dashboard sign-in (issue 7 §2): revocable dashboard tokens (admin API and secret key, stored
 * hashed), exchanged for an HttpOnly; Secure; SameSite=Strict session cookie; CSRF protection of
 * every change (own Origin + the session's X-CSRF-Token); sessions scoped to one shop; sign-out,
 * expiry and revocation; embedded sessions (bearer, from the shop's allowed origins).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { ADMIN, BASE, ORIGIN, call, createReferrer, createShop, type TestShop } from './helpers';
import { T0 } from './fixtures';

const HOUR = 3_600_000;

interface SignedIn {
  cookie: string;
  csrf: string;
  setCookie: string;
}

async function newToken(shop: TestShop, via: 'admin' | 'secret' = 'admin', body: Record<string, unknown> = {}) {
  const res =
    via === 'admin'
      ? await call(`/v1/admin/shops/${shop.shopId}/dashboard-tokens`, { key: ADMIN, body: { label: 'Owner', ...body }, now: T0 })
      : await call('/v1/dashboard-tokens', { key: shop.sk, body: { label: 'Owner', ...body }, now: T0 });
  expect(res.status).toBe(201);
  return res.body as { token: string; signInUrl: string; dashboardToken: { id: string; hint: string } };
}

async function signIn(token: string, now = T0): Promise<SignedIn> {
  const res = await call('/v1/sessions', { key: token, origin: BASE, body: {}, now });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('Set-Cookie')!;
  const value = /__Host-sc_session=([^;]+)/.exec(setCookie)![1]!;
  return { cookie: `__Host-sc_session=${value}`, csrf: res.body.session.csrfToken, setCookie };
}

/** A request of the dashboard page itself (same origin), with the session cookie. */
function page(
  s: SignedIn,
  path: string,
  opts: { method?: string; body?: unknown; csrf?: string | null; origin?: string | null; now?: number } = {},
) {
  const headers: Record<string, string> = { Cookie: s.cookie };
  if (opts.csrf !== null) headers['X-CSRF-Token'] = opts.csrf ?? s.csrf;
  return call(path, {
    method: opts.method,
    body: opts.body,
    origin: opts.origin === undefined ? BASE : opts.origin,
    headers,
    now: opts.now ?? T0,
  });
}

let a: TestShop;
let b: TestShop;

beforeAll(async () => {
  a = await createShop();
  b = await createShop({ name: 'Other shop', allowedOrigins: ['https://b.example'] });
});

describe('dashboard tokens', () => {
  it('are created by the admin API and the secret key, shown once and stored only as SHA-256', async () => {
    const byAdmin = await newToken(a, 'admin');
    const bySecret = await newToken(a, 'secret');
    for (const t of [byAdmin, bySecret]) {
      expect(t.token).toMatch(/^dt_[A-Za-z0-9]{32}$/);
      expect(t.signInUrl).toBe(`${BASE}/dashboard/#token=${t.token}`);
      expect(t.dashboardToken.hint).toBe(t.token.slice(-4));
    }
    const { results } = await env.DB.prepare('SELECT * FROM dashboard_tokens').all();
    expect(JSON.stringify(results)).not.toContain(byAdmin.token);
    expect(JSON.stringify(results)).not.toContain(bySecret.token);
    const listed = await call('/v1/dashboard-tokens', { key: a.sk });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((t: { createdBy: string }) => t.createdBy).sort()).toEqual(['admin', 'secret_key']);
    expect(JSON.stringify(listed.body)).not.toContain(byAdmin.token);
    // the other shop sees none of them
    expect((await call('/v1/dashboard-tokens', { key: b.sk })).body.data).toEqual([]);
  });

  it('are not API keys: a dashboard token reads nothing, and the secret key does not sign in', async () => {
    const { token } = await newToken(a);
    const ledger = await call('/v1/ledger', { key: token });
    expect([ledger.status, ledger.body.error.code]).toEqual([403, 'forbidden']);
    const bySecret = await call('/v1/sessions', { key: a.sk, origin: BASE, body: {} });
    expect([bySecret.status, bySecret.body.error.code]).toEqual([403, 'forbidden']);
    expect((await call('/v1/sessions', { key: 'dt_nope', origin: BASE, body: {} })).status).toBe(401);
  });
});

describe('sign-in and the session cookie', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict __Host- cookie for 4 hours; the session reads its own shop', async () => {
    const { token } = await newToken(a);
    const s = await signIn(token);
    expect(s.setCookie).toMatch(
      /^__Host-sc_session=dss_[A-Za-z0-9]{32}; Max-Age=14400; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    const current = await page(s, '/v1/sessions/current', { csrf: null });
    expect(current.status).toBe(200);
    expect(current.body.session).toMatchObject({ kind: 'cookie', expiresAt: T0 + 4 * HOUR, csrfToken: s.csrf });
    expect(current.body.session.shop.id).toBe(a.shopId);
    expect((await page(s, '/v1/ledger', { csrf: null })).status).toBe(200);
    // the session secret is stored only as a hash
    const { results } = await env.DB.prepare('SELECT * FROM dashboard_sessions').all();
    expect(JSON.stringify(results)).not.toContain(s.cookie.split('=')[1]);
  });

  it('signs in only on the dashboard itself (a foreign Origin is refused)', async () => {
    const { token } = await newToken(a);
    const res = await call('/v1/sessions', { key: token, origin: 'https://evil.example', body: {} });
    expect([res.status, res.body.error.code]).toEqual([403, 'csrf_failed']);
    expect(res.headers.get('Set-Cookie')).toBeNull();
  });

  it('refuses every change without the CSRF token or from another origin, and changes nothing', async () => {
    const s = await signIn((await newToken(a)).token);
    const other = await signIn((await newToken(a)).token);
    const body = { disclosure: 'Changed by CSRF?' };
    for (const [label, opts] of [
      ['no token', { csrf: null }],
      ['wrong token', { csrf: 'x'.repeat(64) }],
      ["another session's token", { csrf: other.csrf }],
      ['foreign origin', { origin: 'https://evil.example' }],
      ['no origin, cross-site', { origin: null }],
    ] as const) {
      const res = await page(s, '/v1/shop', { method: 'PATCH', body, ...opts });
      expect({ label, status: res.status, code: res.body.error?.code }).toEqual({ label, status: 403, code: 'csrf_failed' });
    }
    expect((await call('/v1/shop', { key: a.sk })).body.shop.disclosure).toBeNull();
    // the same request from the dashboard with its token goes through
    const ok = await page(s, '/v1/shop', { method: 'PATCH', body });
    expect(ok.status).toBe(200);
    expect(ok.body.shop.disclosure).toBe('Changed by CSRF?');
    // a browser's same-origin request without Origin says so with Sec-Fetch-Site
    const sameSite = await call('/v1/shop', {
      method: 'PATCH',
      body: { disclosure: null },
      headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(sameSite.status).toBe(200);
  });

  it('is scoped to its shop: another shop’s referrers, conversions and batches are not found', async () => {
    const { referrer } = await createReferrer(a);
    const s = await signIn((await newToken(b)).token);
    expect((await page(s, `/v1/referrers/${referrer.id}`, { csrf: null })).status).toBe(404);
    expect((await page(s, `/v1/referrers/${referrer.id}/block`, { method: 'POST' })).status).toBe(404);
    expect((await page(s, `/v1/referrers/${referrer.id}`, { method: 'PATCH', body: { rateBps: 9000 } })).status).toBe(404);
    const list = await page(s, '/v1/referrers', { csrf: null });
    expect(list.body.data.map((r: { id: string }) => r.id)).not.toContain(referrer.id);
    expect((await call(`/v1/referrers/${referrer.id}`, { key: a.sk })).body.referrer.status).toBe('active');
  });

  it('opens the webhook endpoint, its URL (a CSRF-protected change), the deliveries and retries; never the signing secret', async () => {
    const shop = await createShop({ name: 'Hooked shop' });
    const s = await signIn((await newToken(shop)).token);
    const endpoint = await page(s, '/v1/webhooks', { csrf: null });
    expect([endpoint.status, endpoint.body.endpoint.url]).toEqual([200, null]);
    const url = 'https://hooks.shop.example/sharecart';
    const refused = await page(s, '/v1/webhooks', { method: 'PUT', body: { url }, csrf: null });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'csrf_failed']);
    expect((await call('/v1/webhooks', { key: shop.sk })).body.endpoint.url).toBeNull();
    const set = await page(s, '/v1/webhooks', { method: 'PUT', body: { url } });
    expect([set.status, set.body.endpoint.url]).toEqual([200, url]);
    expect((await call('/v1/webhooks', { key: shop.sk })).body.endpoint.url).toBe(url);
    const dead = await page(s, '/v1/webhooks/deliveries?status=dead', { csrf: null });
    expect([dead.status, dead.body.data, dead.body.has_more]).toEqual([200, [], false]);
    expect((await page(s, '/v1/webhooks/deliveries/evt_nope/retry', { method: 'POST', csrf: null })).status).toBe(403);
    expect((await page(s, '/v1/webhooks/deliveries/evt_nope/retry', { method: 'POST' })).status).toBe(404);
    // the signing secret and its rotation stay with the secret key
    for (const [path, method] of [
      ['/v1/webhooks/secret', 'GET'],
      ['/v1/webhooks/secret/rotate', 'POST'],
    ] as const) {
      const res = await page(s, path, { method, body: method === 'POST' ? {} : undefined });
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({ path, status: 403, code: 'forbidden' });
    }
    // another shop's session reads and changes its own endpoint only
    const other = await signIn((await newToken(b)).token);
    expect((await page(other, '/v1/webhooks', { csrf: null })).body.endpoint.url).not.toBe(url);
  });

  it('reads its shop’s team-buy teams and their records (the Teams view); another shop’s session finds none', async () => {
    const shop = await createShop({ name: 'Team shop' });
    const put = await call('/v1/team-offers/oolong-250g', { method: 'PUT', key: shop.sk, body: { size: 2, priceMinor: 15000 } });
    expect(put.status).toBe(200);
    const started = await call('/v1/teams', {
      key: shop.pk,
      origin: ORIGIN,
      body: { sku: 'oolong-250g', visitorId: 'visitor-dash-0123456789', name: 'Ka Yan' },
      now: T0,
    });
    expect(started.status).toBe(201);
    const teamId: string = started.body.team.id;
    const s = await signIn((await newToken(shop)).token);
    const listed = await page(s, '/v1/teams?status=open', { csrf: null });
    expect(listed.status).toBe(200);
    expect(
      listed.body.data.map((t: { id: string; status: string; leaderName: string }) => [t.id, t.status, t.leaderName]),
    ).toEqual([[teamId, 'open', 'Ka Y.']]);
    expect((await page(s, '/v1/teams?status=complete', { csrf: null })).body.data).toEqual([]);
    expect((await page(s, `/v1/teams/${teamId}/record`, { csrf: null })).body.team.memberCount).toBe(1);
    expect((await page(s, '/v1/team-offers', { csrf: null })).body.data.map((o: { sku: string }) => o.sku)).toEqual([
      'oolong-250g',
    ]);
    const other = await signIn((await newToken(b)).token);
    expect((await page(other, '/v1/teams', { csrf: null })).body.data.map((t: { id: string }) => t.id)).not.toContain(teamId);
    const foreign = await page(other, `/v1/teams/${teamId}/record`, { csrf: null });
    expect(foreign.status).toBe(404);
  });

  it('ends at its expiry, at sign-out, and when its token is revoked', async () => {
    const t = await newToken(a);
    const s = await signIn(t.token);
    expect((await page(s, '/v1/ledger', { csrf: null, now: T0 + 4 * HOUR - 1 })).status).toBe(200);
    const expired = await page(s, '/v1/ledger', { csrf: null, now: T0 + 4 * HOUR });
    expect([expired.status, expired.body.error.code]).toEqual([401, 'session_expired']);

    const s2 = await signIn(t.token);
    const out = await page(s2, '/v1/sessions/current', { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect(out.headers.get('Set-Cookie')).toMatch(/^__Host-sc_session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Strict/);
    expect((await page(s2, '/v1/ledger', { csrf: null })).status).toBe(401);

    const s3 = await signIn(t.token);
    const revoked = await call(`/v1/dashboard-tokens/${t.dashboardToken.id}/revoke`, { key: a.sk, body: {}, now: T0 });
    expect(revoked.status).toBe(200);
    expect(revoked.body.dashboardToken.revokedAt).toBe(T0);
    expect((await page(s3, '/v1/ledger', { csrf: null })).status).toBe(401);
    expect((await call('/v1/sessions', { key: t.token, origin: BASE, body: {} })).status).toBe(401);
    // another shop cannot revoke ours
    const mine = await newToken(a);
    expect((await call(`/v1/dashboard-tokens/${mine.dashboardToken.id}/revoke`, { key: b.sk, body: {} })).status).toBe(404);
  });

  it('expired tokens do not sign in', async () => {
    const t = await newToken(a, 'secret', { expiresInDays: 1 });
    expect((await call('/v1/sessions', { key: t.token, origin: BASE, body: {}, now: T0 + 25 * HOUR })).status).toBe(401);
  });
});

describe('embedded sessions (the shop’s own admin page)', () => {
  it('are minted with the secret key and work as a bearer from the allowed origins only, without CSRF', async () => {
    const minted = await call('/v1/sessions/embedded', { key: a.sk, body: {}, now: T0 });
    expect(minted.status).toBe(201);
    expect(minted.body.expiresAt).toBe(T0 + HOUR);
    const token = minted.body.sessionToken as string;
    const read = await call('/v1/stats/funnel', { key: token, origin: ORIGIN, now: T0 });
    expect(read.status).toBe(200);
    expect(read.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(read.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    const change = await call('/v1/shop', {
      method: 'PATCH',
      key: token,
      origin: ORIGIN,
      body: { consentMode: 'required' },
      now: T0,
    });
    expect([change.status, change.body.shop.consentMode]).toEqual([200, 'required']);
    const foreign = await call('/v1/stats/funnel', { key: token, origin: 'https://evil.example', now: T0 });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'origin_not_allowed']);
    // a bearer session is not a cookie, and the other way round
    expect((await call('/v1/ledger', { headers: { Cookie: `__Host-sc_session=${token}` }, now: T0 })).status).toBe(401);
    const s = await signIn((await newToken(a)).token);
    expect((await call('/v1/ledger', { key: s.cookie.split('=')[1], now: T0 })).status).toBe(401);
    expect((await call('/v1/ledger', { key: token, now: T0 + HOUR })).status).toBe(401);
  });

  it('a publishable key cannot mint one', async () => {
    const res = await call('/v1/sessions/embedded', { key: a.pk, origin: ORIGIN, body: {} });
    expect(res.status).toBe(403);
  });
});
