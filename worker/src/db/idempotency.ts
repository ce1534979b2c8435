/**
 * Stripe-style idempotency keys. The key is reserved before the work (so a concurrent request with
 * the same key and another body is refused), and the first response is stored and replayed.
 * Keys live at least 24 h; the cron purges them after 72 h.
 */
export const IDEMPOTENCY_TTL_MS = 72 * 3600_000;

export interface IdempotencyRow {
  shop_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status: number;
  response_body: string;
  created_at: number;
}

/** Reserves the key; returns the existing row when the key was already used. */
export async function reserveKey(
  db: D1Database,
  row: Omit<IdempotencyRow, 'status' | 'response_body'>,
): Promise<IdempotencyRow | null> {
  const inserted = await db
    .prepare(
      `INSERT INTO idempotency_keys (shop_id, key, method, path, request_hash, status, response_body, created_at)
       VALUES (?, ?, ?, ?, ?, 0, '', ?) ON CONFLICT (shop_id, key) DO NOTHING`,
    )
    .bind(row.shop_id, row.key, row.method, row.path, row.request_hash, row.created_at)
    .run();
  if (inserted.meta.changes === 1) return null;
  return db
    .prepare('SELECT * FROM idempotency_keys WHERE shop_id = ? AND key = ?')
    .bind(row.shop_id, row.key)
    .first<IdempotencyRow>();
}

export async function storeResponse(db: D1Database, shopId: string, key: string, status: number, body: string): Promise<void> {
  await db
    .prepare('UPDATE idempotency_keys SET status = ?, response_body = ? WHERE shop_id = ? AND key = ? AND status = 0')
    .bind(status, body, shopId, key)
    .run();
}

/** Frees a reservation whose request failed with an error, so that the client may retry. */
export async function releaseKey(db: D1Database, shopId: string, key: string): Promise<void> {
  await db.prepare('DELETE FROM idempotency_keys WHERE shop_id = ? AND key = ? AND status = 0').bind(shopId, key).run();
}

export async function purgeExpiredKeys(db: D1Database, now: number): Promise<number> {
  const r = await db
    .prepare('DELETE FROM idempotency_keys WHERE created_at < ?')
    .bind(now - IDEMPOTENCY_TTL_MS)
    .run();
  return r.meta.changes;
}
