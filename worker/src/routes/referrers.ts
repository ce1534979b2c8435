/**
 * Referrers (`/v1/referrers`): created from the browser (publishable key) or by the shop (secret
 * key); the referrer's own stats and claim (its token); the shop's list, approval, blocking,
 * balances, and the release of a held commission.
 */
import { z } from '@hono/zod-openapi';
import { PageQuery, errorResponses, listOf } from '../contract/common.js';
import { ReferrerBalancesSchema } from '../contract/ledger.js';
import { HoldReleasedSchema } from '../contract/conversions.js';
import {
  ManagedReferrerSchema,
  ReferrerClaimSchema,
  ReferrerCreateSchema,
  ReferrerCreatedSchema,
  ReferrerResultSchema,
  ReferrerStatsSchema,
  ReferrerTokenHeader,
  ManagedReferrerResultSchema,
  ReferrerDeleteSchema,
  ReferrerDeletedSchema,
  ReferrerExportSchema,
  ReferrerUpdateSchema,
} from '../contract/referrers.js';
import { releaseHold } from '../services/holds.js';
import { deleteReferrerIdentity, exportReferrerData } from '../services/data-rights.js';
import {
  balancesOf,
  claimReferrer,
  createReferrer,
  listReferrers,
  mustGetReferrer,
  myReferrerStats,
  readManagedReferrer,
  referrerFromToken,
  setStatus,
  updateReferrer,
} from '../services/referrers.js';
import { baseUrlOf, createRouter, eitherKeyRoute, publishableRoute, rateLimitNote, requester, shopRoute } from './router.js';

export const referrers = createRouter();

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const IdParam = z.object({ id: z.string().max(64) });

referrers.openapi(
  eitherKeyRoute({
    method: 'post',
    path: '/',
    operationId: 'createReferrer',
    tags: ['Referrers'],
    summary: 'Create a referrer (returns its code and bearer token)',
    description:
      'With the publishable key: an anonymous referrer from the browser. With the secret key: also a KOL with a vanity code, contact and status.' +
      rateLimitNote('referrer').replace('Rate-limited', 'With the publishable key, rate-limited'),
    request: { body: json(ReferrerCreateSchema) },
    responses: {
      201: {
        description: 'The referrer and its token (shown once).',
        content: { 'application/json': { schema: ReferrerCreatedSchema } },
      },
      ...errorResponses(400, 401, 403, 409, 413, 415, 429),
    },
  }),
  async (c) =>
    c.json(
      await createReferrer(c.env, c.get('shop'), {
        body: c.req.valid('json'),
        secret: c.get('keyKind') === 'secret',
        requester: requester(c),
        now: c.get('now'),
        baseUrl: baseUrlOf(c),
      }),
      201,
    ),
);

referrers.openapi(
  publishableRoute({
    method: 'get',
    path: '/me',
    operationId: 'getMyReferrer',
    tags: ['Referrers'],
    summary: "The referrer's own link, stats and earnings",
    request: { headers: ReferrerTokenHeader },
    responses: {
      200: { description: 'Stats and balances.', content: { 'application/json': { schema: ReferrerStatsSchema } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await myReferrerStats(c.env, c.get('shop'), c.req.header('X-Referrer-Token'), baseUrlOf(c)), 200),
);

referrers.openapi(
  publishableRoute({
    method: 'post',
    path: '/me/claim',
    operationId: 'claimMyReferrer',
    tags: ['Referrers'],
    summary: 'Claim the anonymous referrer with an email or phone (to see earnings and get paid)',
    description: rateLimitNote('claim'),
    request: { headers: ReferrerTokenHeader, body: json(ReferrerClaimSchema) },
    responses: {
      200: { description: 'The claimed referrer.', content: { 'application/json': { schema: ReferrerResultSchema } } },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) =>
    c.json(
      await claimReferrer(c.env, c.get('shop'), {
        token: c.req.header('X-Referrer-Token'),
        body: c.req.valid('json'),
        requester: requester(c),
        now: c.get('now'),
        baseUrl: baseUrlOf(c),
      }),
      200,
    ),
);

referrers.openapi(
  publishableRoute({
    method: 'get',
    path: '/me/export',
    operationId: 'exportMyData',
    tags: ['Referrers'],
    summary: 'Everything kept about the referrer (their data export, JSON)',
    request: { headers: ReferrerTokenHeader },
    responses: {
      200: { description: 'The export.', content: { 'application/json': { schema: ReferrerExportSchema } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const referrer = await referrerFromToken(c.env.DB, c.get('shop').id, c.req.header('X-Referrer-Token'));
    c.header('Cache-Control', 'no-store');
    return c.json(await exportReferrerData(c.env.DB, c.get('shop'), referrer, c.get('now')), 200);
  },
);

referrers.openapi(
  publishableRoute({
    method: 'delete',
    path: '/me',
    operationId: 'deleteMyIdentity',
    tags: ['Referrers'],
    summary: "Delete the referrer's identity: the ledger keeps amounts, loses the person; the token stops working",
    request: { headers: ReferrerTokenHeader, body: json(ReferrerDeleteSchema) },
    responses: {
      200: { description: 'Deleted.', content: { 'application/json': { schema: ReferrerDeletedSchema } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const referrer = await referrerFromToken(c.env.DB, c.get('shop').id, c.req.header('X-Referrer-Token'));
    return c.json(await deleteReferrerIdentity(c.env, c.get('shop'), referrer, c.get('now')), 200);
  },
);

referrers.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'listReferrers',
    tags: ['Referrers'],
    summary: 'List referrers, newest first',
    request: { query: PageQuery },
    responses: {
      200: { description: 'A page of referrers.', content: { 'application/json': { schema: listOf(ManagedReferrerSchema) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await listReferrers(c.env.DB, c.get('shop').id, c.req.valid('query'), baseUrlOf(c)), 200),
);

for (const [action, status, operationId, summary] of [
  ['approve', 'active', 'approveReferrer', 'Approve a pending (or blocked) referrer'],
  ['block', 'blocked', 'blockReferrer', 'Block a referrer: its links stop earning'],
] as const) {
  referrers.openapi(
    shopRoute({
      method: 'post',
      path: `/{id}/${action}`,
      operationId,
      tags: ['Referrers'],
      summary,
      request: { params: IdParam },
      responses: {
        200: { description: 'The referrer.', content: { 'application/json': { schema: ReferrerResultSchema } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => c.json(await setStatus(c.env, c.get('shop').id, c.req.valid('param').id, status, baseUrlOf(c)), 200),
  );
}

referrers.openapi(
  shopRoute({
    method: 'get',
    path: '/{id}/balances',
    operationId: 'getReferrerBalances',
    tags: ['Referrers'],
    summary: "A referrer's balances (sums of ledger entries)",
    request: { params: IdParam },
    responses: {
      200: { description: 'Balances.', content: { 'application/json': { schema: ReferrerBalancesSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await balancesOf(c.env.DB, c.get('shop'), c.req.valid('param').id), 200),
);

referrers.openapi(
  shopRoute({
    method: 'post',
    path: '/holds/{conversionId}/release',
    operationId: 'releaseHeldCommission',
    tags: ['Referrers'],
    summary:
      'Release a commission held for review (self-referral, pending referrer, unverified browser report) into the normal hold period',
    request: { params: z.object({ conversionId: z.string().max(64) }) },
    responses: {
      200: {
        description: 'The conversion balances after the release.',
        content: { 'application/json': { schema: HoldReleasedSchema } },
      },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => c.json(await releaseHold(c.env, c.get('shop'), c.req.valid('param').conversionId, c.get('now')), 200),
);

referrers.openapi(
  shopRoute({
    method: 'get',
    path: '/{id}',
    operationId: 'getReferrer',
    tags: ['Referrers'],
    summary: 'One referrer, with contact, own rate and payout details',
    request: { params: IdParam },
    responses: {
      200: { description: 'The referrer.', content: { 'application/json': { schema: ManagedReferrerResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await readManagedReferrer(c.env.DB, c.get('shop').id, c.req.valid('param').id, baseUrlOf(c)), 200),
);

referrers.openapi(
  shopRoute({
    method: 'patch',
    path: '/{id}',
    operationId: 'updateReferrer',
    tags: ['Referrers'],
    summary: "Give a KOL a vanity code or their own rate; set a referrer's name and payout details",
    request: { params: IdParam, body: json(ReferrerUpdateSchema) },
    responses: {
      200: { description: 'The referrer.', content: { 'application/json': { schema: ManagedReferrerResultSchema } } },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) =>
    c.json(await updateReferrer(c.env, c.get('shop').id, c.req.valid('param').id, c.req.valid('json'), baseUrlOf(c)), 200),
);

referrers.openapi(
  shopRoute({
    method: 'get',
    path: '/{id}/export',
    operationId: 'exportReferrerData',
    tags: ['Referrers'],
    summary: 'Everything kept about one referrer (their data export, JSON)',
    request: { params: IdParam },
    responses: {
      200: { description: 'The export.', content: { 'application/json': { schema: ReferrerExportSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const referrer = await mustGetReferrer(c.env.DB, c.get('shop').id, c.req.valid('param').id);
    c.header('Cache-Control', 'no-store');
    return c.json(await exportReferrerData(c.env.DB, c.get('shop'), referrer, c.get('now')), 200);
  },
);

referrers.openapi(
  shopRoute({
    method: 'delete',
    path: '/{id}',
    operationId: 'deleteReferrerIdentity',
    tags: ['Referrers'],
    summary: "Delete a referrer's identity (on their request): the ledger keeps amounts, loses the person",
    request: { params: IdParam, body: json(ReferrerDeleteSchema) },
    responses: {
      200: { description: 'Deleted.', content: { 'application/json': { schema: ReferrerDeletedSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const referrer = await mustGetReferrer(c.env.DB, c.get('shop').id, c.req.valid('param').id);
    return c.json(await deleteReferrerIdentity(c.env, c.get('shop'), referrer, c.get('now')), 200);
  },
);
