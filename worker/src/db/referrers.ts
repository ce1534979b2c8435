/** Queries for referrers: the people who share. */
export interface ReferrerRow {
  id: string;
  shop_id: string;
  code: string;
  vanity_code: string | null;
  token_hash: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  customer_ref: string | null;
  status: 'active' | 'pending' | 'blocked';
  verified_buyer: number;
  created_at: number;
}

/** Finds a referrer by its code or vanity code, across shops (short links carry no shop). */
export async function findReferrerByCode(db: D1Database, code: string): Promise<ReferrerRow | null> {
  return (
    (await db.prepare('SELECT * FROM referrers WHERE code = ?').bind(code).first<ReferrerRow>()) ??
    (await db.prepare('SELECT * FROM referrers WHERE vanity_code = ?').bind(code).first<ReferrerRow>())
  );
}

export function findReferrerByTokenHash(db: D1Database, shopId: string, tokenHash: string): Promise<ReferrerRow | null> {
  return db.prepare('SELECT * FROM referrers WHERE token_hash = ? AND shop_id = ?').bind(tokenHash, shopId).first<ReferrerRow>();
}

export function getReferrer(db: D1Database, shopId: string, id: string): Promise<ReferrerRow | null> {
  return db.prepare('SELECT * FROM referrers WHERE id = ? AND shop_id = ?').bind(id, shopId).first<ReferrerRow>();
}

export function insertReferrerStatement(db: D1Database, r: ReferrerRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO referrers (id, shop_id, code, vanity_code, token_hash, display_name, email, phone, customer_ref, status, verified_buyer, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      r.id,
      r.shop_id,
      r.code,
      r.vanity_code,
      r.token_hash,
      r.display_name,
      r.email,
      r.phone,
      r.customer_ref,
      r.status,
      r.verified_buyer,
      r.created_at,
    );
}

export async function listReferrers(db: D1Database, shopId: string, limit: number, before?: string) {
  const { results } = await db
    .prepare(`SELECT * FROM referrers WHERE shop_id = ? ${before ? 'AND id < ?' : ''} ORDER BY id DESC LIMIT ?`)
    .bind(...(before ? [shopId, before, limit] : [shopId, limit]))
    .all<ReferrerRow>();
  return results;
}
