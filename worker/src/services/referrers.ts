/**
 * Referrers: created anonymously from the browser (publishable key, rate-limited) or as KOLs by the
 * shop (secret key); the referrer's own stats and claim (their token); the shop's list, approval
 * and blocking. Every change the shop's object caches is forgotten there at once (that referrer
 * only).
 */
import type { Bindings } from '../app-env.js';
import type {
  ManagedReferrer,
  ReferrerClaim,
  ReferrerCreate,
  ReferrerCreated,
  ReferrerPublic,
  ReferrerStats,
  ReferrerUpdate,
} from '../contract/referrers.js';
import { toPage, type Page } from '../contract/common.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import type { ReferrerRow } from '../db/referrers.js';
import {
  findReferrerByTokenHash,
  getReferrer,
  isCodeTaken,
  listReferrers as listReferrerRows,
  referrerCounts,
  referrerDeviceStatement,
  setReferrerStatus,
  updateContactStatement,
  updateManagedStatement,
} from '../db/referrers.js';
import { recentConversionsOf } from '../db/conversions.js';
import { referrerBalances } from '../db/ledger.js';
import { normalizeEmail, normalizePhone } from '../domain/self-referral.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { sha256Hex } from '../lib/crypto.js';
import { newId, newReferralCode, newReferrerToken } from '../lib/ids.js';
import { checkClaimToken, insertReferrer } from './buyer-claims.js';
import { clientOf, limitWrite } from './clients.js';
import type { Requester } from './clients.js';

export function presentReferrer(r: ReferrerRow, baseUrl: string): ReferrerPublic {
  return {
    id: r.id,
    code: r.code,
    vanityCode: r.vanity_code,
    displayName: r.display_name,
    status: r.status,
    verifiedBuyer: r.verified_buyer === 1,
    claimed: r.email !== null || r.phone !== null,
    shortLink: `${baseUrl}/r/${encodeURIComponent(r.vanity_code ?? r.code)}`,
  };
}

/** The statement that remembers the referrer's browser, when the SDK sent its visitor id. */
export function deviceOf(db: D1Database, referrer: ReferrerRow, visitorHash: string | null, now: number): D1PreparedStatement[] {
  return visitorHash
    ? [referrerDeviceStatement(db, { referrerId: referrer.id, shopId: referrer.shop_id, visitorHash, now })]
    : [];
}

/** The referrer a token belongs to, in this shop; 401 `invalid_referrer_token` otherwise. */
export async function referrerFromToken(db: D1Database, shopId: string, token: string | undefined): Promise<ReferrerRow> {
  if (!token) throw new ApiError(401, 'invalid_referrer_token', 'Send X-Referrer-Token.');
  const referrer = await findReferrerByTokenHash(db, shopId, await sha256Hex(token));
  if (!referrer) throw new ApiError(401, 'invalid_referrer_token');
  return referrer;
}

/**
 * Creates a referrer. With the publishable key: anonymous, from the browser (rate-limited; only a
 * verified buyer when the shop says so). With the secret key: also a KOL with a vanity code, contact
 * and status.
 */
export async function createReferrer(
  env: Bindings,
  shop: ShopRow,
  input: { body: ReferrerCreate; secret: boolean; requester: Requester; now: number; baseUrl: string },
): Promise<ReferrerCreated> {
  const { body, secret, now } = input;
  if (!secret && (body.vanityCode || body.phone || body.customerRef || body.status)) {
    throw new ApiError(403, 'forbidden', 'vanityCode, phone, customerRef and status need the secret key.');
  }
  const client = await clientOf(env, input.requester, now, body.visitorId);
  if (!secret) await limitWrite(env, shop.id, 'referrer', client, now);
  if (body.vanityCode && (await isCodeTaken(env.DB, body.vanityCode))) {
    throw new ApiError(409, 'vanity_code_taken', `The code ${body.vanityCode} is already used.`);
  }
  const claim = body.claimToken ? await checkClaimToken(env.DB, shop, body.claimToken) : null;
  const verifiedBuyer = claim?.verifiedBuyer ?? false;
  if (shop.verified_buyers_only === 1 && !verifiedBuyer && !secret) {
    throw new ApiError(403, 'referrer_not_allowed', 'Only verified buyers may refer for this shop.');
  }
  const token = newReferrerToken();
  const row: ReferrerRow = {
    id: newId('ref'),
    shop_id: shop.id,
    code: newReferralCode(),
    vanity_code: body.vanityCode ?? null,
    token_hash: await sha256Hex(token),
    display_name: body.displayName ?? null,
    email: body.email ? normalizeEmail(body.email) : null,
    phone: body.phone ? normalizePhone(body.phone) : null,
    customer_ref: body.customerRef ?? claim?.customerRef ?? null,
    status: body.status ?? (shop.referrer_approval === 1 ? 'pending' : 'active'),
    verified_buyer: verifiedBuyer ? 1 : 0,
    created_at: now,
  };
  try {
    await insertReferrer(env.DB, row, claim, deviceOf(env.DB, row, client.visitorHash, now));
  } catch (error) {
    if (String(error).includes('UNIQUE') && body.vanityCode) throw new ApiError(409, 'vanity_code_taken');
    throw error;
  }
  // the shop's object may remember this vanity code as unknown
  if (row.vanity_code) await shopObject(env, shop.id).forgetReferrer(null, row.vanity_code);
  return { referrer: presentReferrer(row, input.baseUrl), token };
}

/** The referrer's own link, stats (buffered clicks included, without a flush) and earnings. */
export async function myReferrerStats(
  env: Bindings,
  shop: ShopRow,
  token: string | undefined,
  baseUrl: string,
): Promise<ReferrerStats> {
  const db = env.DB;
  const referrer = await referrerFromToken(db, shop.id, token);
  const [counts, balances, recent] = await Promise.all([
    // the counts wait for the object's pending clicks; the other reads need not
    shopObject(env, shop.id)
      .pendingClicks(referrer.id)
      .then((pending) => referrerCounts(db, referrer.id, pending)),
    referrerBalances(db, referrer.id, shop.currency),
    recentConversionsOf(db, referrer.id),
  ]);
  return {
    referrer: presentReferrer(referrer, baseUrl),
    stats: counts,
    balances,
    recentConversions: recent.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      amountMinor: r.amount_minor,
      currency: r.currency,
      commissionMinor: r.commission_minor,
      commissionStatus: r.commission_status,
    })),
  };
}

/** Claims the anonymous referrer with an email or phone (rate-limited); remembers the browser. */
export async function claimReferrer(
  env: Bindings,
  shop: ShopRow,
  input: { token: string | undefined; body: ReferrerClaim; requester: Requester; now: number; baseUrl: string },
) {
  const { body, now } = input;
  const client = await clientOf(env, input.requester, now, body.visitorId);
  await limitWrite(env, shop.id, 'claim', client, now);
  const referrer = await referrerFromToken(env.DB, shop.id, input.token);
  const email = body.email ? normalizeEmail(body.email) : referrer.email;
  const phone = body.phone ? normalizePhone(body.phone) : referrer.phone;
  const displayName = body.displayName ?? referrer.display_name;
  await env.DB.batch([
    updateContactStatement(env.DB, referrer.id, { email, phone, displayName }),
    ...deviceOf(env.DB, referrer, client.visitorHash, now),
  ]);
  // the shop's object keeps referrers in memory: the next order must see the new contact and device
  // (self-referral), not the cached ones — this referrer only, not the whole shop
  await shopObject(env, referrer.shop_id).forgetReferrer(referrer.id);
  return { referrer: presentReferrer({ ...referrer, email, phone, display_name: displayName }, input.baseUrl) };
}

export function presentManagedReferrer(r: ReferrerRow, baseUrl: string): ManagedReferrer {
  return {
    ...presentReferrer(r, baseUrl),
    email: r.email,
    phone: r.phone,
    customerRef: r.customer_ref,
    rateBps: r.rate_bps ?? null,
    payout: { paypalEmail: r.paypal_email ?? null, fpsId: r.fps_id ?? null, bankAccount: r.bank_account ?? null },
    deletedAt: r.deleted_at ?? null,
    createdAt: r.created_at,
  };
}

/**
 * The shop changes a referrer: a KOL's vanity code (unique across shops, any case) and own rate,
 * their display name, and how they are paid. The shop's object forgets the referrer (and both the
 * old and the new code) at once, so the next click and order see the change.
 */
export async function updateReferrer(env: Bindings, shopId: string, id: string, body: ReferrerUpdate, baseUrl: string) {
  const referrer = await mustGetReferrer(env.DB, shopId, id);
  if (referrer.deleted_at) throw new ApiError(409, 'referrer_deleted');
  const vanity = body.vanityCode;
  if (vanity && vanity.toLowerCase() !== referrer.vanity_code?.toLowerCase() && (await isCodeTaken(env.DB, vanity))) {
    throw new ApiError(409, 'vanity_code_taken', `The code ${vanity} is already used.`);
  }
  const next: ReferrerRow = {
    ...referrer,
    display_name: body.displayName !== undefined ? body.displayName : referrer.display_name,
    vanity_code: vanity !== undefined ? vanity : referrer.vanity_code,
    rate_bps: body.rateBps !== undefined ? body.rateBps : (referrer.rate_bps ?? null),
    paypal_email:
      body.paypalEmail !== undefined
        ? body.paypalEmail
          ? normalizeEmail(body.paypalEmail)
          : null
        : (referrer.paypal_email ?? null),
    fps_id: body.fpsId !== undefined ? body.fpsId : (referrer.fps_id ?? null),
    bank_account: body.bankAccount !== undefined ? body.bankAccount : (referrer.bank_account ?? null),
  };
  try {
    await updateManagedStatement(env.DB, next).run();
  } catch (error) {
    if (String(error).includes('UNIQUE')) throw new ApiError(409, 'vanity_code_taken');
    throw error;
  }
  const stub = shopObject(env, shopId);
  await stub.forgetReferrer(referrer.id, referrer.vanity_code);
  if (next.vanity_code) await stub.forgetReferrer(null, next.vanity_code);
  return { referrer: presentManagedReferrer(next, baseUrl) };
}

export async function readManagedReferrer(db: D1Database, shopId: string, id: string, baseUrl: string) {
  return { referrer: presentManagedReferrer(await mustGetReferrer(db, shopId, id), baseUrl) };
}

export async function listReferrers(db: D1Database, shopId: string, page: Page, baseUrl: string) {
  const rows = await listReferrerRows(db, shopId, { limit: page.limit + 1, startingAfter: page.starting_after });
  return toPage(rows, page.limit, (r) => presentManagedReferrer(r, baseUrl));
}

export async function mustGetReferrer(db: D1Database, shopId: string, id: string): Promise<ReferrerRow> {
  const referrer = await getReferrer(db, shopId, id);
  if (!referrer) throw new ApiError(404, 'not_found', 'No such referrer in this shop.');
  return referrer;
}

/** Approves (active) or blocks a referrer; a blocked referrer's links stop earning. */
export async function setStatus(env: Bindings, shopId: string, id: string, status: 'active' | 'blocked', baseUrl: string) {
  const referrer = await mustGetReferrer(env.DB, shopId, id);
  await setReferrerStatus(env.DB, referrer.id, status);
  await shopObject(env, shopId).forgetReferrer(referrer.id);
  return { referrer: presentReferrer({ ...referrer, status }, baseUrl) };
}

export async function balancesOf(db: D1Database, shop: ShopRow, id: string) {
  const referrer = await mustGetReferrer(db, shop.id, id);
  return { referrerId: referrer.id, balances: await referrerBalances(db, referrer.id, shop.currency) };
}
