/** `GET /v1/ledger` (secret key): the append-only ledger in write order. */
import { z } from '@hono/zod-openapi';
import { PageQuery, errorResponses, listOf } from '../contract/common.js';
import { LedgerEntrySchema } from '../contract/ledger.js';
import { listEntries } from '../services/ledger.js';
import { createRouter, shopRoute } from './router.js';

export const ledger = createRouter();

ledger.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'listLedgerEntries',
    tags: ['Ledger'],
    summary: 'Ledger entries in write order (append-only)',
    request: {
      query: PageQuery.extend({
        referrerId: z.string().max(64).optional(),
        type: LedgerEntrySchema.shape.type.optional().openapi({ param: { name: 'type', in: 'query' } }),
        bucket: LedgerEntrySchema.shape.bucket.optional().openapi({ param: { name: 'bucket', in: 'query' } }),
      }),
    },
    responses: {
      200: { description: 'A page of entries.', content: { 'application/json': { schema: listOf(LedgerEntrySchema) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await listEntries(c.env.DB, c.get('shop').id, c.req.valid('query')), 200),
);
