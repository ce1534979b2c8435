/**
 * `/v1/dashboard-tokens` (secret key, or a signed-in owner): create, list and revoke the shop's
 * dashboard tokens. The worker's operator does the same under `/v1/admin/shops/{shopId}/dashboard-tokens`.
 */
import { z } from '@hono/zod-openapi';
import { errorResponses } from '../contract/common.js';
import {
  DashboardTokenCreateSchema,
  DashboardTokenCreatedSchema,
  DashboardTokenResultSchema,
  DashboardTokenSchema,
} from '../contract/sessions.js';
import { createDashboardToken, listTokens, revokeToken } from '../services/dashboard-tokens.js';
import { baseUrlOf, createRouter, shopRoute } from './router.js';

export const dashboardTokens = createRouter();

export const DashboardTokenList = z.object({ data: z.array(DashboardTokenSchema) }).openapi('DashboardTokenList');

dashboardTokens.openapi(
  shopRoute({
    method: 'post',
    path: '/',
    operationId: 'createDashboardToken',
    tags: ['Dashboard'],
    summary: 'Create a dashboard token (shown once) and its sign-in link',
    request: { body: { content: { 'application/json': { schema: DashboardTokenCreateSchema } }, required: true } },
    responses: {
      201: { description: 'The token.', content: { 'application/json': { schema: DashboardTokenCreatedSchema } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) =>
    c.json(
      await createDashboardToken(c.env.DB, c.get('shop').id, {
        body: c.req.valid('json'),
        createdBy: c.get('keyKind') === 'session' ? 'session' : 'secret_key',
        now: c.get('now'),
        baseUrl: baseUrlOf(c),
      }),
      201,
    ),
);

dashboardTokens.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'listDashboardTokens',
    tags: ['Dashboard'],
    summary: "The shop's dashboard tokens, newest first (never the tokens themselves)",
    responses: {
      200: { description: 'The tokens.', content: { 'application/json': { schema: DashboardTokenList } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await listTokens(c.env.DB, c.get('shop').id), 200),
);

dashboardTokens.openapi(
  shopRoute({
    method: 'post',
    path: '/{id}/revoke',
    operationId: 'revokeDashboardToken',
    tags: ['Dashboard'],
    summary: 'Revoke a dashboard token: it stops signing in and its sessions end at once',
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: {
      200: { description: 'The token.', content: { 'application/json': { schema: DashboardTokenResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await revokeToken(c.env.DB, c.get('shop').id, c.req.valid('param').id, c.get('now')), 200),
);
