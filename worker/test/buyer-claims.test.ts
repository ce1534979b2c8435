/**
 * Issue 8 (privacy): buyer claim tokens are signed with the shop's own claim secret (not the webhook
 * secret), bind whether the order was verified when issued, and are single-use: a second redemption
 * is a 409 `claim_token_used` and still exactly one referrer exists; a forged token, another shop's
 * token or an old webhook-secret token is a 400 `invalid_claim_token`; a token issued for a
 * browser-reported (unverified) order never makes a verified buyer.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { ORIGIN, call, createShop, type TestShop } from './helpers';
import { T0, count, dbFingerprint, reportOrder } from './fixtures';
import { hmacHex } from '../src/lib/crypto';
import { signClaimToken } from '../src/lib/claim-tokens';
import { checkClaimToken, insertReferrer } from '../src/services/buyer-claims';
import { getShop } from '../src/db/shops';
import type { ReferrerRow } from '../src/db/referrers';

function redeem(shop: TestShop, claimToken: string) {
  return call('/v1/referrers', { key: shop.pk, origin: ORIGIN, body: { claimToken }, now: T0 + 1000 });
}

async function serverOrder(shop: TestShop, orderId: string) {
  const res = await reportOrder(shop, { orderId, amountMinor: 9800, currency: 'HKD', customer: { ref: `cust-${orderId}` } });
  expect(res.status).toBe(201);
  return { conversionId: res.body.conversion.id as string, token: res.body.buyerClaimToken as string };
}

async function browserOrder(shop: TestShop, orderId: string) {
  const res = await call('/v1/conversions/browser', {
    key: shop.pk,
    origin: ORIGIN,
    now: T0,
    body: { orderId, amountMinor: 9800, currency: 'HKD', items: [{ sku: 'egg-rolls', quantity: 1, unitPriceMinor: 9800 }] },
  });
  expect(res.status).toBe(201);
  expect(res.body.conversion.verified).toBe(false);
  return { conversionId: res.body.conversion.id as string, token: res.body.buyerClaimToken as string };
}

const referrersOf = (shop: TestShop) => count('SELECT count(*) AS n FROM referrers WHERE shop_id = ?', shop.shopId);
const claimsOf = (conversionId: string) => count('SELECT count(*) AS n FROM buyer_claims WHERE conversion_id = ?', conversionId);

async function claimSecret(shop: TestShop): Promise<string> {
  return (await env.DB.prepare('SELECT claim_secret FROM shops WHERE id = ?')
    .bind(shop.shopId)
    .first<{ claim_secret: string }>())!.claim_secret;
}

describe('buyer claim tokens are single-use', () => {
  it('the second redemption is a 409 claim_token_used and there is still exactly one referrer', async () => {
    const shop = await createShop();
    const { conversionId, token } = await serverOrder(shop, 'BCT-1');
    const first = await redeem(shop, token);
    expect(first.status).toBe(201);
    expect(first.body.referrer.verifiedBuyer).toBe(true);
    const referrers = await referrersOf(shop);
    const before = await dbFingerprint();

    const again = await redeem(shop, token);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('claim_token_used');
    expect(again.body.token).toBeUndefined();
    expect(await referrersOf(shop)).toBe(referrers);
    expect(await claimsOf(conversionId)).toBe(1);
    expect(await dbFingerprint()).toBe(before);
    const claim = await env.DB.prepare('SELECT * FROM buyer_claims WHERE conversion_id = ?').bind(conversionId).first();
    expect(claim).toMatchObject({ verified: 1, referrer_id: first.body.referrer.id });
  });

  it('20 concurrent redemptions of one token create exactly one referrer', async () => {
    const shop = await createShop();
    const { conversionId, token } = await serverOrder(shop, 'BCT-RACE');
    const before = await referrersOf(shop);
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem(shop, token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'claim_token_used')).toHaveLength(19);
    expect(await referrersOf(shop)).toBe(before + 1);
    expect(await claimsOf(conversionId)).toBe(1);
  });

  it('a referrer insert that fails leaves no claim row: the token can still be used', async () => {
    const shop = await createShop();
    const { conversionId, token } = await serverOrder(shop, 'BCT-ATOMIC');
    await env.DB.prepare(
      "CREATE TRIGGER test_referrers_down BEFORE INSERT ON referrers BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    ).run();
    try {
      expect((await redeem(shop, token)).status).toBe(500);
    } finally {
      await env.DB.prepare('DROP TRIGGER test_referrers_down').run();
    }
    expect(await claimsOf(conversionId)).toBe(0);
    expect((await redeem(shop, token)).status).toBe(201);
    expect(await claimsOf(conversionId)).toBe(1);
  });
});

describe('the claim and its referrer are one batch', () => {
  it('a used token writes nothing of the batch, not even the statements that go with the referrer', async () => {
    const shop = await createShop();
    const { token } = await serverOrder(shop, 'BCT-BATCH');
    expect((await redeem(shop, token)).status).toBe(201);
    const shopRow = (await getShop(env.DB, shop.shopId))!;
    const claim = await checkClaimToken(env.DB, shopRow, token);
    const row: ReferrerRow = {
      id: 'ref_batchtest000000000001',
      shop_id: shop.shopId,
      code: 'BatchTest1',
      vanity_code: null,
      token_hash: null,
      display_name: null,
      email: null,
      phone: null,
      customer_ref: claim.customerRef,
      status: 'active',
      verified_buyer: 1,
      created_at: T0,
    };
    const share = env.DB.prepare(
      "INSERT INTO shares (id, shop_id, referrer_id, channel, created_at) VALUES ('shr_batchtest', ?, ?, 'whatsapp', ?)",
    ).bind(shop.shopId, row.id, T0);
    const before = await dbFingerprint();
    await expect(insertReferrer(env.DB, row, claim, [share])).rejects.toMatchObject({ code: 'claim_token_used', status: 409 });
    expect(await dbFingerprint()).toBe(before);
  });
});

describe('only tokens signed with this shop’s claim secret for this order are accepted', () => {
  it('forged, truncated, other-shop and old webhook-secret tokens are 400 invalid_claim_token and write nothing', async () => {
    const shop = await createShop();
    const other = await createShop();
    const { conversionId, token } = await serverOrder(shop, 'BCT-FORGE');
    const otherToken = (await serverOrder(other, 'BCT-OTHER')).token;
    const flipped = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    const webhookOld = `bct_${conversionId}.${(await hmacHex(shop.webhookSecret, `buyer-claim:${conversionId}`)).slice(0, 32)}`;
    const webhookNew = await signClaimToken(shop.webhookSecret, conversionId, true);
    const before = await dbFingerprint();
    for (const bad of [
      flipped,
      token.slice(0, -2),
      `bct_conv_doesnotexist000000.${token.split('.')[1]}`,
      webhookOld,
      webhookNew,
      otherToken, // another shop's valid token
      `${token}0`,
      token.toUpperCase(),
    ]) {
      const res = await redeem(shop, bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_claim_token');
    }
    // and this shop's token at the other shop
    expect((await redeem(other, token)).body.error.code).toBe('invalid_claim_token');
    expect(await dbFingerprint()).toBe(before);
    // the real one still works
    expect((await redeem(shop, token)).status).toBe(201);
  });

  it('the token is the HMAC of the per-shop claim secret, which is not the webhook secret and differs per shop', async () => {
    const shop = await createShop();
    const other = await createShop();
    const { conversionId, token } = await serverOrder(shop, 'BCT-SECRET');
    const secret = await claimSecret(shop);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(shop.webhookSecret);
    expect(await claimSecret(other)).not.toBe(secret);
    expect(token).toBe(await signClaimToken(secret, conversionId, true));
  });
});

describe('a token binds whether the order was verified when it was issued', () => {
  it('a browser-reported order’s token never makes a verified buyer, even after the order is verified', async () => {
    const shop = await createShop();
    const { conversionId, token } = await browserOrder(shop, 'BCT-BROWSER');
    // the order becomes verified later (e.g. the shop's server confirms it)
    await env.DB.prepare('UPDATE conversions SET verified = 1 WHERE id = ?').bind(conversionId).run();
    const res = await redeem(shop, token);
    expect(res.status).toBe(201);
    expect(res.body.referrer.verifiedBuyer).toBe(false);
    const stored = await env.DB.prepare('SELECT verified_buyer FROM referrers WHERE id = ?')
      .bind(res.body.referrer.id)
      .first<{ verified_buyer: number }>();
    expect(stored!.verified_buyer).toBe(0);
    // the verified-state token of the same order (as the shop's server would now get it) is a separate, single use
    const verifiedToken = await signClaimToken(await claimSecret(shop), conversionId, true);
    const verified = await redeem(shop, verifiedToken);
    expect(verified.body.referrer.verifiedBuyer).toBe(true);
    expect((await redeem(shop, verifiedToken)).body.error.code).toBe('claim_token_used');
    expect((await redeem(shop, token)).body.error.code).toBe('claim_token_used');
    expect(await claimsOf(conversionId)).toBe(2);
  });

  it('a verified-state token for an order that is not verified does not make a verified buyer either', async () => {
    const shop = await createShop();
    const { conversionId } = await browserOrder(shop, 'BCT-MISMATCH');
    const res = await redeem(shop, await signClaimToken(await claimSecret(shop), conversionId, true));
    expect(res.status).toBe(201);
    expect(res.body.referrer.verifiedBuyer).toBe(false);
  });

  it('in a verified-buyers-only shop an unverified token is refused (403) and is not used up', async () => {
    const shop = await createShop({ verifiedBuyersOnly: true });
    const { conversionId, token } = await browserOrder(shop, 'BCT-VBO');
    const res = await redeem(shop, token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('referrer_not_allowed');
    expect(await claimsOf(conversionId)).toBe(0);
    const server = await serverOrder(shop, 'BCT-VBO-SERVER');
    expect((await redeem(shop, server.token)).body.referrer.verifiedBuyer).toBe(true);
  });
});
