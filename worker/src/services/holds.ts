/**
 * Releasing a commission held for review (self-referral, a pending referrer, an unverified browser
 * report) into the normal hold period: on_hold → pending, due for release at the end of the hold,
 * and no longer expiring. Written only if the conversion's ledger did not change since it was read.
 */
import type { Bindings } from '../app-env.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import { getConversion } from '../db/conversions.js';
import { getProgram } from '../db/catalog.js';
import {
  clearSettledDueStatement,
  conversionBalances,
  conversionLedgerState,
  dueStatement,
  insertEntryStatements,
  unchangedSince,
} from '../db/ledger.js';
import { approveHoldEntries } from '../domain/ledger.js';
import { DAY_MS } from '../domain/time.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { newId } from '../lib/ids.js';

export async function releaseHold(env: Bindings, shop: ShopRow, conversionId: string, now: number) {
  const db = env.DB;
  const conversion = await getConversion(db, shop.id, conversionId);
  if (!conversion || !conversion.referrer_id) throw new ApiError(404, 'not_found', 'No such attributed conversion.');
  const { balances, lastSeq } = await conversionLedgerState(db, conversion.id, conversion.currency);
  const program = await getProgram(db, shop.id);
  const drafts = approveHoldEntries({
    conversionId: conversion.id,
    conversionBalances: balances,
    now,
    holdDays: program.holdDays,
    afterSeq: lastSeq,
  });
  if (drafts.length === 0) throw new ApiError(409, 'nothing_on_hold');
  const txnId = newId('txn');
  const dueAt = now + program.holdDays * DAY_MS;
  const [moved] = await db.batch([
    ...insertEntryStatements(
      db,
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
      db,
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
    clearSettledDueStatement(db, conversion.id),
  ]);
  // a refund voided (part of) the hold meanwhile: moving the amount we read would overdraw on_hold
  if (!moved || moved.meta.changes === 0) {
    throw new ApiError(409, 'nothing_on_hold', 'The held commission changed meanwhile; read it again.');
  }
  await shopObject(env, shop.id).scheduleDue(shop.id, dueAt);
  return { conversionId: conversion.id, balances: await conversionBalances(db, conversion.id, conversion.currency) };
}
