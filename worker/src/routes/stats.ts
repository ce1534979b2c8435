/**
 * `/v1/stats` (secret key, or the shop's dashboard): the funnel and the leaderboard, from the rollups
 * and the shop object's clicks not yet flushed.
 */
import { errorResponses } from '../contract/common.js';
import { FunnelQuery, FunnelSchema, LeaderboardQuery, LeaderboardSchema } from '../contract/stats.js';
import { funnel, leaderboard } from '../services/stats.js';
import { createRouter, shopRoute } from './router.js';

export const stats = createRouter();

stats.openapi(
  shopRoute({
    method: 'get',
    path: '/funnel',
    operationId: 'getFunnel',
    tags: ['Stats'],
    summary: 'Shares → clicks → orders → commission, per day and per channel',
    description:
      'Read from hourly rollups kept as clicks, shares and conversions are written: the cost does not grow with the number of clicks. Ranges up to 400 days.',
    request: { query: FunnelQuery },
    responses: {
      200: { description: 'The funnel.', content: { 'application/json': { schema: FunnelSchema } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await funnel(c.env, c.get('shop'), c.req.valid('query'), c.get('now')), 200),
);

stats.openapi(
  shopRoute({
    method: 'get',
    path: '/leaderboard',
    operationId: 'getLeaderboard',
    tags: ['Stats'],
    summary: 'Referrers ranked by commission, then orders, then clicks (whole UTC days)',
    request: { query: LeaderboardQuery },
    responses: {
      200: { description: 'The leaderboard.', content: { 'application/json': { schema: LeaderboardSchema } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await leaderboard(c.env, c.get('shop'), c.req.valid('query'), c.get('now')), 200),
);
