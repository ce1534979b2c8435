/**
 * Buyer claim tokens: `bct_<conversionId>.<first 32 hex of HMAC-SHA256(claim secret,
 * "buyer-claim:<conversionId>:verified|unverified")>`. The token proves "this browser saw the
 * confirmation of order X" and binds whether the order was verified (reported by the shop's server)
 * when the token was issued. It is signed with the shop's own claim secret (shops.claim_secret,
 * never shown to anyone, never the webhook secret); redeeming it is single-use (db/buyer-claims.ts).
 */
import { hmacHex, hmacKey, timingSafeEqualStr } from './crypto.js';

export type ClaimState = 'verified' | 'unverified';

const TOKEN = /^bct_(conv_[A-Za-z0-9]+)\.[0-9a-f]{32}$/;

/**
 * @example await signClaimToken(shop.claim_secret, conversion.id, conversion.verified === 1) // "bct_conv_…"
 */
export async function signClaimToken(secret: string, conversionId: string, verified: boolean): Promise<string> {
  const state: ClaimState = verified ? 'verified' : 'unverified';
  return `bct_${conversionId}.${(await hmacHex(await hmacKey(secret), `buyer-claim:${conversionId}:${state}`)).slice(0, 32)}`;
}

/** The conversion id a token names, or null when it is not shaped like a claim token. */
export function claimTokenConversion(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}

/**
 * The state the token was issued for, or null when it is not this secret's token for this
 * conversion. Both variants are computed and compared in constant time.
 */
export async function verifyClaimToken(secret: string, conversionId: string, token: string): Promise<ClaimState | null> {
  const [verified, unverified] = await Promise.all([
    signClaimToken(secret, conversionId, true),
    signClaimToken(secret, conversionId, false),
  ]);
  const isVerified = timingSafeEqualStr(verified, token);
  const isUnverified = timingSafeEqualStr(unverified, token);
  return isVerified ? 'verified' : isUnverified ? 'unverified' : null;
}
