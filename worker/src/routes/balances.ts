/** `GET /v1/balances` (secret key): balances per referrer, and the shop's totals. */
import { PageQuery, errorResponses, listOf } from '../contract/common.js';
import { BalancesSchema, ReferrerBalancesSchema } from '../contract/ledger.js';
import { balancesPage } from '../services/ledger.js';
import { createRouter, shopRoute } from './router.js';

export const balances = createRouter();

balances.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'listBalances',
    tags: ['Ledger'],
    summary: 'Balances per referrer (on hold, pending, available, paid) and the totals',
    request: { query: PageQuery },
    responses: {
      200: {
        description: "A page of the referrers' balances, and the shop's totals over every referrer.",
        content: { 'application/json': { schema: listOf(ReferrerBalancesSchema).extend({ totals: BalancesSchema }) } },
      },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await balancesPage(c.env.DB, c.get('shop'), c.req.valid('query')), 200),
);
