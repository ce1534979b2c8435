/** `/v1/shop` (secret key, or the shop's dashboard): the shop's own settings. */
import { errorResponses } from '../contract/common.js';
import { OwnShopResultSchema, ShopUpdateSchema } from '../contract/shops.js';
import { readOwnShop, updateShop } from '../services/shops.js';
import { createRouter, shopRoute } from './router.js';

export const shop = createRouter();

shop.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'getOwnShop',
    tags: ['Shop'],
    summary: "The shop's settings",
    responses: {
      200: { description: 'The shop.', content: { 'application/json': { schema: OwnShopResultSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await readOwnShop(c.env.DB, c.get('shop').id), 200),
);

shop.openapi(
  shopRoute({
    method: 'patch',
    path: '/',
    operationId: 'updateOwnShop',
    tags: ['Shop'],
    summary: "Change the shop's settings (disclosure, consent mode, referrer rules, payout threshold, allowed origins)",
    request: { body: { content: { 'application/json': { schema: ShopUpdateSchema } }, required: true } },
    responses: {
      200: { description: 'The shop.', content: { 'application/json': { schema: OwnShopResultSchema } } },
      ...errorResponses(400, 401, 403, 413, 415),
    },
  }),
  async (c) => c.json(await updateShop(c.env.DB, c.get('shop').id, c.req.valid('json')), 200),
);
