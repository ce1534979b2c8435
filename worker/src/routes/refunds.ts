/**
 * Refunds (secret key): full or partial, idempotent on the shop's refund id. The commission is
 * reversed in proportion, exactly (a full refund in any number of steps reverses all of it): voided
 * while on hold or pending, reversed once available, clawed back once paid.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireKey } from '../middleware/auth.js';
import { idempotent } from '../middleware/idempotency.js';
import { validationHook } from '../lib/validation.js';
import { BalancesSchema, PositiveMinorAmount, errorResponses } from '../schemas.js';
import { getConversionByOrder, refundsOf } from '../db/conversions.js';
import {
  clearSettledDueStatement,
  conversionBalances,
  conversionBalancesForRefund,
  conversionLedgerState,
  insertEntryStatements,
} from '../db/ledger.js';
import { LedgerRuleError, refundEntries } from '../domain/ledger.js';
import { outboxStatement } from '../db/outbox.js';
import { newId } from '../lib/ids.js';

export const refunds = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const RefundInput = z
  .strictObject({
    orderId: z.string().min(1).max(128),
    refundId: z.string().min(1).max(128).openapi({ description: "The shop's own refund id; repeating it is a no-op." }),
    amountMinor: PositiveMinorAmount,
  })
  .openapi('RefundInput');

const RefundResult = z
  .object({
    refund: z.object({
      id: z.string(),
      refundId: z.string(),
      orderId: z.string(),
      conversionId: z.string(),
      amountMinor: z.number(),
      createdAt: z.number(),
    }),
    refundedMinor: z.number().openapi({ description: 'All refunds of the order so far.' }),
    reversedCommissionMinor: z.number().openapi({ description: 'Commission reversed by this refund.' }),
    balances: BalancesSchema.openapi({ description: "The conversion's commission balances after the refund." }),
  })
  .openapi('RefundResult');

refunds.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Refunds'],
    summary: 'Refund an order, fully or partly',
    middleware: [requireKey('secret'), idempotent] as const,
    security: [{ secretKey: [] }],
    request: { body: { content: { 'application/json': { schema: RefundInput } }, required: true } },
    responses: {
      201: {
        description: 'Recorded (also for a repeat of the same refund id and amount).',
        content: { 'application/json': { schema: RefundResult } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const db = c.env.DB;
    const input = c.req.valid('json');
    const conversion = await getConversionByOrder(db, shop.id, input.orderId);
    if (!conversion) throw new ApiError(404, 'conversion_not_found', `No conversion for order ${input.orderId}.`);

    // optimistic: compute from what is stored, write only if nothing changed meanwhile; retry otherwise
    for (let attempt = 0; attempt < 5; attempt++) {
      const prior = await refundsOf(db, conversion.id);
      const same = prior.find((r) => r.refund_ref === input.refundId);
      if (same) {
        if (same.amount_minor !== input.amountMinor) {
          throw new ApiError(409, 'refund_conflict', `Refund ${input.refundId} was recorded with another amount.`);
        }
        return c.json(await result(same.id, same.created_at), 201);
      }
      const refundedBefore = prior.reduce((s, r) => s + r.amount_minor, 0);
      const { balances, lastSeq } = conversion.referrer_id
        ? await conversionBalancesForRefund(db, conversion.referrer_id, conversion.id, conversion.currency)
        : await conversionLedgerState(db, conversion.id, conversion.currency);
      const id = newId('rf');
      let entries;
      try {
        entries = refundEntries({
          conversionId: conversion.id,
          refundId: id,
          amountMinor: conversion.amount_minor,
          commissionMinor: conversion.commission_minor,
          refundedBeforeMinor: refundedBefore,
          refundMinor: input.amountMinor,
          conversionBalances: balances,
        }).entries;
      } catch (error) {
        if (error instanceof LedgerRuleError) {
          throw new ApiError(
            422,
            'refund_exceeds_amount',
            `Refunds would total ${refundedBefore + input.amountMinor}, more than the order's ${conversion.amount_minor}.`,
          );
        }
        throw error;
      }
      const now = c.get('now');
      const ours = { sql: 'EXISTS (SELECT 1 FROM refunds WHERE id = ?)', args: [id] };
      const statements = [
        db
          .prepare(
            `INSERT INTO refunds (id, shop_id, conversion_id, refund_ref, amount_minor, created_at)
             SELECT ?, ?, ?, ?, ?, ?
              WHERE (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE conversion_id = ?) = ?
                -- and no ledger entry of the conversion since we read its balances (a release, say)
                AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE conversion_id = ? AND seq > ?)
             ON CONFLICT (conversion_id, refund_ref) DO NOTHING`,
          )
          .bind(
            id,
            shop.id,
            conversion.id,
            input.refundId,
            input.amountMinor,
            now,
            conversion.id,
            refundedBefore,
            conversion.id,
            lastSeq,
          ),
      ];
      if (conversion.referrer_id && entries.length) {
        statements.push(
          ...insertEntryStatements(
            db,
            {
              shopId: shop.id,
              referrerId: conversion.referrer_id,
              currency: conversion.currency,
              txnId: newId('txn'),
              conversionId: conversion.id,
              refundId: id,
              now,
            },
            entries,
            ours,
          ),
          outboxStatement(db, {
            shopId: shop.id,
            type: 'commission.reversed',
            payload: {
              conversionId: conversion.id,
              orderId: conversion.order_id,
              referrerId: conversion.referrer_id,
              refundId: input.refundId,
              amountMinor: entries.reduce((s, e) => s - Math.min(0, e.amountMinor), 0),
              currency: conversion.currency,
            },
            dedupeKey: `commission.reversed:${id}`,
            now,
            onlyIf: ours,
          }),
        );
      }
      // a refund that voids everything pending (or held) also ends the work the ledger owed
      statements.push(clearSettledDueStatement(db, conversion.id));
      await db.batch(statements);
      const written = await db
        .prepare('SELECT id, created_at FROM refunds WHERE id = ?')
        .bind(id)
        .first<{ id: string; created_at: number }>();
      if (written) return c.json(await result(written.id, written.created_at), 201);
      // someone else refunded meanwhile: go round again with fresh numbers
    }
    throw new ApiError(409, 'refund_conflict', 'Concurrent refunds of this order; retry.');

    async function result(refundRowId: string, createdAt: number) {
      const all = await refundsOf(db, conversion!.id);
      const reversed = await db
        .prepare('SELECT COALESCE(-SUM(amount_minor), 0) AS v FROM ledger_entries WHERE refund_id = ? AND amount_minor < 0')
        .bind(refundRowId)
        .first<{ v: number }>();
      return {
        refund: {
          id: refundRowId,
          refundId: input.refundId,
          orderId: input.orderId,
          conversionId: conversion!.id,
          amountMinor: input.amountMinor,
          createdAt,
        },
        refundedMinor: all.reduce((s, r) => s + r.amount_minor, 0),
        reversedCommissionMinor: reversed?.v ?? 0,
        balances: await conversionBalances(db, conversion!.id, conversion!.currency),
      };
    }
  },
);
