/**
 * `/v1/payouts`: pay one referrer (secret key); the referrers due a payout, and payout batches —
 * create, read, download their files (PayPal Payouts CSV, bank/FPS CSV), mark paid, cancel (secret
 * key or the shop's dashboard).
 */
import { z } from '@hono/zod-openapi';
import { errorResponses } from '../contract/common.js';
import {
  DuePayoutsSchema,
  PayoutBatchCreateSchema,
  PayoutBatchResultSchema,
  PayoutBatchSchema,
  PayoutInput,
  PayoutResult,
} from '../contract/payouts.js';
import {
  batchFile,
  batchesOf,
  cancelBatch,
  createBatch,
  duePayouts,
  markBatchPaid,
  payReferrer,
  readBatch,
} from '../services/payouts.js';
import { createRouter, idempotentSecretRoute, shopRoute } from './router.js';

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

const BatchParam = z.object({ id: z.string().max(64) });

payouts.openapi(
  shopRoute({
    method: 'get',
    path: '/due',
    operationId: 'listDuePayouts',
    tags: ['Payouts'],
    summary: "Referrers due a payout: available balance at or above the shop's threshold, in no open batch",
    responses: {
      200: { description: 'The referrers due.', content: { 'application/json': { schema: DuePayoutsSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await duePayouts(c.env.DB, c.get('shop')), 200),
);

payouts.openapi(
  shopRoute({
    method: 'get',
    path: '/batches',
    operationId: 'listPayoutBatches',
    tags: ['Payouts'],
    summary: 'Payout batches, newest first (without their items)',
    responses: {
      200: {
        description: 'The batches.',
        content: { 'application/json': { schema: z.object({ data: z.array(PayoutBatchSchema) }).openapi('PayoutBatchList') } },
      },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await batchesOf(c.env.DB, c.get('shop')), 200),
);

payouts.openapi(
  shopRoute({
    method: 'post',
    path: '/batches',
    operationId: 'createPayoutBatch',
    tags: ['Payouts'],
    summary: 'Put the referrers due (or some of them) in a payout batch, each with their whole available balance',
    description:
      'Each item is paid by its referrer’s rail: FPS id, else PayPal, else bank account, else the phone as an FPS proxy id, else by hand. A referrer is in one open batch at most; while there, no other payout spends their balance.',
    request: { body: { content: { 'application/json': { schema: PayoutBatchCreateSchema } }, required: true } },
    responses: {
      201: { description: 'The batch.', content: { 'application/json': { schema: PayoutBatchResultSchema } } },
      ...errorResponses(400, 401, 403, 409, 422),
    },
  }),
  async (c) => c.json(await createBatch(c.env.DB, c.get('shop'), c.req.valid('json'), c.get('now')), 201),
);

payouts.openapi(
  shopRoute({
    method: 'get',
    path: '/batches/{id}',
    operationId: 'getPayoutBatch',
    tags: ['Payouts'],
    summary: 'A payout batch with its items',
    request: { params: BatchParam },
    responses: {
      200: { description: 'The batch.', content: { 'application/json': { schema: PayoutBatchResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await readBatch(c.env.DB, c.get('shop'), c.req.valid('param').id), 200),
);

for (const file of ['paypal', 'bank'] as const) {
  payouts.openapi(
    shopRoute({
      method: 'get',
      path: `/batches/{id}/${file}.csv`,
      operationId: file === 'paypal' ? 'downloadPaypalPayoutFile' : 'downloadBankPayoutFile',
      tags: ['Payouts'],
      summary:
        file === 'paypal'
          ? "The batch's PayPal Payouts file (PayPal's CSV format, no header row): the items paid by PayPal"
          : "The batch's bank file (CSV with a header): the items paid by FPS, bank transfer or by hand, with FPS ids and phones",
      request: { params: BatchParam },
      responses: {
        200: { description: 'The CSV file.', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { filename, csv } = await batchFile(c.env.DB, c.get('shop'), c.req.valid('param').id, file);
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${filename}"`,
        'Cache-Control': 'no-store',
      });
    },
  );
}

payouts.openapi(
  shopRoute({
    method: 'post',
    path: '/batches/{id}/mark-paid',
    operationId: 'markPayoutBatchPaid',
    tags: ['Payouts'],
    summary: "Record that the batch's payouts were sent: payout ledger entries, exactly once",
    description:
      'Writes each item’s payout, its ledger entries (available → paid) and a `payout.paid` event in one atomic batch. Any number of repeated or concurrent calls write them once and answer the same paid batch.',
    request: { params: BatchParam },
    responses: {
      200: { description: 'The paid batch.', content: { 'application/json': { schema: PayoutBatchResultSchema } } },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => c.json(await markBatchPaid(c.env, c.get('shop'), c.req.valid('param').id, c.get('now')), 200),
);

payouts.openapi(
  shopRoute({
    method: 'post',
    path: '/batches/{id}/cancel',
    operationId: 'cancelPayoutBatch',
    tags: ['Payouts'],
    summary: 'Cancel an open batch: its referrers are due again',
    request: { params: BatchParam },
    responses: {
      200: { description: 'The cancelled batch.', content: { 'application/json': { schema: PayoutBatchResultSchema } } },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => c.json(await cancelBatch(c.env.DB, c.get('shop'), c.req.valid('param').id, c.get('now')), 200),
);
