/**
 * Conversions: orders reported by the shop (secret key, server to server, verified) or from the
 * thank-you page (publishable key, when the shop allows it, unverified). Reporting is idempotent on
 * (shop, order id): any number of identical reports, concurrent or not, make one conversion, one
 * ledger transaction and identical responses; a different report for the same order is a 409.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireKey } from '../middleware/auth.js';
import { idempotent } from '../middleware/idempotency.js';
import { validationHook } from '../lib/validation.js';
import {
  ConversionSchema,
  Currency,
  MinorAmount,
  OrderItemsSchema,
  PageQuery,
  ReferralCode,
  errorResponses,
} from '../schemas.js';
import type { ShopRow } from '../db/shops.js';
import { clickBuffer } from '../db/clicks.js';
import type { ConversionRow } from '../db/conversions.js';
import { getConversion, listConversions } from '../db/conversions.js';
import { signClaimToken } from '../lib/claim-tokens.js';
import { presentConversion } from '../lib/present.js';

export const ConversionReport = z
  .strictObject({
    orderId: z.string().min(1).max(128).openapi({ example: 'ORDER-1001' }),
    amountMinor: MinorAmount.openapi({ description: 'What the buyer paid, in minor units.' }),
    currency: Currency,
    items: OrderItemsSchema.optional(),
    clickId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'The click id the SDK exposed (ShareCart.attribution(), sc_ref cookie, hidden field).' }),
    referralCode: ReferralCode.optional().openapi({
      description: 'A referral code from the landing URL, when no click id is known.',
    }),
    couponCode: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'A coupon the buyer typed; equal to a referrer code or vanity code, it attributes.' }),
    visitorId: z
      .string()
      .min(8)
      .max(64)
      .optional()
      .openapi({ description: 'The SDK visitor id, for first/last click across visits.' }),
    customer: z
      .strictObject({
        ref: z.string().min(1).max(128).optional(),
        email: z.string().email().max(254).optional(),
        phone: z.string().min(4).max(32).optional(),
        referrerToken: z
          .string()
          .min(8)
          .max(128)
          .optional()
          .openapi({ description: "The buyer's own referrer token, if the buyer also shares (self-referral check)." }),
      })
      .optional(),
    occurredAt: z
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({ description: 'When the order was placed (ms); defaults to now. Attribution windows are measured from it.' }),
  })
  .openapi('ConversionReport');

type Report = z.infer<typeof ConversionReport>;

const ConversionResponse = z.object({
  conversion: ConversionSchema,
  buyerClaimToken: z.string().openapi({
    description:
      'Give it to the thank-you page (<sc-order-tracker claim-token>) so the buyer can become a verified-buyer referrer in one tap.',
  }),
});

/**
 * A token that proves "this browser saw the confirmation of order X" and whether X was verified
 * then; signed with the shop's claim secret, redeemable once (lib/claim-tokens.ts).
 */
export async function buyerClaimToken(shop: ShopRow, conversionId: string, verified: boolean): Promise<string> {
  if (!shop.claim_secret) throw new Error(`shop ${shop.id} has no claim secret`);
  return signClaimToken(shop.claim_secret, conversionId, verified);
}

/**
 * Decides and records one reported order in the shop's Durable Object (see
 * durable/conversion-desk.ts). Returns the stored conversion — ours, or the one an identical
 * earlier or concurrent report stored.
 */
export async function reportConversion(
  env: AppEnv['Bindings'],
  shop: ShopRow,
  report: Report,
  opts: { verified: boolean; now: number; catalogPrices: boolean },
): Promise<ConversionRow> {
  const result = await clickBuffer(env, shop.id).report(shop, report, opts);
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return result.row;
}

// ---------------------------------------------------------------- routes

export const conversions = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

conversions.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Conversions'],
    summary: 'Report an order (secret key)',
    middleware: [requireKey('secret'), idempotent] as const,
    description:
      'Attributes the order (click id, then referral code, then coupon code; last click within the window by default), computes the commission server-side and writes it to the ledger as pending. Idempotent on the order id, and on `Idempotency-Key` when sent.',
    security: [{ secretKey: [] }],
    request: {
      headers: z.object({ 'idempotency-key': z.string().max(255).optional() }),
      body: { content: { 'application/json': { schema: ConversionReport } }, required: true },
    },
    responses: {
      201: {
        description: 'The conversion (also for identical repeats).',
        content: { 'application/json': { schema: ConversionResponse } },
      },
      ...errorResponses(400, 401, 403, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const stored = await reportConversion(c.env, shop, c.req.valid('json'), {
      verified: true,
      now: c.get('now'),
      catalogPrices: false,
    });
    return c.json(
      { conversion: presentConversion(stored), buyerClaimToken: await buyerClaimToken(shop, stored.id, stored.verified === 1) },
      201,
    );
  },
);

conversions.openapi(
  createRoute({
    method: 'post',
    path: '/browser',
    tags: ['Conversions'],
    summary: 'Report an order from the thank-you page (publishable key, unverified)',
    middleware: [requireKey('publishable')] as const,
    description:
      'Only when the shop allows browser reports. Prices come from the product catalogue; the conversion is marked unverified.',
    security: [{ publishableKey: [] }],
    request: {
      body: {
        content: { 'application/json': { schema: ConversionReport.omit({ customer: true, occurredAt: true }) } },
        required: true,
      },
    },
    responses: {
      201: { description: 'The conversion.', content: { 'application/json': { schema: ConversionResponse } } },
      ...errorResponses(400, 401, 403, 409, 413, 415),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    if (shop.allow_browser_conversions !== 1) throw new ApiError(403, 'browser_conversions_disabled');
    const stored = await reportConversion(c.env, shop, c.req.valid('json'), {
      verified: false,
      now: c.get('now'),
      catalogPrices: true,
    });
    return c.json(
      { conversion: presentConversion(stored), buyerClaimToken: await buyerClaimToken(shop, stored.id, stored.verified === 1) },
      201,
    );
  },
);

conversions.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Conversions'],
    summary: 'List conversions, newest first',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { query: PageQuery.extend({ referrerId: z.string().max(64).optional() }) },
    responses: {
      200: {
        description: 'A page of conversions.',
        content: {
          'application/json': { schema: z.object({ data: z.array(ConversionSchema), nextCursor: z.string().nullable() }) },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listConversions(c.env.DB, c.get('shop').id, {
      limit: q.limit,
      before: q.before,
      referrerId: q.referrerId,
    });
    return c.json({ data: rows.map(presentConversion), nextCursor: rows.length === q.limit ? rows.at(-1)!.id : null }, 200);
  },
);

conversions.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Conversions'],
    summary: 'One conversion with its explanation',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: {
      200: {
        description: 'The conversion.',
        content: { 'application/json': { schema: z.object({ conversion: ConversionSchema }) } },
      },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const row = await getConversion(c.env.DB, c.get('shop').id, c.req.valid('param').id);
    if (!row) throw new ApiError(404, 'not_found', 'No such conversion in this shop.');
    return c.json({ conversion: presentConversion(row) }, 200);
  },
);
