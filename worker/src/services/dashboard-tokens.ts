/**
 * Dashboard tokens: the shop's revocable sign-in credentials for its dashboard (never the API secret
 * key). Created by the worker's operator (admin token), the shop's server (secret key) or a signed-in
 * owner; shown once, stored as SHA-256; revoking one ends every session it opened at once.
 */
import type { DashboardToken, DashboardTokenCreate } from '../contract/sessions.js';
import type { DashboardTokenRow } from '../db/dashboard-tokens.js';
import { insertDashboardToken, listDashboardTokens, revokeDashboardToken } from '../db/dashboard-tokens.js';
import { getShop } from '../db/shops.js';
import { DAY_MS } from '../domain/time.js';
import { ApiError } from '../errors.js';
import { sha256Hex } from '../lib/crypto.js';
import { newDashboardToken, newId } from '../lib/ids.js';

export function presentDashboardToken(t: DashboardTokenRow): DashboardToken {
  return {
    id: t.id,
    label: t.label,
    hint: t.hint,
    createdBy: t.created_by,
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
  };
}

/** The dashboard's sign-in address: the token rides in the fragment, which browsers never send to a server. */
export const signInUrlOf = (baseUrl: string, token: string) => `${baseUrl}/dashboard/#token=${token}`;

export async function createDashboardToken(
  db: D1Database,
  shopId: string,
  input: { body: DashboardTokenCreate; createdBy: DashboardTokenRow['created_by']; now: number; baseUrl: string },
) {
  if (!(await getShop(db, shopId))) throw new ApiError(404, 'not_found', 'No such shop.');
  const token = newDashboardToken();
  const row: DashboardTokenRow = {
    id: newId('dtk'),
    shop_id: shopId,
    token_hash: await sha256Hex(token),
    hint: token.slice(-4),
    label: input.body.label,
    created_by: input.createdBy,
    created_at: input.now,
    expires_at: input.body.expiresInDays ? input.now + input.body.expiresInDays * DAY_MS : null,
    last_used_at: null,
    revoked_at: null,
  };
  await insertDashboardToken(db, row);
  return { dashboardToken: presentDashboardToken(row), token, signInUrl: signInUrlOf(input.baseUrl, token) };
}

export async function listTokens(db: D1Database, shopId: string) {
  if (!(await getShop(db, shopId))) throw new ApiError(404, 'not_found', 'No such shop.');
  return { data: (await listDashboardTokens(db, shopId)).map(presentDashboardToken) };
}

export async function revokeToken(db: D1Database, shopId: string, id: string, now: number) {
  const row = await revokeDashboardToken(db, shopId, id, now);
  if (!row) throw new ApiError(404, 'not_found', 'No such dashboard token in this shop.');
  return { dashboardToken: presentDashboardToken(row) };
}
