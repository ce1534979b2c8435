/** Queries for dashboard tokens: revocable sign-in credentials of a shop's dashboard, stored as SHA-256. */
export interface DashboardTokenRow {
  id: string;
  shop_id: string;
  token_hash: string;
  hint: string;
  label: string;
  created_by: 'admin' | 'secret_key' | 'session';
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function insertDashboardToken(db: D1Database, t: DashboardTokenRow): Promise<D1Result> {
  return db
    .prepare(
      `INSERT INTO dashboard_tokens (id, shop_id, token_hash, hint, label, created_by, created_at, expires_at, last_used_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
    )
    .bind(t.id, t.shop_id, t.token_hash, t.hint, t.label, t.created_by, t.created_at, t.expires_at)
    .run();
}

/** The shop's tokens, newest first (revoked ones too, so the owner sees what was revoked). */
export async function listDashboardTokens(db: D1Database, shopId: string): Promise<DashboardTokenRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM dashboard_tokens WHERE shop_id = ? ORDER BY created_at DESC, id DESC LIMIT 200')
    .bind(shopId)
    .all<DashboardTokenRow>();
  return results;
}

/** A live token by its hash: not revoked, not expired at `now`. */
export function findLiveDashboardToken(db: D1Database, tokenHash: string, now: number): Promise<DashboardTokenRow | null> {
  return db
    .prepare(
      'SELECT * FROM dashboard_tokens WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)',
    )
    .bind(tokenHash, now)
    .first<DashboardTokenRow>();
}

/**
 * Revokes the shop's token and ends every session it opened, in one batch. Returns the token as
 * it is now, or null when the shop has no such token. Revoking twice keeps the first time.
 */
export async function revokeDashboardToken(db: D1Database, shopId: string, id: string, now: number) {
  const [, , read] = await db.batch([
    db
      .prepare('UPDATE dashboard_tokens SET revoked_at = ? WHERE id = ? AND shop_id = ? AND revoked_at IS NULL')
      .bind(now, id, shopId),
    db
      .prepare('UPDATE dashboard_sessions SET revoked_at = ? WHERE token_id = ? AND shop_id = ? AND revoked_at IS NULL')
      .bind(now, id, shopId),
    db.prepare('SELECT * FROM dashboard_tokens WHERE id = ? AND shop_id = ?').bind(id, shopId),
  ]);
  return (read!.results[0] as DashboardTokenRow | undefined) ?? null;
}
