/** `POST /v1/clicks` (publishable key): a visitor arrived through a referral link. */
import { errorResponses } from '../contract/common.js';
import { ClickInputSchema, ClickRecordedSchema } from '../contract/clicks.js';
import { recordClick } from '../services/clicks.js';
import { createRouter, publishableRoute, rateLimitNote, requester } from './router.js';

export const clicks = createRouter();

clicks.openapi(
  publishableRoute({
    method: 'post',
    path: '/',
    operationId: 'recordClick',
    tags: ['Widgets'],
    summary: 'Record a click on a referral link',
    description: 'The click is durably buffered and written to D1 in batches.' + rateLimitNote('click'),
    request: { body: { content: { 'application/json': { schema: ClickInputSchema } }, required: true } },
    responses: {
      201: { description: 'Recorded.', content: { 'application/json': { schema: ClickRecordedSchema } } },
      ...errorResponses(400, 401, 403, 404, 429),
    },
  }),
  async (c) => c.json(await recordClick(c.env, c.get('shop').id, c.req.valid('json'), requester(c), c.get('now')), 201),
);
