/**
 * Admin API (admin token): create shops and their keys, rotate keys, set allowed origins. The
 * secret key and webhook secret are shown once, at creation or rotation; only a hash is stored.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { validationHook } from '../lib/validation.js';
import { Currency, Origin, ProductInput, ProgramSchema, WebhookUrl, errorResponses } from '../schemas.js';
import { getShop, listOrigins, upsertProductStatement } from '../db/shops.js';
import { newClaimSecret, newId, newPublishableKey, newSecretKey, newWebhookSecret } from '../lib/ids.js';
import { sha256Hex } from '../lib/crypto.js';
import { presentShop } from '../lib/present.js';
import { clearKeyCache } from '../middleware/auth.js';
import { productUrlChecks, refuseBadUrls } from '../lib/url-checks.js';

export const admin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const SiteUrl = z
  .string()
  .max(2048)
  .refine((u) => (u.startsWith('/') ? !u.startsWith('//') : /^https?:\/\//.test(u)), {
    message: 'An absolute http(s) URL, or a path on this worker (e.g. /shop/).',
  })
  .openapi({ example: 'https://shop.example.hk/' });

const ShopCreate = z
  .strictObject({
    name: z.string().min(1).max(120),
    currency: Currency,
    locale: z.enum(['en', 'zh-Hant-HK', 'zh-Hans']).default('en'),
    siteUrl: SiteUrl,
    allowedOrigins: z.array(Origin).max(50).default([]),
    webhookUrl: WebhookUrl.nullable().optional(),
    disclosure: z.string().max(500).nullable().optional(),
    allowBrowserConversions: z.boolean().default(false),
    referrerApproval: z.boolean().default(false),
    verifiedBuyersOnly: z.boolean().default(false),
    program: ProgramSchema.partial().optional(),
    products: z.array(ProductInput).max(1000).optional(),
  })
  .openapi('ShopCreate');

const ShopSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    currency: z.string(),
    locale: z.string(),
    siteUrl: z.string(),
    webhookUrl: z.string().nullable(),
    disclosure: z.string().nullable(),
    allowBrowserConversions: z.boolean(),
    referrerApproval: z.boolean(),
    verifiedBuyersOnly: z.boolean(),
    allowedOrigins: z.array(z.string()),
    createdAt: z.number(),
  })
  .openapi('Shop');

const Keys = z.object({
  publishableKey: z.string().optional(),
  secretKey: z.string().optional().openapi({ description: 'Shown once. Store it on your server.' }),
  webhookSecret: z.string().optional(),
});

async function keyStatements(db: D1Database, shopId: string, now: number, kinds: Array<'publishable' | 'secret'>) {
  const out: { publishableKey?: string; secretKey?: string; statements: D1PreparedStatement[] } = { statements: [] };
  for (const kind of kinds) {
    const key = kind === 'publishable' ? newPublishableKey() : newSecretKey();
    const lookup = kind === 'publishable' ? key : await sha256Hex(key);
    out.statements.push(
      db
        .prepare('UPDATE api_keys SET revoked_at = ? WHERE shop_id = ? AND kind = ? AND revoked_at IS NULL')
        .bind(now, shopId, kind),
      db
        .prepare('INSERT INTO api_keys (id, shop_id, kind, lookup, hint, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .bind(newId('key'), shopId, kind, lookup, key.slice(-4), now),
    );
    if (kind === 'publishable') out.publishableKey = key;
    else out.secretKey = key;
  }
  return out;
}

admin.openapi(
  createRoute({
    method: 'post',
    path: '/shops',
    tags: ['Admin'],
    summary: 'Create a shop with its keys, program and products',
    middleware: [requireAdmin] as const,
    security: [{ adminToken: [] }],
    request: { body: { content: { 'application/json': { schema: ShopCreate } }, required: true } },
    responses: {
      201: {
        description: 'The shop and its keys (the secret key is shown only here).',
        content: { 'application/json': { schema: Keys.extend({ shop: ShopSchema }) } },
      },
      ...errorResponses(400, 401, 413, 415),
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    refuseBadUrls(c.env, [
      { path: 'webhookUrl', kind: 'webhook', value: body.webhookUrl },
      ...productUrlChecks(body.products ?? []),
    ]);
    const db = c.env.DB;
    const now = c.get('now');
    const shopId = newId('shop');
    const webhookSecret = newWebhookSecret();
    const p = body.program ?? {};
    const keys = await keyStatements(db, shopId, now, ['publishable', 'secret']);
    await db.batch([
      db
        .prepare(
          `INSERT INTO shops (id, name, currency, locale, site_url, webhook_url, webhook_secret, disclosure_text,
             allow_browser_conversions, referrer_approval, verified_buyers_only, created_at, claim_secret)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          shopId,
          body.name,
          body.currency,
          body.locale,
          body.siteUrl,
          body.webhookUrl ?? null,
          webhookSecret,
          body.disclosure ?? null,
          body.allowBrowserConversions ? 1 : 0,
          body.referrerApproval ? 1 : 0,
          body.verifiedBuyersOnly ? 1 : 0,
          now,
          newClaimSecret(),
        ),
      db
        .prepare(
          `INSERT INTO commission_programs (shop_id, kind, rate_bps, flat_minor, cap_minor, hold_days, window_days, model,
             friend_reward_kind, friend_reward_value, unverified_expiry_days, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          shopId,
          p.kind ?? 'percent',
          p.rateBps ?? 1000,
          p.flatMinor ?? 0,
          p.capMinor ?? null,
          p.holdDays ?? 30,
          p.windowDays ?? 30,
          p.model ?? 'last_click',
          p.friendReward?.kind ?? 'none',
          p.friendReward?.value ?? 0,
          p.unverifiedExpiryDays ?? null,
          now,
        ),
      ...body.allowedOrigins.map((o) =>
        db.prepare('INSERT OR IGNORE INTO allowed_origins (shop_id, origin) VALUES (?, ?)').bind(shopId, o),
      ),
      ...(body.products ?? []).map((prod) => upsertProductStatement(db, shopId, { ...prod, currency: body.currency }, now)),
      ...keys.statements,
    ]);
    const shop = (await getShop(db, shopId))!;
    return c.json(
      {
        shop: presentShop(shop, await listOrigins(db, shopId)),
        publishableKey: keys.publishableKey,
        secretKey: keys.secretKey,
        webhookSecret,
      },
      201,
    );
  },
);

const ShopParam = z.object({ shopId: z.string().max(64) });

async function mustGetShop(db: D1Database, shopId: string) {
  const shop = await getShop(db, shopId);
  if (!shop) throw new ApiError(404, 'not_found', 'No such shop.');
  return shop;
}

admin.openapi(
  createRoute({
    method: 'post',
    path: '/shops/{shopId}/keys/rotate',
    tags: ['Admin'],
    summary: 'Rotate keys: the old key stops working at once',
    middleware: [requireAdmin] as const,
    security: [{ adminToken: [] }],
    request: {
      params: ShopParam,
      body: {
        content: { 'application/json': { schema: z.strictObject({ kind: z.enum(['publishable', 'secret', 'both']) }) } },
        required: true,
      },
    },
    responses: {
      200: { description: 'The new keys.', content: { 'application/json': { schema: Keys } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { shopId } = c.req.valid('param');
    await mustGetShop(c.env.DB, shopId);
    const { kind } = c.req.valid('json');
    const keys = await keyStatements(c.env.DB, shopId, c.get('now'), kind === 'both' ? ['publishable', 'secret'] : [kind]);
    await c.env.DB.batch(keys.statements);
    clearKeyCache();
    return c.json({ publishableKey: keys.publishableKey, secretKey: keys.secretKey }, 200);
  },
);

admin.openapi(
  createRoute({
    method: 'put',
    path: '/shops/{shopId}/origins',
    tags: ['Admin'],
    summary: "Replace the shop's allowed origins",
    middleware: [requireAdmin] as const,
    security: [{ adminToken: [] }],
    request: {
      params: ShopParam,
      body: { content: { 'application/json': { schema: z.strictObject({ origins: z.array(Origin).max(50) }) } }, required: true },
    },
    responses: {
      200: { description: 'The shop.', content: { 'application/json': { schema: z.object({ shop: ShopSchema }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { shopId } = c.req.valid('param');
    const shop = await mustGetShop(c.env.DB, shopId);
    const { origins } = c.req.valid('json');
    const db = c.env.DB;
    await db.batch([
      db.prepare('DELETE FROM allowed_origins WHERE shop_id = ?').bind(shopId),
      ...origins.map((o) => db.prepare('INSERT OR IGNORE INTO allowed_origins (shop_id, origin) VALUES (?, ?)').bind(shopId, o)),
    ]);
    clearKeyCache();
    return c.json({ shop: presentShop(shop, await listOrigins(db, shopId)) }, 200);
  },
);

admin.openapi(
  createRoute({
    method: 'get',
    path: '/shops/{shopId}',
    tags: ['Admin'],
    summary: 'Read a shop',
    middleware: [requireAdmin] as const,
    security: [{ adminToken: [] }],
    request: { params: ShopParam },
    responses: {
      200: { description: 'The shop.', content: { 'application/json': { schema: z.object({ shop: ShopSchema }) } } },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { shopId } = c.req.valid('param');
    const shop = await mustGetShop(c.env.DB, shopId);
    return c.json({ shop: presentShop(shop, await listOrigins(c.env.DB, shopId)) }, 200);
  },
);
