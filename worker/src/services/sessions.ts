/**
 * Dashboard sessions.
 *
 * Design (issue 7 §2):
 * - Sign-in: the owner opens `/dashboard/#token=dt_…` (the token in the fragment, never sent to a
 *   server or a Referer); the page posts it once as `Authorization: Bearer dt_…` to
 *   `POST /v1/sessions`, which answers with the session cookie `__Host-sc_session` — HttpOnly (no
 *   script reads it), Secure, SameSite=Strict (never sent on a cross-site request), Path=/ —
 *   valid COOKIE_SESSION_MS (4 h) from sign-in, and the page forgets the token.
 * - A session belongs to one shop: every request it makes reads and changes that shop only.
 * - CSRF: besides SameSite=Strict, every POST/PUT/PATCH/DELETE of a cookie session must come from
 *   the worker's own origin (Origin, else Sec-Fetch-Site: same-origin) and carry `X-CSRF-Token`:
 *   the synchronizer token of the session, HMAC-SHA256 of the session secret (lib/sessions.ts),
 *   which the page reads from `GET /v1/sessions/current`, a same-origin read no other site can make.
 * - Embedding in the shop's own admin: its server mints a short session with the secret key
 *   (`POST /v1/sessions/embedded`) and hands it to `<sc-shop-dashboard session-token>`, which sends
 *   it as a bearer (no cookie, so nothing for CSRF to ride on) from the shop's allowed origins.
 * - It ends at its expiry, at sign-out (`DELETE /v1/sessions/current`) or when its dashboard token
 *   is revoked. Only SHA-256 hashes of tokens and session secrets are stored.
 */
import type { Session } from '../contract/sessions.js';
import { insertSession, revokeSession } from '../db/sessions.js';
import type { SessionRow } from '../db/sessions.js';
import type { ShopRow } from '../db/shops.js';
import { listOrigins } from '../db/shops.js';
import { sha256Hex } from '../lib/crypto.js';
import { newSessionSecret } from '../lib/ids.js';
import { COOKIE_SESSION_MS, EMBEDDED_SESSION_MS, csrfTokenOf } from '../lib/sessions.js';
import type { SessionContext } from '../middleware/auth.js';
import { presentShop } from './shops.js';

async function open(db: D1Database, shop: ShopRow, kind: SessionRow['kind'], tokenId: string | null, now: number) {
  const secret = newSessionSecret();
  const row: SessionRow = {
    id_hash: await sha256Hex(secret),
    shop_id: shop.id,
    token_id: tokenId,
    kind,
    created_at: now,
    expires_at: now + (kind === 'cookie' ? COOKIE_SESSION_MS : EMBEDDED_SESSION_MS),
    revoked_at: null,
  };
  await insertSession(db, row);
  return { secret, row };
}

async function present(db: D1Database, shop: ShopRow, session: { row: SessionRow; secret: string }): Promise<Session> {
  return {
    kind: session.row.kind,
    expiresAt: session.row.expires_at,
    csrfToken: session.row.kind === 'cookie' ? await csrfTokenOf(session.secret) : null,
    shop: presentShop(shop, await listOrigins(db, shop.id)),
  };
}

/** Opens a cookie session with a dashboard token; the route sets the cookie from `secret`. */
export async function signIn(db: D1Database, shop: ShopRow, tokenId: string, now: number) {
  const session = await open(db, shop, 'cookie', tokenId, now);
  return { secret: session.secret, maxAgeSeconds: COOKIE_SESSION_MS / 1000, body: { session: await present(db, shop, session) } };
}

/** Mints an embedded session for the shop's own admin page (secret key). */
export async function embeddedSession(db: D1Database, shop: ShopRow, now: number) {
  const { secret, row } = await open(db, shop, 'embedded', null, now);
  return { sessionToken: secret, expiresAt: row.expires_at };
}

/** The current session, with its CSRF token (cookie sessions). */
export async function currentSession(db: D1Database, shop: ShopRow, session: SessionContext) {
  return { session: await present(db, shop, session) };
}

export async function signOut(db: D1Database, session: SessionContext, now: number): Promise<void> {
  await revokeSession(db, session.row.id_hash, now);
}
