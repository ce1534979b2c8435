/** `GET /v1/config` (publishable key): what the widgets render. */
import { errorResponses } from '../contract/common.js';
import { ShopConfigSchema } from '../contract/config.js';
import { shopConfig } from '../services/config.js';
import { createRouter, publishableRoute } from './router.js';

export const config = createRouter();

config.openapi(
  publishableRoute({
    method: 'get',
    path: '/',
    operationId: 'getShopConfig',
    tags: ['Widgets'],
    summary: 'What the widgets render: currency, program, per-product "share & earn" amounts',
    responses: {
      200: { description: 'The shop display config.', content: { 'application/json': { schema: ShopConfigSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    const body = await shopConfig(c.env.DB, c.get('shop'));
    c.header('Cache-Control', 'private, max-age=60');
    c.header('Vary', 'Authorization', { append: true });
    return c.json(body, 200);
  },
);
