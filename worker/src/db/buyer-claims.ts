/**
 * Redeemed buyer claim tokens: one row per (conversion, verified-when-issued), written in the same
 * batch as the referrer the token created. The INSERT has no conflict clause on purpose: a token
 * already redeemed violates the primary key, which rolls back the whole batch — so a token is
 * single-use and neither row (nor anything else in the batch) exists without the other.
 */

export interface BuyerClaimRow {
  conversion_id: string;
  shop_id: string;
  verified: number;
  referrer_id: string;
  created_at: number;
}

/** INSERT of the claim; fails (and so fails its batch) when the token was already redeemed. */
export function insertClaimStatement(db: D1Database, claim: BuyerClaimRow): D1PreparedStatement {
  return db
    .prepare('INSERT INTO buyer_claims (conversion_id, shop_id, verified, referrer_id, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(claim.conversion_id, claim.shop_id, claim.verified, claim.referrer_id, claim.created_at);
}

/** Is this D1 error the primary key of buyer_claims, i.e. a token redeemed before? */
export function isClaimTaken(error: unknown): boolean {
  return /UNIQUE constraint failed: buyer_claims\./.test(String(error));
}
