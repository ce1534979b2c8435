/** Secret-key management of referrers: list with balances, approve, block, release holds. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireKey } from '../middleware/auth.js';
import { validationHook } from '../lib/validation.js';
import { BalancesSchema, PageQuery, ReferrerSchema, errorResponses } from '../schemas.js';
import { getReferrer, listReferrers } from '../db/referrers.js';
import { shopObject } from '../durable/shop-object-stub.js';
import {
  clearSettledDueStatement,
  conversionBalances,
  conversionLedgerState,
  dueStatement,
  insertEntryStatements,
  referrerBalances,
  unchangedSince,
} from '../db/ledger.js';
import { DAY_MS } from '../domain/time.js';
import { getConversion } from '../db/conversions.js';
import { getProgram } from '../db/shops.js';
import { approveHoldEntries } from '../domain/ledger.js';
import { newId } from '../lib/ids.js';
import { baseUrlOf, presentReferrer } from '../lib/present.js';

export const referrers = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const ManagedReferrer = ReferrerSchema.extend({
  email: z.string().nullable(),
  phone: z.string().nullable(),
  customerRef: z.string().nullable(),
  createdAt: z.number(),
}).openapi('ManagedReferrer');

referrers.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Referrers'],
    summary: 'List referrers, newest first',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { query: PageQuery },
    responses: {
      200: {
        description: 'A page of referrers.',
        content: {
          'application/json': { schema: z.object({ data: z.array(ManagedReferrer), nextCursor: z.string().nullable() }) },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listReferrers(c.env.DB, c.get('shop').id, q.limit, q.before);
    const base = baseUrlOf(c.req.url);
    return c.json(
      {
        data: rows.map((r) => ({
          ...presentReferrer(r, base),
          email: r.email,
          phone: r.phone,
          customerRef: r.customer_ref,
          createdAt: r.created_at,
        })),
        nextCursor: rows.length === q.limit ? rows.at(-1)!.id : null,
      },
      200,
    );
  },
);

const IdParam = z.object({ id: z.string().max(64) });

for (const action of ['approve', 'block'] as const) {
  referrers.openapi(
    createRoute({
      method: 'post',
      path: `/{id}/${action}`,
      tags: ['Referrers'],
      summary: action === 'approve' ? 'Approve a pending (or blocked) referrer' : 'Block a referrer: its links stop earning',
      middleware: [requireKey('secret')] as const,
      security: [{ secretKey: [] }],
      request: { params: IdParam },
      responses: {
        200: {
          description: 'The referrer.',
          content: { 'application/json': { schema: z.object({ referrer: ReferrerSchema }) } },
        },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const shop = c.get('shop');
      const referrer = await getReferrer(c.env.DB, shop.id, c.req.valid('param').id);
      if (!referrer) throw new ApiError(404, 'not_found', 'No such referrer in this shop.');
      const status = action === 'approve' ? 'active' : 'blocked';
      await c.env.DB.prepare('UPDATE referrers SET status = ? WHERE id = ?').bind(status, referrer.id).run();
      await shopObject(c.env, shop.id).forgetReferrer(referrer.id);
      return c.json({ referrer: presentReferrer({ ...referrer, status }, baseUrlOf(c.req.url)) }, 200);
    },
  );
}

referrers.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/balances',
    tags: ['Referrers'],
    summary: "A referrer's balances (sums of ledger entries)",
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { params: IdParam },
    responses: {
      200: {
        description: 'Balances.',
        content: { 'application/json': { schema: z.object({ referrerId: z.string(), balances: BalancesSchema }) } },
      },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const referrer = await getReferrer(c.env.DB, shop.id, c.req.valid('param').id);
    if (!referrer) throw new ApiError(404, 'not_found', 'No such referrer in this shop.');
    return c.json({ referrerId: referrer.id, balances: await referrerBalances(c.env.DB, referrer.id, shop.currency) }, 200);
  },
);

referrers.openapi(
  createRoute({
    method: 'post',
    path: '/holds/{conversionId}/release',
    tags: ['Referrers'],
    summary:
      'Release a commission held for review (self-referral, pending referrer, unverified browser report) into the normal hold period',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { params: z.object({ conversionId: z.string().max(64) }) },
    responses: {
      200: {
        description: 'The conversion balances after the release.',
        content: { 'application/json': { schema: z.object({ conversionId: z.string(), balances: BalancesSchema }) } },
      },
      ...errorResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const conversion = await getConversion(c.env.DB, shop.id, c.req.valid('param').conversionId);
    if (!conversion || !conversion.referrer_id) throw new ApiError(404, 'not_found', 'No such attributed conversion.');
    const { balances, lastSeq } = await conversionLedgerState(c.env.DB, conversion.id, conversion.currency);
    const program = await getProgram(c.env.DB, shop.id);
    const drafts = approveHoldEntries({
      conversionId: conversion.id,
      conversionBalances: balances,
      now: c.get('now'),
      holdDays: program.holdDays,
      afterSeq: lastSeq,
    });
    if (drafts.length === 0) throw new ApiError(409, 'nothing_on_hold');
    const txnId = newId('txn');
    const now = c.get('now');
    const dueAt = now + program.holdDays * DAY_MS;
    const [moved] = await c.env.DB.batch([
      ...insertEntryStatements(
        c.env.DB,
        {
          shopId: shop.id,
          referrerId: conversion.referrer_id,
          currency: conversion.currency,
          txnId,
          conversionId: conversion.id,
          now,
        },
        drafts,
        unchangedSince(conversion.id, lastSeq, txnId),
      ),
      dueStatement(
        c.env.DB,
        {
          conversionId: conversion.id,
          action: 'release',
          shopId: shop.id,
          referrerId: conversion.referrer_id,
          currency: conversion.currency,
          dueAt,
        },
        { sql: 'EXISTS (SELECT 1 FROM ledger_entries WHERE txn_id = ?)', args: [txnId] },
      ),
      // an approved browser report no longer expires
      clearSettledDueStatement(c.env.DB, conversion.id),
    ]);
    // a refund voided (part of) the hold meanwhile: moving the amount we read would overdraw on_hold
    if (!moved || moved.meta.changes === 0)
      throw new ApiError(409, 'nothing_on_hold', 'The held commission changed meanwhile; read it again.');
    await shopObject(c.env, shop.id).scheduleDue(shop.id, dueAt);
    return c.json(
      { conversionId: conversion.id, balances: await conversionBalances(c.env.DB, conversion.id, conversion.currency) },
      200,
    );
  },
);
