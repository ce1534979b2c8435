/** `POST /v1/refunds` (secret key): refund an order, fully or partly (services/refunds.ts). */
import { errorResponses } from '../contract/common.js';
import { RefundInput, RefundResult } from '../contract/refunds.js';
import { refundOrder } from '../services/refunds.js';
import { createRouter, idempotentSecretRoute } from './router.js';

export const refunds = createRouter();

refunds.openapi(
  idempotentSecretRoute({
    method: 'post',
    path: '/',
    operationId: 'createRefund',
    tags: ['Refunds'],
    summary: 'Refund an order, fully or partly',
    description:
      "Idempotent on the shop's refund id (and on `Idempotency-Key` when sent). The commission is reversed in proportion: voided while held or pending, reversed once available, clawed back once paid.",
    request: { body: { content: { 'application/json': { schema: RefundInput } }, required: true } },
    responses: {
      201: {
        description: 'Recorded (also for a repeat of the same refund id and amount).',
        content: { 'application/json': { schema: RefundResult } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => c.json(await refundOrder(c.env, c.get('shop'), c.req.valid('json'), c.get('now')), 201),
);
