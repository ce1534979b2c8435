/**
 * Refunds (secret key): full or partial, idempotent on the shop's refund id. The commission is
 * reversed in proportion, exactly (a full refund in any number of steps reverses all of it): voided
 * while on hold or pending, reversed once available, clawed back once paid. Optimistic: computed
 * from what is stored and written only if nothing changed meanwhile, else computed again.
 */
import type { RefundInputBody, RefundResultBody } from '../contract/refunds.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import type { ConversionRow } from '../db/conversions.js';
import { getConversionByOrder } from '../db/conversions.js';
import { getRefund, insertRefundStatement, refundsOf, reversedByRefund } from '../db/refunds.js';
import {
  clearSettledDueStatement,
  conversionBalances,
  conversionBalancesForRefund,
  conversionLedgerState,
  insertEntryStatements,
} from '../db/ledger.js';
import { outboxStatement } from '../db/outbox.js';
import { LedgerRuleError, refundEntries } from '../domain/ledger.js';
import { newId } from '../lib/ids.js';
import { announceEvents } from './webhooks.js';

const ATTEMPTS = 5;

export async function refundOrder(env: Env, shop: ShopRow, input: RefundInputBody, now: number): Promise<RefundResultBody> {
  const db = env.DB;
  const conversion = await getConversionByOrder(db, shop.id, input.orderId);
  if (!conversion) throw new ApiError(404, 'conversion_not_found', `No conversion for order ${input.orderId}.`);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const prior = await refundsOf(db, conversion.id);
    const same = prior.find((r) => r.refund_ref === input.refundId);
    if (same) {
      if (same.amount_minor !== input.amountMinor) {
        throw new ApiError(409, 'refund_conflict', `Refund ${input.refundId} was recorded with another amount.`);
      }
      return result(db, conversion, input, same.id, same.created_at);
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
    const ours = { sql: 'EXISTS (SELECT 1 FROM refunds WHERE id = ?)', args: [id] };
    const statements = [
      insertRefundStatement(
        db,
        {
          id,
          shop_id: shop.id,
          conversion_id: conversion.id,
          refund_ref: input.refundId,
          amount_minor: input.amountMinor,
          created_at: now,
        },
        { refundedBefore, lastSeq },
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
    const written = await getRefund(db, id);
    if (written) {
      if (shop.webhook_url && conversion.referrer_id) await announceEvents(env, shop.id);
      return result(db, conversion, input, written.id, written.created_at);
    }
    // someone else refunded meanwhile: go round again with fresh numbers
  }
  throw new ApiError(409, 'refund_conflict', 'Concurrent refunds of this order; retry.');
}

async function result(
  db: D1Database,
  conversion: ConversionRow,
  input: RefundInputBody,
  refundRowId: string,
  createdAt: number,
): Promise<RefundResultBody> {
  const [all, reversed, balances] = await Promise.all([
    refundsOf(db, conversion.id),
    reversedByRefund(db, refundRowId),
    conversionBalances(db, conversion.id, conversion.currency),
  ]);
  return {
    refund: {
      id: refundRowId,
      refundId: input.refundId,
      orderId: input.orderId,
      conversionId: conversion.id,
      amountMinor: input.amountMinor,
      createdAt,
    },
    refundedMinor: all.reduce((s, r) => s + r.amount_minor, 0),
    reversedCommissionMinor: reversed,
    balances,
  };
}
