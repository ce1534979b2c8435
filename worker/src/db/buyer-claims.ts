/**
 * Redeemed buyer claim tokens: one row per (conversion, verified-when-issued), written in the same
 * batch as the referrer the token created — and the referrer is inserted only if this row is its
 * own, so a token is single-use and neither row exists without the other.
 */

export interface BuyerClaimRow {
  conversion_id: string;
  shop_id: string;
  verified: number;
  referrer_id: string;
  created_at: number;
}

/** INSERT of the claim; a token already redeemed leaves the existing row alone. */
export function insertClaimStatement(db: D1Database, claim: BuyerClaimRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO buyer_claims (conversion_id, shop_id, verified, referrer_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversion_id, verified) DO NOTHING`,
    )
    .bind(claim.conversion_id, claim.shop_id, claim.verified, claim.referrer_id, claim.created_at);
}

/** Guard for the referrer INSERT of the same batch: true only when the claim row is this referrer's. */
export function claimedBy(claim: BuyerClaimRow): { sql: string; args: unknown[] } {
  return {
    sql: 'EXISTS (SELECT 1 FROM buyer_claims WHERE conversion_id = ? AND verified = ? AND referrer_id = ?)',
    args: [claim.conversion_id, claim.verified, claim.referrer_id],
  };
}
