/** `POST /v1/shares` (publishable key and the referrer's token): a share and its channel. */
import { errorResponses } from '../contract/common.js';
import { ReferrerTokenHeader } from '../contract/referrers.js';
import { ShareInputSchema, ShareRecordedSchema } from '../contract/shares.js';
import { recordShare } from '../services/shares.js';
import { createRouter, publishableRoute, rateLimitNote, requester } from './router.js';

export const shares = createRouter();

shares.openapi(
  publishableRoute({
    method: 'post',
    path: '/',
    operationId: 'recordShare',
    tags: ['Widgets'],
    summary: 'Record a share and its channel',
    description: rateLimitNote('share'),
    request: {
      headers: ReferrerTokenHeader,
      body: { content: { 'application/json': { schema: ShareInputSchema } }, required: true },
    },
    responses: {
      201: { description: 'Recorded.', content: { 'application/json': { schema: ShareRecordedSchema } } },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) =>
    c.json(
      await recordShare(c.env, c.get('shop'), {
        token: c.req.header('X-Referrer-Token'),
        body: c.req.valid('json'),
        requester: requester(c),
        now: c.get('now'),
      }),
      201,
    ),
);
