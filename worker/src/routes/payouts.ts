/** `POST /v1/payouts` (secret key): pay a referrer out of their available balance. */
import { errorResponses } from '../contract/common.js';
import { PayoutInput, PayoutResult } from '../contract/payouts.js';
import { payReferrer } from '../services/payouts.js';
import { createRouter, idempotentSecretRoute } from './router.js';

export const payouts = createRouter();

payouts.openapi(
  idempotentSecretRoute({
    method: 'post',
    path: '/',
    operationId: 'createPayout',
    tags: ['Payouts'],
    summary: 'Pay a referrer out of their available balance',
    description:
      'Writes payout entries (available → paid). Without amountMinor, pays the whole available balance. Send an Idempotency-Key.',
    request: { body: { content: { 'application/json': { schema: PayoutInput } }, required: true } },
    responses: {
      201: { description: 'The payout.', content: { 'application/json': { schema: PayoutResult } } },
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => c.json(await payReferrer(c.env, c.get('shop'), c.req.valid('json'), c.get('now')), 201),
);
