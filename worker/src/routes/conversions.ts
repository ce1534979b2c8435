/** `/v1/conversions`: orders reported by the shop's server or the thank-you page, and their reads. */
import { z } from '@hono/zod-openapi';
import { PageQuery, errorResponses, listOf } from '../contract/common.js';
import {
  BrowserConversionReportSchema,
  BrowserConversionResultSchema,
  ConversionReportSchema,
  ConversionResultSchema,
  ConversionSchema,
} from '../contract/conversions.js';
import { MAX_ORDER_MINOR, MAX_SHOP_ORDERS_MINOR } from '../domain/money.js';
import { listConversions, readConversion, reportBrowserConversion, reportServerConversion } from '../services/conversions.js';
import { createRouter, shopRoute, idempotentSecretRoute, publishableRoute, rateLimitNote, requester } from './router.js';

export const conversions = createRouter();

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

conversions.openapi(
  idempotentSecretRoute({
    method: 'post',
    path: '/',
    operationId: 'reportConversion',
    tags: ['Conversions'],
    summary: 'Report an order (secret key)',
    description:
      'Attributes the order (click id, then referral code, then coupon code; last click within the window by default), computes the commission server-side and writes it to the ledger as pending. Idempotent on the order id, and on `Idempotency-Key` when sent. ' +
      "A report of an order first reported from the browser supersedes it: the conversion becomes verified with this report's amount, customer and attribution, and the ledger takes back the browser's held commission and credits this one (201, once). " +
      `Limits: an order is at most ${MAX_ORDER_MINOR.toExponential()} minor units; a shop's orders may total at most ${MAX_SHOP_ORDERS_MINOR.toExponential()} (422 \`shop_limit_reached\`).`,
    request: {
      headers: z.object({ 'idempotency-key': z.string().max(255).optional() }),
      body: json(ConversionReportSchema),
    },
    responses: {
      201: {
        description: 'The conversion (also for identical repeats).',
        content: { 'application/json': { schema: ConversionResultSchema } },
      },
      ...errorResponses(400, 401, 403, 409, 413, 415, 422),
    },
  }),
  async (c) => c.json(await reportServerConversion(c.env, c.get('shop'), c.req.valid('json'), c.get('now')), 201),
);

conversions.openapi(
  publishableRoute({
    method: 'post',
    path: '/browser',
    operationId: 'reportBrowserConversion',
    tags: ['Conversions'],
    summary: 'Report an order from the thank-you page (publishable key, unverified)',
    description:
      "Only when the shop allows browser reports. Nothing here is trusted for money: items are required and priced from the catalogue (unknown or inactive products are refused, an amount above the catalogue total is refused), and the commission is held (`on_hold`, reason `unverified`) until the shop's server reports the same order or the shop approves it; with the program's `unverifiedExpiryDays` it is voided when neither happens in time. " +
      'A report of an order already recorded changes nothing.' +
      rateLimitNote('browser_report'),
    request: { body: json(BrowserConversionReportSchema) },
    responses: {
      201: {
        description: 'Recorded (or the same report again).',
        content: { 'application/json': { schema: BrowserConversionResultSchema } },
      },
      200: {
        description: 'The order was already recorded; nothing changed.',
        content: { 'application/json': { schema: BrowserConversionResultSchema } },
      },
      ...errorResponses(400, 401, 403, 413, 415, 422, 429),
    },
  }),
  async (c) => {
    const { created, result } = await reportBrowserConversion(
      c.env,
      c.get('shop'),
      c.req.valid('json'),
      requester(c),
      c.get('now'),
    );
    return created ? c.json(result, 201) : c.json(result, 200);
  },
);

conversions.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'listConversions',
    tags: ['Conversions'],
    summary: 'List conversions, newest first',
    request: { query: PageQuery.extend({ referrerId: z.string().max(64).optional() }) },
    responses: {
      200: { description: 'A page of conversions.', content: { 'application/json': { schema: listOf(ConversionSchema) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await listConversions(c.env.DB, c.get('shop').id, c.req.valid('query')), 200),
);

conversions.openapi(
  shopRoute({
    method: 'get',
    path: '/{id}',
    operationId: 'getConversion',
    tags: ['Conversions'],
    summary: 'One conversion with its explanation',
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: {
      200: {
        description: 'The conversion.',
        content: { 'application/json': { schema: z.object({ conversion: ConversionSchema }).openapi('ConversionRead') } },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await readConversion(c.env.DB, c.get('shop').id, c.req.valid('param').id), 200),
);
