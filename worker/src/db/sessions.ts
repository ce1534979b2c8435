/**
 * Queries for dashboard sessions: a cookie session opened with a dashboard token, or an embedded
 * session minted with the secret key. Only the SHA-256 of the session secret is stored; a session is
 * live until its expiry, its sign-out, or the revocation of the token that opened it.
 */
import type { ShopRow } from './shops.js';

export interface SessionRow {
  id_hash: string;
  shop_id: string;
  token_id: string | null;
  kind: 'cookie' | 'embedded';
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Opens a session; for a cookie session, also notes when its token was last used. */
export async function insertSession(db: D1Database, s: SessionRow): Promise<void> {
  await db.batch([
    db
      .prepare(
        'INSERT INTO dashboard_sessions (id_hash, shop_id, token_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .bind(s.id_hash, s.shop_id, s.token_id, s.kind, s.created_at, s.expires_at),
    ...(s.token_id
      ? [db.prepare('UPDATE dashboard_tokens SET last_used_at = ? WHERE id = ?').bind(s.created_at, s.token_id)]
      : []),
  ]);
}

/** A live session by the hash of its secret, with its shop (one read). */
export async function findLiveSession(
  db: D1Database,
  idHash: string,
  now: number,
): Promise<{ session: SessionRow; shop: ShopRow } | null> {
  const row = await db
    .prepare(
      `SELECT s.id_hash AS session_id_hash, s.token_id AS session_token_id, s.kind AS session_kind,
              s.created_at AS session_created_at, s.expires_at AS session_expires_at, shop.*
         FROM dashboard_sessions s JOIN shops shop ON shop.id = s.shop_id
        WHERE s.id_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?
          AND (s.token_id IS NULL OR EXISTS (SELECT 1 FROM dashboard_tokens t WHERE t.id = s.token_id AND t.revoked_at IS NULL))`,
    )
    .bind(idHash, now)
    .first<
      ShopRow & {
        session_id_hash: string;
        session_token_id: string | null;
        session_kind: 'cookie' | 'embedded';
        session_created_at: number;
        session_expires_at: number;
      }
    >();
  if (!row) return null;
  const { session_id_hash, session_token_id, session_kind, session_created_at, session_expires_at, ...shop } = row;
  return {
    session: {
      id_hash: session_id_hash,
      shop_id: shop.id,
      token_id: session_token_id,
      kind: session_kind,
      created_at: session_created_at,
      expires_at: session_expires_at,
      revoked_at: null,
    },
    shop,
  };
}

/** Ends a session (sign-out). */
export async function revokeSession(db: D1Database, idHash: string, now: number): Promise<void> {
  await db
    .prepare('UPDATE dashboard_sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL')
    .bind(now, idHash)
    .run();
}

/** Deletes sessions that ended more than a day ago (the cron), at most `limit` per run. */
export async function purgeEndedSessions(db: D1Database, now: number, limit = 1000): Promise<number> {
  const res = await db
    .prepare(
      `DELETE FROM dashboard_sessions WHERE id_hash IN (SELECT id_hash FROM dashboard_sessions WHERE expires_at < ? LIMIT ?)`,
    )
    .bind(now - 86_400_000, limit)
    .run();
  return res.meta.changes;
}
