/**
 * Conversions: orders reported by the shop (secret key, server to server, verified) or from the
 * thank-you page (publishable key, when the shop allows it, unverified). Reporting is idempotent on
 * (shop, order id): any number of identical reports, concurrent or not, make one conversion, one
 * ledger transaction and identical responses; a different server report of a verified order is a
 * 409. The shop's server report of a browser-reported order supersedes it (guarantee 17); a browser
 * report never changes a recorded order and its answer shows nothing of it beyond its id.
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
  OrderItemSchema,
  OrderItemsSchema,
  PageQuery,
  ReferralCode,
  errorResponses,
} from '../schemas.js';
import type { ShopRow } from '../db/shops.js';
import { shopObject } from '../durable/shop-object-stub.js';
import type { ConversionRow } from '../db/conversions.js';
import { getConversion, listConversions } from '../db/conversions.js';
import type { ReportOutcome } from '../durable/conversion-desk.js';
import { clientOf } from './public.js';
import { RATE_LIMITS } from '../domain/rate-limits.js';
import { MAX_ORDER_MINOR, MAX_SHOP_ORDERS_MINOR } from '../domain/money.js';
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

/** Lines and units a browser may report in one order (the catalogue prices them). */
export const BROWSER_MAX_LINES = 50;
export const BROWSER_MAX_QUANTITY = 99;

/** What the thank-you page may report: items are required, quantities bounded, no customer data. */
export const BrowserConversionReport = ConversionReport.omit({ customer: true, occurredAt: true, items: true })
  .extend({
    items: z
      .array(
        OrderItemSchema.extend({
          quantity: z.number().int().min(1).max(BROWSER_MAX_QUANTITY),
          unitPriceMinor: MinorAmount.openapi({ description: 'Ignored: the catalogue prices browser reports.' }),
        }),
      )
      .min(1)
      .max(BROWSER_MAX_LINES),
  })
  .openapi('BrowserConversionReport');

/** The browser's answer: enough for the thank-you page, nothing of the order's recorded data. */
const BrowserConversionResponse = z
  .object({
    conversion: z.object({
      id: z.string(),
      orderId: z.string(),
      verified: z.boolean().openapi({ description: "True once the shop's server reported the order." }),
      recorded: z.enum(['created', 'replayed', 'unchanged']).openapi({
        description: '`unchanged`: the order was already recorded (by the shop or another report); nothing changed.',
      }),
    }),
    buyerClaimToken: z.string().optional().openapi({
      description:
        'Only for the browser whose report recorded the order: lets the buyer become a (not verified) referrer in one tap.',
    }),
  })
  .openapi('BrowserConversionResult');

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
  opts: { verified: boolean; now: number; client?: string[] },
): Promise<{ row: ConversionRow; outcome: ReportOutcome; retryAfterMs?: number }> {
  const result = await shopObject(env, shop.id).report(shop, report, opts);
  if (!result.ok) {
    throw new ApiError(result.status, result.code, result.message, undefined, result.retryAfterMs);
  }
  return { row: result.row, outcome: result.outcome };
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
      'Attributes the order (click id, then referral code, then coupon code; last click within the window by default), computes the commission server-side and writes it to the ledger as pending. Idempotent on the order id, and on `Idempotency-Key` when sent. ' +
      "A report of an order first reported from the browser supersedes it: the conversion becomes verified with this report's amount, customer and attribution, and the ledger takes back the browser's held commission and credits this one (201, once). " +
      `Limits: an order is at most ${MAX_ORDER_MINOR.toExponential()} minor units; a shop's orders may total at most ${MAX_SHOP_ORDERS_MINOR.toExponential()} (422 \`shop_limit_reached\`).`,
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
    const { row } = await reportConversion(c.env, shop, c.req.valid('json'), { verified: true, now: c.get('now') });
    return c.json(
      { conversion: presentConversion(row), buyerClaimToken: await buyerClaimToken(shop, row.id, row.verified === 1) },
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
      "Only when the shop allows browser reports. Nothing here is trusted for money: items are required and priced from the catalogue (unknown or inactive products are refused, an amount above the catalogue total is refused), and the commission is held (`on_hold`, reason `unverified`) until the shop's server reports the same order or the shop approves it; with the program's `unverifiedExpiryDays` it is voided when neither happens in time. " +
      'A report of an order already recorded changes nothing. ' +
      RATE_LIMITS.browser_report.perClient +
      ' per minute per client and ' +
      RATE_LIMITS.browser_report.perShop +
      ' per minute per shop; over either, 429 `rate_limited` with Retry-After.',
    security: [{ publishableKey: [] }],
    request: {
      body: { content: { 'application/json': { schema: BrowserConversionReport } }, required: true },
    },
    responses: {
      201: {
        description: 'Recorded (or the same report again).',
        content: { 'application/json': { schema: BrowserConversionResponse } },
      },
      200: {
        description: 'The order was already recorded; nothing changed.',
        content: { 'application/json': { schema: BrowserConversionResponse } },
      },
      ...errorResponses(400, 401, 403, 413, 415, 422, 429),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    if (shop.allow_browser_conversions !== 1) throw new ApiError(403, 'browser_conversions_disabled');
    const report = c.req.valid('json');
    const client = await clientOf(c, report.visitorId);
    const { row, outcome } = await reportConversion(c.env, shop, report, {
      verified: false,
      now: c.get('now'),
      client: client.keys,
    });
    const recorded = outcome === 'upgraded' ? 'unchanged' : outcome;
    const mine = recorded !== 'unchanged' && row.verified === 0;
    return c.json(
      {
        conversion: { id: row.id, orderId: row.order_id, verified: row.verified === 1, recorded },
        ...(mine ? { buyerClaimToken: await buyerClaimToken(shop, row.id, false) } : {}),
      },
      recorded === 'unchanged' ? 200 : 201,
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
