/**
 * Shops, for the worker's operator (admin token): create a shop with its keys, program and
 * products; rotate keys; replace allowed origins; read a shop. The secret key and webhook secret are
 * shown once, at creation or rotation; only a hash of the secret key is stored.
 */
import type { Bindings } from '../app-env.js';
import type { ShopCreate, Shop, ShopUpdate } from '../contract/shops.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import {
  getShop,
  insertShopStatement,
  listOrigins,
  livePublishableKey,
  replaceKeyStatements,
  replaceOriginsStatements,
  updateShopSettingsStatement,
} from '../db/shops.js';
import { programStatement, upsertProductStatement } from '../db/catalog.js';
import { clearKeyCache } from '../middleware/auth.js';
import { sha256Hex } from '../lib/crypto.js';
import { newClaimSecret, newId, newPublishableKey, newSecretKey } from '../lib/ids.js';
import { newWebhookSecret } from '../lib/webhook-signature.js';
import { productUrlChecks, refuseBadUrls } from './urls.js';
import { rotateWebhookSecret } from './webhooks.js';
import { ROTATION_OVERLAP_DEFAULT_HOURS } from '../domain/webhooks.js';

export function presentShop(shop: ShopRow, origins: string[]): Shop {
  return {
    id: shop.id,
    name: shop.name,
    currency: shop.currency,
    locale: shop.locale,
    siteUrl: shop.site_url,
    webhookUrl: shop.webhook_url,
    disclosure: shop.disclosure_text,
    allowBrowserConversions: shop.allow_browser_conversions === 1,
    referrerApproval: shop.referrer_approval === 1,
    verifiedBuyersOnly: shop.verified_buyers_only === 1,
    allowedOrigins: origins,
    consentMode: shop.consent_mode ?? 'off',
    payoutThresholdMinor: shop.payout_threshold_minor ?? 0,
    createdAt: shop.created_at,
  };
}

type KeyKind = 'publishable' | 'secret';

/** New keys of the given kinds and the statements that replace the live ones. */
async function newKeys(db: D1Database, shopId: string, now: number, kinds: KeyKind[]) {
  const out: { publishableKey?: string; secretKey?: string; statements: D1PreparedStatement[] } = { statements: [] };
  for (const kind of kinds) {
    const key = kind === 'publishable' ? newPublishableKey() : newSecretKey();
    const lookup = kind === 'publishable' ? key : await sha256Hex(key);
    out.statements.push(...replaceKeyStatements(db, { id: newId('key'), shopId, kind, lookup, hint: key.slice(-4), now }));
    if (kind === 'publishable') out.publishableKey = key;
    else out.secretKey = key;
  }
  return out;
}

async function mustGetShop(db: D1Database, shopId: string): Promise<ShopRow> {
  const shop = await getShop(db, shopId);
  if (!shop) throw new ApiError(404, 'not_found', 'No such shop.');
  return shop;
}

/** Creates a shop, its program, origins, products and keys in one batch. */
export async function createShop(env: Bindings, body: ShopCreate, now: number) {
  refuseBadUrls(env, [{ path: 'webhookUrl', kind: 'webhook', value: body.webhookUrl }, ...productUrlChecks(body.products ?? [])]);
  const db = env.DB;
  const shop: ShopRow = {
    id: newId('shop'),
    name: body.name,
    currency: body.currency,
    locale: body.locale,
    site_url: body.siteUrl,
    webhook_url: body.webhookUrl ?? null,
    webhook_secret: newWebhookSecret(),
    claim_secret: newClaimSecret(),
    disclosure_text: body.disclosure ?? null,
    allow_browser_conversions: body.allowBrowserConversions ? 1 : 0,
    referrer_approval: body.referrerApproval ? 1 : 0,
    verified_buyers_only: body.verifiedBuyersOnly ? 1 : 0,
    created_at: now,
  };
  const p = body.program ?? {};
  const keys = await newKeys(db, shop.id, now, ['publishable', 'secret']);
  await db.batch([
    insertShopStatement(db, shop),
    programStatement(
      db,
      shop.id,
      {
        kind: p.kind ?? 'percent',
        rate_bps: p.rateBps ?? 1000,
        flat_minor: p.flatMinor ?? 0,
        cap_minor: p.capMinor ?? null,
        hold_days: p.holdDays ?? 30,
        window_days: p.windowDays ?? 30,
        model: p.model ?? 'last_click',
        friend_reward_kind: p.friendReward?.kind ?? 'none',
        friend_reward_value: p.friendReward?.value ?? 0,
        unverified_expiry_days: p.unverifiedExpiryDays ?? null,
      },
      now,
    ),
    ...replaceOriginsStatements(db, shop.id, body.allowedOrigins, false),
    ...(body.products ?? []).map((prod) => upsertProductStatement(db, shop.id, { ...prod, currency: body.currency }, now)),
    ...keys.statements,
  ]);
  return {
    shop: presentShop((await getShop(db, shop.id))!, await listOrigins(db, shop.id)),
    publishableKey: keys.publishableKey,
    secretKey: keys.secretKey,
    webhookSecret: shop.webhook_secret,
  };
}

/**
 * Rotates keys: the old key stops working at once (in this isolate; others within seconds). The
 * webhook secret rotates with an overlap instead (services/webhooks.ts).
 */
export async function rotateKeys(
  db: D1Database,
  shopId: string,
  rotation: { kind: KeyKind | 'both' | 'webhook'; overlapHours?: number },
  now: number,
) {
  const { kind } = rotation;
  if (kind === 'webhook') {
    const { webhookSecret } = await rotateWebhookSecret(db, shopId, rotation.overlapHours ?? ROTATION_OVERLAP_DEFAULT_HOURS, now);
    return { webhookSecret };
  }
  await mustGetShop(db, shopId);
  const keys = await newKeys(db, shopId, now, kind === 'both' ? ['publishable', 'secret'] : [kind]);
  await db.batch(keys.statements);
  clearKeyCache();
  return { publishableKey: keys.publishableKey, secretKey: keys.secretKey };
}

export async function replaceOrigins(db: D1Database, shopId: string, origins: string[]) {
  const shop = await mustGetShop(db, shopId);
  await db.batch(replaceOriginsStatements(db, shopId, origins));
  clearKeyCache();
  return { shop: presentShop(shop, await listOrigins(db, shopId)) };
}

/**
 * Changes the shop's own settings (secret key or its dashboard): program-independent switches,
 * disclosure, consent mode, payout threshold and allowed origins, in one batch.
 */
export async function updateShop(db: D1Database, shopId: string, body: ShopUpdate) {
  await mustGetShop(db, shopId);
  const change = updateShopSettingsStatement(db, shopId, {
    name: body.name,
    locale: body.locale,
    disclosure_text: body.disclosure === undefined ? undefined : body.disclosure?.trim() || null,
    allow_browser_conversions: flag(body.allowBrowserConversions),
    referrer_approval: flag(body.referrerApproval),
    verified_buyers_only: flag(body.verifiedBuyersOnly),
    consent_mode: body.consentMode,
    payout_threshold_minor: body.payoutThresholdMinor,
  });
  const statements = [
    ...(change ? [change] : []),
    ...(body.allowedOrigins ? replaceOriginsStatements(db, shopId, body.allowedOrigins) : []),
  ];
  if (statements.length) await db.batch(statements);
  clearKeyCache();
  return readOwnShop(db, shopId);
}

/** The shop as its owner reads it: with the publishable key its script tag carries. */
export async function readOwnShop(db: D1Database, shopId: string) {
  return { ...(await readShop(db, shopId)), publishableKey: await livePublishableKey(db, shopId) };
}

const flag = (b: boolean | undefined) => (b === undefined ? undefined : b ? 1 : 0);

export async function readShop(db: D1Database, shopId: string) {
  const shop = await mustGetShop(db, shopId);
  return { shop: presentShop(shop, await listOrigins(db, shopId)) };
}
