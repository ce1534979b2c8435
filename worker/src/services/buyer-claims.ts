/**
 * Redeeming a buyer claim token (POST /v1/referrers with `claimToken`): check the token against the
 * shop's claim secret (lib/claim-tokens.ts), then create the referrer together with the single-use
 * claim row (db/buyer-claims.ts). A token issued while the order was unverified (reported from the
 * browser) never makes a verified buyer, even once the order is verified.
 */
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import type { ReferrerRow } from '../db/referrers.js';
import { insertReferrerStatement } from '../db/referrers.js';
import { getConversion } from '../db/conversions.js';
import { insertClaimStatement, isClaimTaken } from '../db/buyer-claims.js';
import type { BuyerClaimRow } from '../db/buyer-claims.js';
import { claimTokenConversion, verifyClaimToken } from '../lib/claim-tokens.js';

export interface CheckedClaim {
  conversionId: string;
  /** the token was issued for the verified state */
  issuedVerified: boolean;
  /** the referrer it creates is a verified buyer */
  verifiedBuyer: boolean;
  /** the buyer's customer pseudonym, for self-referral checks (`hash:<customer_hash>`) */
  customerRef: string | null;
}

/** Checks a claim token of this shop; a 400 `invalid_claim_token` otherwise. Does not consume it. */
export async function checkClaimToken(db: D1Database, shop: ShopRow, token: string): Promise<CheckedClaim> {
  const conversionId = claimTokenConversion(token);
  const conversion = conversionId ? await getConversion(db, shop.id, conversionId) : null;
  const state = conversion && shop.claim_secret ? await verifyClaimToken(shop.claim_secret, conversion.id, token) : null;
  if (!conversion || !state) throw new ApiError(400, 'invalid_claim_token');
  return {
    conversionId: conversion.id,
    issuedVerified: state === 'verified',
    verifiedBuyer: state === 'verified' && conversion.verified === 1,
    // only the shop's own (verified) report says who the customer was
    customerRef: state === 'verified' && conversion.customer_hash ? `hash:${conversion.customer_hash}` : null,
  };
}

/**
 * Inserts the referrer, with `also` (statements that belong with it, e.g. its device) in one batch;
 * with a claim, the claim row first: if the token was redeemed before, the batch fails as a whole
 * and this is a 409 `claim_token_used` with nothing written.
 */
export async function insertReferrer(
  db: D1Database,
  row: ReferrerRow,
  claim: CheckedClaim | null,
  also: D1PreparedStatement[] = [],
): Promise<void> {
  const claimRow: BuyerClaimRow | null = claim && {
    conversion_id: claim.conversionId,
    shop_id: row.shop_id,
    verified: claim.issuedVerified ? 1 : 0,
    referrer_id: row.id,
    created_at: row.created_at,
  };
  try {
    await db.batch([...(claimRow ? [insertClaimStatement(db, claimRow)] : []), insertReferrerStatement(db, row), ...also]);
  } catch (error) {
    if (claimRow && isClaimTaken(error)) {
      throw new ApiError(409, 'claim_token_used', 'This buyer claim token was already used to create a referrer.');
    }
    throw error;
  }
}
