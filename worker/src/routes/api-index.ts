/**
 * The API's front door: `GET /v1/` (and `/v1`) says what this is and where its reference lives, so the
 * base URL that `npm start` prints answers something useful instead of a 404. No key needed.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { errorResponses } from '../contract/common.js';
import { VERSION } from '../version.js';
import { createRouter, openRoute } from './router.js';

export const apiIndex = createRouter();

/** Where to go next, as paths on this worker. */
export const API_LINKS = {
  docs: '/docs',
  openapi: '/openapi.json',
  health: '/healthz',
  sdk: '/sdk/sharecart.js',
  shop: '/shop/',
} as const;

const ApiIndexSchema = z
  .object({
    name: z.literal('ShareCart API'),
    version: z.string().openapi({ example: VERSION }),
    links: z.object({
      docs: z.literal(API_LINKS.docs).openapi({ description: 'The API reference (HTML).' }),
      openapi: z.literal(API_LINKS.openapi).openapi({ description: 'The OpenAPI 3 document.' }),
      health: z.literal(API_LINKS.health),
      sdk: z.literal(API_LINKS.sdk).openapi({ description: 'The script-tag SDK.' }),
      shop: z.literal(API_LINKS.shop).openapi({ description: 'The demo shop (when deployed with it).' }),
    }),
  })
  .openapi('ApiIndex');

const index = (c: Context<AppEnv>) => c.json({ name: 'ShareCart API' as const, version: VERSION, links: API_LINKS }, 200);

// Mounted at the root: Hono's routing is strict about the trailing slash, and both spellings answer.
apiIndex.openapi(
  openRoute({
    method: 'get',
    path: '/v1',
    operationId: 'getApiIndex',
    tags: ['Meta'],
    summary: 'What this API is, its version and where its reference lives',
    responses: {
      200: { description: 'The API index.', content: { 'application/json': { schema: ApiIndexSchema } } },
      ...errorResponses(405),
    },
  }),
  index,
);
apiIndex.get('/v1/', index);
