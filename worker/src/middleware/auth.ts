/**
 * Credentials (guarantees.md §10). `Authorization: Bearer <credential>` (a WebSocket upgrade, which a
 * browser cannot give headers, may carry a publishable key as `?key=pk_…`):
 * - `pk_…` publishable: safe in HTML; only from the shop's allowed origins.
 * - `sk_…` secret: server to server; stored as SHA-256, compared in constant time.
 * - `dt_…` dashboard token: only signs in to the dashboard (POST /v1/sessions); stored as SHA-256.
 * - `dss_…` embedded dashboard session: minted by the shop's server for its own admin page; from
 *   the shop's allowed origins (CORS echoes them), no cookie, so no CSRF.
 * - or, without Authorization, the dashboard's session cookie (`__Host-sc_session`, HttpOnly,
 *   Secure, SameSite=Strict): same-origin only, and every unsafe method also needs the session's
 *   `X-CSRF-Token` and an Origin (or Sec-Fetch-Site) of the worker itself — else 403 `csrf_failed`.
 * - the admin token (env secret) for /v1/admin.
 * A route states which kinds it accepts; another valid kind gets 403 `forbidden`, none 401.
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { ShopRow } from '../db/shops.js';
import { ApiError } from '../errors.js';
import { getCookie } from 'hono/cookie';
import { findLiveKey, getShop as getShopRow, isOriginAllowed } from '../db/shops.js';
import { findLiveDashboardToken } from '../db/dashboard-tokens.js';
import { findLiveSession } from '../db/sessions.js';
import type { SessionRow } from '../db/sessions.js';
import { sha256Hex, timingSafeEqualStr } from '../lib/crypto.js';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenOf } from '../lib/sessions.js';
import { allowCorsOrigin } from './common.js';

/**
 * Key lookups and origin checks are cached per isolate for a few seconds: they sit on the click and
 * order paths, which must not pay a D1 read per request before doing their work. The isolate that
 * rotates or revokes a key (or changes origins) forgets its cache at once; other isolates follow
 * within SK_CACHE_MS for secret keys and PK_CACHE_MS for publishable keys and origins. Secret keys
 * are cached by their SHA-256 only, never in clear.
 */
export const PK_CACHE_MS = 10_000;
export const SK_CACHE_MS = 5_000;
const keyCache = new Map<string, { value: Awaited<ReturnType<typeof findLiveKey>>; at: number }>();
const originCache = new Map<string, { ok: boolean; at: number }>();

async function cachedKey(db: D1Database, lookup: string, ttl: number, now: number) {
  const hit = keyCache.get(lookup);
  if (hit && now - hit.at < ttl) return hit.value;
  const value = await findLiveKey(db, lookup);
  if (keyCache.size > 1000) keyCache.clear();
  keyCache.set(lookup, { value, at: now });
  return value;
}

async function cachedOriginAllowed(db: D1Database, shopId: string, origin: string, now: number) {
  const k = `${shopId} ${origin}`;
  const hit = originCache.get(k);
  if (hit && now - hit.at < PK_CACHE_MS) return hit.ok;
  const ok = await isOriginAllowed(db, shopId, origin);
  if (originCache.size > 5000) originCache.clear();
  originCache.set(k, { ok, at: now });
  return ok;
}

/** Forget cached keys and origins (the isolate that rotates keys or changes origins calls it at once). */
export function clearKeyCache(): void {
  keyCache.clear();
  originCache.clear();
}

function bearer(c: Context): string | null {
  const header = c.req.header('Authorization');
  // a browser's WebSocket cannot send headers: its upgrade request carries the publishable key as `?key=`
  if (!header && c.req.header('Upgrade')?.toLowerCase() === 'websocket')
    return c.req.query('key')?.startsWith('pk_') ? c.req.query('key')! : null;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m ? m[1]! : null;
}

/** The origin the browser is calling from, or null for a non-browser or same-origin GET. */
function requestOrigin(c: Context): string | null {
  const origin = c.req.header('Origin');
  if (origin && origin !== 'null') return origin.toLowerCase();
  return null;
}

export type ApiKeyKind = 'publishable' | 'secret' | 'session' | 'dashboardToken';

/** A dashboard session as the request carries it. */
export interface SessionContext {
  row: SessionRow;
  /** the session secret (cookie value or bearer), never stored: sign-out and the CSRF token need it */
  secret: string;
}

/**
 * What a credential middleware adds to the request: the credential's shop and its kind; for a
 * dashboard session, the session; for a dashboard token, its id.
 */
export interface KeyEnv extends AppEnv {
  Variables: AppEnv['Variables'] & {
    shop: ShopRow;
    keyKind: ApiKeyKind;
    session?: SessionContext;
    dashboardTokenId?: string;
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The worker's own origin (the dashboard's). */
const ownOrigin = (c: Context) => new URL(c.req.url).origin.toLowerCase();

/**
 * CSRF defence of a cookie session's unsafe request (OWASP: SameSite=Strict cookie, Origin
 * verification, and a synchronizer token bound to the session, sent in a custom header).
 */
async function checkCsrf(c: Context, secret: string): Promise<void> {
  const origin = requestOrigin(c);
  const sameOrigin = origin ? origin === ownOrigin(c) : c.req.header('Sec-Fetch-Site') === 'same-origin';
  const sent = c.req.header(CSRF_HEADER) ?? '';
  if (!sameOrigin || !timingSafeEqualStr(sent, await csrfTokenOf(secret))) {
    throw new ApiError(
      403,
      'csrf_failed',
      sameOrigin
        ? `Send the session's ${CSRF_HEADER} (GET /v1/sessions/current).`
        : 'Dashboard changes come only from the dashboard itself.',
    );
  }
}

async function sessionOf(c: Context, secret: string) {
  const found = await findLiveSession(c.env.DB, await sha256Hex(secret), c.get('now') ?? Date.now());
  if (!found) throw new ApiError(401, 'session_expired');
  return found;
}

/** What the admin middleware adds: that the admin token was checked. */
export interface AdminEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { keyKind: 'admin' };
}

/** Accepts only the listed credential kinds. @example createRoute({ …, middleware: [requireKey('secret', 'session')] }) */
export function requireKey(...kinds: ApiKeyKind[]) {
  return createMiddleware<KeyEnv>(async (c, next) => {
    const token = bearer(c);
    const cookie = token ? undefined : getCookie(c, SESSION_COOKIE);
    if (!token && !cookie) throw new ApiError(401, 'unauthorized', 'Send your key as Authorization: Bearer pk_… or sk_….');
    let kind: ApiKeyKind;
    let shop: ShopRow;
    if (cookie || token!.startsWith('dss_')) {
      const secret = (cookie ?? token)!;
      const found = await sessionOf(c, secret);
      // a cookie is only ever a cookie session, a bearer only an embedded one
      if (found.session.kind !== (cookie ? 'cookie' : 'embedded')) throw new ApiError(401, 'session_expired');
      kind = 'session';
      shop = found.shop;
      if (!kinds.includes(kind)) throw new ApiError(403, 'forbidden', `This endpoint needs a ${kinds.join(' or ')} credential.`);
      if (cookie) {
        if (UNSAFE.has(c.req.method)) await checkCsrf(c, secret);
      } else {
        const origin = requestOrigin(c);
        if (origin) {
          if (!(await cachedOriginAllowed(c.env.DB, shop.id, origin, Date.now()))) {
            throw new ApiError(403, 'origin_not_allowed', `${origin} is not an allowed origin of this shop.`);
          }
          allowCorsOrigin(c, c.req.header('Origin')!);
        }
      }
      c.set('session', { row: found.session, secret });
    } else if (token!.startsWith('dt_')) {
      const found = await findLiveDashboardToken(c.env.DB, await sha256Hex(token!), c.get('now') ?? Date.now());
      const live = found && (await getShopRow(c.env.DB, found.shop_id));
      if (!found || !live) throw new ApiError(401, 'unauthorized', 'Unknown, expired or revoked dashboard token.');
      kind = 'dashboardToken';
      shop = live;
      if (!kinds.includes(kind)) throw new ApiError(403, 'forbidden', `This endpoint needs a ${kinds.join(' or ')} credential.`);
      c.set('dashboardTokenId', found.id);
    } else {
      let lookup: string;
      if (token!.startsWith('pk_')) {
        kind = 'publishable';
        lookup = token!;
      } else if (token!.startsWith('sk_')) {
        kind = 'secret';
        lookup = await sha256Hex(token!);
      } else {
        throw new ApiError(401, 'unauthorized', 'Unknown API key.');
      }
      const key = await cachedKey(c.env.DB, lookup, kind === 'publishable' ? PK_CACHE_MS : SK_CACHE_MS, Date.now());
      // the lookup is by hash for secret keys; compare again in constant time as the last word
      if (!key || key.kind !== kind || !timingSafeEqualStr(key.lookup, lookup)) {
        throw new ApiError(401, 'unauthorized', 'Unknown or revoked API key.');
      }
      if (!kinds.includes(kind)) {
        throw new ApiError(403, 'forbidden', `This endpoint needs a ${kinds.join(' or ')} key.`);
      }
      if (kind === 'publishable') {
        const origin = requestOrigin(c) ?? sameOriginFallback(c);
        if (!origin || !(await cachedOriginAllowed(c.env.DB, key.shop.id, origin, Date.now()))) {
          throw new ApiError(
            403,
            'origin_not_allowed',
            origin
              ? `${origin} is not an allowed origin of this shop.`
              : "Publishable keys work only from the shop's allowed origins.",
          );
        }
        const sent = c.req.header('Origin');
        if (sent) allowCorsOrigin(c, sent);
      }
      shop = key.shop;
    }
    c.set('shop', shop);
    c.set('keyKind', kind);
    await next();
  });
}

/**
 * Browsers omit Origin on same-origin GETs; they do send `Sec-Fetch-Site: same-origin`, in which case
 * the page's origin is the worker's own.
 */
function sameOriginFallback(c: Context): string | null {
  if (c.req.header('Sec-Fetch-Site') === 'same-origin') return new URL(c.req.url).origin.toLowerCase();
  return null;
}

export const requireAdmin = createMiddleware<AdminEnv>(async (c, next) => {
  const token = bearer(c);
  const expected = c.env.ADMIN_TOKEN;
  if (!expected || expected.length < 16) {
    throw new ApiError(403, 'forbidden', 'ADMIN_TOKEN is not configured on this worker.');
  }
  if (!token || !timingSafeEqualStr(token, expected)) throw new ApiError(401, 'unauthorized', 'Admin token required.');
  c.set('keyKind', 'admin');
  await next();
});
