/**
 * Publishable-key API, called by the SDK from the shop's pages (allowed origins only):
 * the display config, anonymous referrers and their stats, shares and clicks.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { ClickRecorded, ReferrerCreated, ReferrerStats, ShopConfig } from '../wire.js';
import { ApiError } from '../errors.js';
import { requireKey } from '../middleware/auth.js';
import { validationHook } from '../lib/validation.js';
import { BalancesSchema, ChannelSchema, ReferralCode, ReferrerSchema, Sku, errorResponses } from '../schemas.js';
import { getProgram, listProducts, toProductRule } from '../db/shops.js';
import type { ReferrerRow } from '../db/referrers.js';
import { findReferrerByTokenHash, referrerDeviceStatement } from '../db/referrers.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { clientKeys } from '../domain/rate-limits.js';
import type { RateKind } from '../domain/rate-limits.js';
import { RATE_LIMITS } from '../domain/rate-limits.js';
import { referrerBalances } from '../db/ledger.js';
import { currencyExponent } from '../domain/money.js';
import { earnPerUnit } from '../domain/commission.js';
import { normalizeEmail, normalizePhone } from '../domain/self-referral.js';
import { newId, newReferralCode, newReferrerToken } from '../lib/ids.js';
import { sha256Hex } from '../lib/crypto.js';
import { ipHashes, uaHash as uaPseudonym, visitorHash as visitorPseudonym } from '../lib/pseudonyms.js';
import { baseUrlOf, presentReferrer } from '../lib/present.js';
import { checkClaimToken, insertReferrer } from '../services/buyer-claims.js';

export const publicApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const DAY_MS = 86_400_000;
const ReferrerTokenHeader = z.object({
  'x-referrer-token': z.string().min(8).max(128).openapi({ description: 'The anonymous referrer token (rt_…).' }),
});

const VisitorId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/)
  .openapi({ description: "The SDK's visitor id in this browser (sent only after consent in consent mode)." });

/** The caller as the rate limits see it: salted hashes of its IP (and visitor id), never the values. */
export async function clientOf(c: Context<AppEnv>, visitorId?: string) {
  const salt = c.env.IP_HASH_SALT ?? '';
  const ip = c.req.header('CF-Connecting-IP') ?? c.req.header('X-Real-IP') ?? null;
  const [ips, visitorHash] = await Promise.all([
    ipHashes(salt, ip, c.get('now')),
    visitorId ? visitorPseudonym(salt, visitorId) : null,
  ]);
  const ipHash = ips.current;
  const ipHashPrevious = ips.previous;
  return { ipHash, ipHashPrevious, visitorHash, keys: clientKeys({ ipHash, ipHashPrevious, visitorHash }) };
}

/** Counts one publishable-key write against the shop's limits, or answers 429 with Retry-After. */
async function rateLimit(c: Context<AppEnv>, kind: Exclude<RateKind, 'click'>, keys: string[]): Promise<void> {
  const verdict = await shopObject(c.env, c.get('shop').id).limit(kind, keys, c.get('now'));
  if (!verdict.ok) {
    throw new ApiError(
      429,
      'rate_limited',
      'Too many requests from this client or for this shop; try again later.',
      undefined,
      verdict.retryAfterMs,
    );
  }
}

const limitsNote = (kind: RateKind) =>
  ` Rate-limited: ${RATE_LIMITS[kind].perClient} per minute per client${kind === 'click' ? ' and referral code' : ''} ` +
  `(salted IP hash, else visitor id) and ${RATE_LIMITS[kind].perShop.toLocaleString('en')} per minute per shop; ` +
  'over either, 429 `rate_limited` with Retry-After.';

/** The statement that remembers the referrer's browser, when the SDK sent its visitor id. */
function deviceOf(c: Context<AppEnv>, referrer: ReferrerRow, visitorHash: string | null): D1PreparedStatement[] {
  return visitorHash
    ? [referrerDeviceStatement(c.env.DB, { referrerId: referrer.id, shopId: referrer.shop_id, visitorHash, now: c.get('now') })]
    : [];
}

async function referrerFromToken(c: Context<AppEnv>): Promise<ReferrerRow> {
  const token = c.req.header('X-Referrer-Token');
  if (!token) throw new ApiError(401, 'invalid_referrer_token', 'Send X-Referrer-Token.');
  const referrer = await findReferrerByTokenHash(c.env.DB, c.get('shop').id, await sha256Hex(token));
  if (!referrer) throw new ApiError(401, 'invalid_referrer_token');
  return referrer;
}

// ---------------------------------------------------------------- config

const ShopConfigSchema = z
  .object({
    shop: z.object({
      id: z.string(),
      name: z.string(),
      currency: z.string(),
      currencyExponent: z.number().int(),
      locale: z.enum(['en', 'zh-Hant-HK', 'zh-Hans']),
      disclosure: z.string().nullable(),
      allowBrowserConversions: z.boolean(),
      referrerApproval: z.boolean(),
    }),
    program: z.object({
      kind: z.enum(['percent', 'flat']),
      rateBps: z.number().int(),
      flatMinor: z.number().int(),
      capMinor: z.number().int().nullable(),
      holdDays: z.number().int(),
      windowDays: z.number().int(),
      friendReward: z.object({ kind: z.enum(['none', 'percent', 'flat']), value: z.number().int() }),
    }),
    products: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        names: z.record(z.string(), z.string()),
        priceMinor: z.number().int(),
        currency: z.string(),
        url: z.string().nullable(),
        imageUrl: z.string().nullable(),
        earnMinor: z.number().int(),
      }),
    ),
  })
  .openapi('ShopConfig');

publicApi.openapi(
  createRoute({
    method: 'get',
    path: '/config',
    tags: ['Public'],
    summary: 'What the widgets render: currency, program, per-product "share & earn" amounts',
    middleware: [requireKey('publishable')] as const,
    security: [{ publishableKey: [] }],
    responses: {
      200: { description: 'The shop display config.', content: { 'application/json': { schema: ShopConfigSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const program = await getProgram(c.env.DB, shop.id);
    const products = await listProducts(c.env.DB, shop.id, { activeOnly: true });
    const body: ShopConfig = {
      shop: {
        id: shop.id,
        name: shop.name,
        currency: shop.currency,
        currencyExponent: currencyExponent(shop.currency),
        locale: shop.locale as ShopConfig['shop']['locale'],
        disclosure: shop.disclosure_text,
        allowBrowserConversions: shop.allow_browser_conversions === 1,
        referrerApproval: shop.referrer_approval === 1,
      },
      program: {
        kind: program.kind,
        rateBps: program.rateBps,
        flatMinor: program.flatMinor,
        capMinor: program.capMinor,
        holdDays: program.holdDays,
        windowDays: program.windowDays,
        friendReward: { kind: program.friendRewardKind, value: program.friendRewardValue },
      },
      products: products.map((p) => ({
        sku: p.sku,
        name: p.name,
        names: JSON.parse(p.names),
        priceMinor: p.price_minor,
        currency: p.currency,
        url: p.url,
        imageUrl: p.image_url,
        earnMinor: earnPerUnit(p.price_minor, program, toProductRule(p)),
      })),
    };
    c.header('Cache-Control', 'private, max-age=60');
    c.header('Vary', 'Authorization');
    return c.json(body, 200);
  },
);

// ---------------------------------------------------------------- referrers

const ReferrerCreate = z
  .strictObject({
    displayName: z.string().min(1).max(80).optional(),
    email: z.string().email().max(254).optional(),
    claimToken: z
      .string()
      .min(8)
      .max(128)
      .optional()
      .openapi({ description: 'A buyer claim token from a reported order: makes a verified-buyer referrer.' }),
    vanityCode: ReferralCode.optional().openapi({ description: 'Secret key only: a KOL code such as "maggie".' }),
    phone: z.string().min(4).max(32).optional().openapi({ description: 'Secret key only.' }),
    customerRef: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "Secret key only: the shop's customer id, for self-referral checks." }),
    status: z.enum(['active', 'pending', 'blocked']).optional().openapi({ description: 'Secret key only.' }),
    visitorId: VisitorId.optional().openapi({
      description: "This browser's SDK visitor id: orders from it through this referrer's link are self-referral.",
    }),
  })
  .openapi('ReferrerCreate');

publicApi.openapi(
  createRoute({
    method: 'post',
    path: '/referrers',
    tags: ['Public'],
    summary: 'Create a referrer (returns its code and bearer token)',
    description:
      'With the publishable key: an anonymous referrer from the browser. With the secret key: also a KOL with a vanity code, contact and status.' +
      limitsNote('referrer').replace('Rate-limited', 'With the publishable key, rate-limited'),
    middleware: [requireKey('publishable', 'secret')] as const,
    security: [{ publishableKey: [] }, { secretKey: [] }] as Array<Record<string, string[]>>,
    request: { body: { content: { 'application/json': { schema: ReferrerCreate } }, required: true } },
    responses: {
      201: {
        description: 'The referrer and its token (shown once).',
        content: { 'application/json': { schema: z.object({ referrer: ReferrerSchema, token: z.string() }) } },
      },
      ...errorResponses(400, 401, 403, 409, 413, 415, 429),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const body = c.req.valid('json');
    const secret = c.get('keyKind') === 'secret';
    if (!secret && (body.vanityCode || body.phone || body.customerRef || body.status)) {
      throw new ApiError(403, 'forbidden', 'vanityCode, phone, customerRef and status need the secret key.');
    }
    const client = await clientOf(c, body.visitorId);
    if (!secret) await rateLimit(c, 'referrer', client.keys);
    if (body.vanityCode) {
      const taken = await c.env.DB.prepare('SELECT 1 AS x FROM referrers WHERE vanity_code = ?1 OR code = ?1')
        .bind(body.vanityCode)
        .first();
      if (taken) throw new ApiError(409, 'vanity_code_taken', `The code ${body.vanityCode} is already used.`);
    }
    const claim = body.claimToken ? await checkClaimToken(c.env.DB, shop, body.claimToken) : null;
    const verifiedBuyer = claim?.verifiedBuyer ?? false;
    const customerRef = claim?.customerRef ?? null;
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
      customer_ref: body.customerRef ?? customerRef,
      status: body.status ?? (shop.referrer_approval === 1 ? 'pending' : 'active'),
      verified_buyer: verifiedBuyer ? 1 : 0,
      created_at: c.get('now'),
    };
    try {
      await insertReferrer(c.env.DB, row, claim, deviceOf(c, row, client.visitorHash));
    } catch (error) {
      if (String(error).includes('UNIQUE') && body.vanityCode) throw new ApiError(409, 'vanity_code_taken');
      throw error;
    }
    // the shop's object may remember this vanity code as unknown
    if (row.vanity_code) await shopObject(c.env, shop.id).forgetReferrer(null, row.vanity_code);
    const out: ReferrerCreated = { referrer: presentReferrer(row, baseUrlOf(c.req.url)), token };
    return c.json(out, 201);
  },
);

publicApi.openapi(
  createRoute({
    method: 'get',
    path: '/referrers/me',
    tags: ['Public'],
    summary: "The referrer's own link, stats and earnings",
    middleware: [requireKey('publishable')] as const,
    security: [{ publishableKey: [] }],
    request: { headers: ReferrerTokenHeader },
    responses: {
      200: {
        description: 'Stats and balances.',
        content: {
          'application/json': {
            schema: z.object({
              referrer: ReferrerSchema,
              stats: z.object({ shares: z.number(), clicks: z.number(), orders: z.number() }),
              balances: BalancesSchema,
              recentConversions: z.array(
                z.object({
                  id: z.string(),
                  createdAt: z.number(),
                  amountMinor: z.number(),
                  currency: z.string(),
                  commissionMinor: z.number(),
                  commissionStatus: z.enum(['none', 'pending', 'on_hold']),
                }),
              ),
            }),
          },
        },
      },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const referrer = await referrerFromToken(c);
    const db = c.env.DB;
    // clicks acknowledged but not yet flushed are counted from the shop's object, without a flush
    const [counts, unflushed, balances, recent] = await Promise.all([
      db
        .prepare(
          `SELECT (SELECT count(*) FROM shares WHERE referrer_id = ?1) AS shares,
                  (SELECT count(*) FROM clicks WHERE referrer_id = ?1) AS clicks,
                  (SELECT count(*) FROM conversions WHERE referrer_id = ?1) AS orders`,
        )
        .bind(referrer.id)
        .first<{ shares: number; clicks: number; orders: number }>(),
      shopObject(c.env, shop.id).unflushedClicksOf(referrer.id),
      referrerBalances(db, referrer.id, shop.currency),
      db
        .prepare(
          `SELECT id, created_at, amount_minor, currency, commission_minor, commission_status FROM conversions
            WHERE referrer_id = ? ORDER BY created_at DESC LIMIT 20`,
        )
        .bind(referrer.id)
        .all<{
          id: string;
          created_at: number;
          amount_minor: number;
          currency: string;
          commission_minor: number;
          commission_status: 'none' | 'pending' | 'on_hold';
        }>(),
    ]);
    const body: ReferrerStats = {
      referrer: presentReferrer(referrer, baseUrlOf(c.req.url)),
      stats: counts ? { ...counts, clicks: counts.clicks + unflushed } : { shares: 0, clicks: unflushed, orders: 0 },
      balances,
      recentConversions: recent.results.map((r) => ({
        id: r.id,
        createdAt: r.created_at,
        amountMinor: r.amount_minor,
        currency: r.currency,
        commissionMinor: r.commission_minor,
        commissionStatus: r.commission_status,
      })),
    };
    return c.json(body, 200);
  },
);

publicApi.openapi(
  createRoute({
    method: 'post',
    path: '/referrers/me/claim',
    tags: ['Public'],
    summary: 'Claim the anonymous referrer with an email or phone (to see earnings and get paid)',
    description: limitsNote('claim'),
    middleware: [requireKey('publishable')] as const,
    security: [{ publishableKey: [] }],
    request: {
      headers: ReferrerTokenHeader,
      body: {
        content: {
          'application/json': {
            schema: z
              .strictObject({
                email: z.string().email().max(254).optional(),
                phone: z.string().min(4).max(32).optional(),
                displayName: z.string().min(1).max(80).optional(),
                visitorId: VisitorId.optional(),
              })
              .refine((b) => b.email || b.phone, { message: 'Give an email or a phone number.' }),
          },
        },
        required: true,
      },
    },
    responses: {
      200: {
        description: 'The claimed referrer.',
        content: { 'application/json': { schema: z.object({ referrer: ReferrerSchema }) } },
      },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const client = await clientOf(c, body.visitorId);
    await rateLimit(c, 'claim', client.keys);
    const referrer = await referrerFromToken(c);
    const email = body.email ? normalizeEmail(body.email) : referrer.email;
    const phone = body.phone ? normalizePhone(body.phone) : referrer.phone;
    const displayName = body.displayName ?? referrer.display_name;
    await c.env.DB.batch([
      c.env.DB.prepare('UPDATE referrers SET email = ?, phone = ?, display_name = ? WHERE id = ?').bind(
        email,
        phone,
        displayName,
        referrer.id,
      ),
      ...deviceOf(c, referrer, client.visitorHash),
    ]);
    // the conversion desk keeps referrers in memory: the next order must see the new contact and
    // device (self-referral), not the cached ones — this referrer only, not the whole shop
    await shopObject(c.env, referrer.shop_id).forgetReferrer(referrer.id);
    return c.json(
      { referrer: presentReferrer({ ...referrer, email, phone, display_name: displayName }, baseUrlOf(c.req.url)) },
      200,
    );
  },
);

// ---------------------------------------------------------------- shares

publicApi.openapi(
  createRoute({
    method: 'post',
    path: '/shares',
    tags: ['Public'],
    summary: 'Record a share and its channel',
    description: limitsNote('share'),
    middleware: [requireKey('publishable')] as const,
    security: [{ publishableKey: [] }],
    request: {
      headers: ReferrerTokenHeader,
      body: {
        content: {
          'application/json': {
            schema: z.strictObject({ channel: ChannelSchema, sku: Sku.optional(), visitorId: VisitorId.optional() }),
          },
        },
        required: true,
      },
    },
    responses: {
      201: {
        description: 'Recorded.',
        content: { 'application/json': { schema: z.object({ id: z.string(), channel: z.string() }) } },
      },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) => {
    const { channel, sku, visitorId } = c.req.valid('json');
    const client = await clientOf(c, visitorId);
    await rateLimit(c, 'share', client.keys);
    const referrer = await referrerFromToken(c);
    const id = newId('shr');
    const [, device] = await c.env.DB.batch([
      c.env.DB.prepare('INSERT INTO shares (id, shop_id, referrer_id, channel, sku, created_at) VALUES (?, ?, ?, ?, ?, ?)').bind(
        id,
        referrer.shop_id,
        referrer.id,
        channel,
        sku ?? null,
        c.get('now'),
      ),
      ...deviceOf(c, referrer, client.visitorHash),
    ]);
    // a browser this referrer had not shared from before: the desk must see it
    if (device && device.meta.changes > 0) await shopObject(c.env, referrer.shop_id).forgetReferrer(referrer.id);
    return c.json({ id, channel }, 201);
  },
);

// ---------------------------------------------------------------- clicks

export const ClickInputSchema = z
  .strictObject({
    code: ReferralCode,
    channel: ChannelSchema.optional(),
    landingUrl: z.string().max(2048).optional(),
    visitorId: VisitorId.optional(),
  })
  .openapi('ClickInput');

/** Records a click through the shop's ClickBuffer; shared by POST /v1/clicks and GET /r/:code. */
export async function recordClick(
  c: Context<AppEnv>,
  shopId: string,
  input: { code: string; channel?: string; landingUrl?: string; visitorId?: string },
) {
  const salt = c.env.IP_HASH_SALT ?? '';
  const now = c.get('now');
  const id = newId('clk');
  const [client, uaHash] = await Promise.all([clientOf(c, input.visitorId), uaPseudonym(salt, c.req.header('User-Agent'), now)]);
  const result = await shopObject(c.env, shopId).record({
    id,
    shopId,
    code: input.code,
    channel: input.channel ?? 'direct',
    landingUrl: input.landingUrl ?? null,
    visitorHash: client.visitorHash,
    ipHash: client.ipHash,
    ipHashPrevious: client.ipHashPrevious,
    uaHash,
    createdAt: now,
  });
  return { id, now, result };
}

publicApi.openapi(
  createRoute({
    method: 'post',
    path: '/clicks',
    tags: ['Public'],
    summary: 'Record a click on a referral link',
    description: 'The click is durably buffered and written to D1 in batches.' + limitsNote('click'),
    middleware: [requireKey('publishable')] as const,
    security: [{ publishableKey: [] }],
    request: { body: { content: { 'application/json': { schema: ClickInputSchema } }, required: true } },
    responses: {
      201: {
        description: 'Recorded.',
        content: {
          'application/json': {
            schema: z.object({
              clickId: z.string(),
              code: z.string(),
              expiresAt: z.number(),
              referrer: z.object({ displayName: z.string().nullable() }),
              friendReward: z.object({ kind: z.enum(['none', 'percent', 'flat']), value: z.number() }),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 404, 429),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const input = c.req.valid('json');
    const { id, now, result } = await recordClick(c, shop.id, input);
    if (!result.ok) {
      if (result.reason === 'rate_limited') {
        throw new ApiError(
          429,
          'rate_limited',
          'Too many clicks for this link from this client, or for this shop; try again later.',
          undefined,
          result.retryAfterMs ?? 60_000,
        );
      }
      throw new ApiError(404, 'referrer_not_found', `No active referrer has the code ${input.code}.`);
    }
    const body: ClickRecorded = {
      clickId: id,
      code: result.code,
      expiresAt: now + result.program.windowDays * DAY_MS,
      referrer: { displayName: result.displayName },
      friendReward: { kind: result.program.friendRewardKind, value: result.program.friendRewardValue },
    };
    return c.json(body, 201);
  },
);
