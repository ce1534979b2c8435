/** Shops, for the worker's operator (admin token): create, rotate keys, set origins and the webhook URL, read, dashboard tokens. */
import { z } from '@hono/zod-openapi';
import { errorResponses } from '../contract/common.js';
import {
  KeyRotationSchema,
  OriginsSchema,
  ShopCreateSchema,
  ShopCreatedSchema,
  ShopKeysSchema,
  ShopResultSchema,
} from '../contract/shops.js';
import { DashboardTokenCreateSchema, DashboardTokenCreatedSchema, DashboardTokenResultSchema } from '../contract/sessions.js';
import { WebhookEndpointUpdateSchema } from '../contract/webhooks.js';
import { createDashboardToken, listTokens, revokeToken } from '../services/dashboard-tokens.js';
import { createShop, readShop, replaceOrigins, rotateKeys } from '../services/shops.js';
import { setWebhookUrl } from '../services/webhooks.js';
import { DashboardTokenList } from './dashboard-tokens.js';
import { adminRoute, baseUrlOf, createRouter } from './router.js';

export const shops = createRouter();

const ShopParam = z.object({ shopId: z.string().max(64) });
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

shops.openapi(
  adminRoute({
    method: 'post',
    path: '/',
    operationId: 'createShop',
    tags: ['Shops'],
    summary: 'Create a shop with its keys, program and products',
    request: { body: json(ShopCreateSchema) },
    responses: {
      201: {
        description: 'The shop and its keys (the secret key is shown only here).',
        content: { 'application/json': { schema: ShopCreatedSchema } },
      },
      ...errorResponses(400, 401, 403, 413, 415),
    },
  }),
  async (c) => c.json(await createShop(c.env, c.req.valid('json'), c.get('now')), 201),
);

shops.openapi(
  adminRoute({
    method: 'post',
    path: '/{shopId}/keys/rotate',
    operationId: 'rotateShopKeys',
    tags: ['Shops'],
    summary: 'Rotate keys (the old key stops working at once) or the webhook signing secret (with an overlap)',
    request: { params: ShopParam, body: json(KeyRotationSchema) },
    responses: {
      200: { description: 'The new keys.', content: { 'application/json': { schema: ShopKeysSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await rotateKeys(c.env.DB, c.req.valid('param').shopId, c.req.valid('json'), c.get('now')), 200),
);

shops.openapi(
  adminRoute({
    method: 'put',
    path: '/{shopId}/origins',
    operationId: 'setShopOrigins',
    tags: ['Shops'],
    summary: "Replace the shop's allowed origins",
    request: { params: ShopParam, body: json(OriginsSchema) },
    responses: {
      200: { description: 'The shop.', content: { 'application/json': { schema: ShopResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await replaceOrigins(c.env.DB, c.req.valid('param').shopId, c.req.valid('json').origins), 200),
);

shops.openapi(
  adminRoute({
    method: 'put',
    path: '/{shopId}/webhook',
    operationId: 'setShopWebhook',
    tags: ['Shops'],
    summary: "Set or clear the shop's webhook URL",
    description: "The same as `PUT /v1/webhooks` with the shop's secret key.",
    request: { params: ShopParam, body: json(WebhookEndpointUpdateSchema) },
    responses: {
      200: { description: 'The shop.', content: { 'application/json': { schema: ShopResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { shopId } = c.req.valid('param');
    await setWebhookUrl(c.env, shopId, c.req.valid('json').url, c.get('now'));
    return c.json(await readShop(c.env.DB, shopId), 200);
  },
);

shops.openapi(
  adminRoute({
    method: 'get',
    path: '/{shopId}',
    operationId: 'getShop',
    tags: ['Shops'],
    summary: 'Read a shop',
    request: { params: ShopParam },
    responses: {
      200: { description: 'The shop.', content: { 'application/json': { schema: ShopResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await readShop(c.env.DB, c.req.valid('param').shopId), 200),
);

shops.openapi(
  adminRoute({
    method: 'post',
    path: '/{shopId}/dashboard-tokens',
    operationId: 'adminCreateDashboardToken',
    tags: ['Shops'],
    summary: 'Create a dashboard token for the shop (shown once) and its sign-in link',
    request: { params: ShopParam, body: json(DashboardTokenCreateSchema) },
    responses: {
      201: { description: 'The token.', content: { 'application/json': { schema: DashboardTokenCreatedSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) =>
    c.json(
      await createDashboardToken(c.env.DB, c.req.valid('param').shopId, {
        body: c.req.valid('json'),
        createdBy: 'admin',
        now: c.get('now'),
        baseUrl: baseUrlOf(c),
      }),
      201,
    ),
);

shops.openapi(
  adminRoute({
    method: 'get',
    path: '/{shopId}/dashboard-tokens',
    operationId: 'adminListDashboardTokens',
    tags: ['Shops'],
    summary: "The shop's dashboard tokens",
    request: { params: ShopParam },
    responses: {
      200: { description: 'The tokens.', content: { 'application/json': { schema: DashboardTokenList } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await listTokens(c.env.DB, c.req.valid('param').shopId), 200),
);

shops.openapi(
  adminRoute({
    method: 'post',
    path: '/{shopId}/dashboard-tokens/{id}/revoke',
    operationId: 'adminRevokeDashboardToken',
    tags: ['Shops'],
    summary: 'Revoke a dashboard token and end its sessions',
    request: { params: ShopParam.extend({ id: z.string().max(64) }) },
    responses: {
      200: { description: 'The token.', content: { 'application/json': { schema: DashboardTokenResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await revokeToken(c.env.DB, c.req.valid('param').shopId, c.req.valid('param').id, c.get('now')), 200),
);
