/**
 * Paying a referrer (secret key) out of their available balance: payout entries (available →
 * paid), written only if the balance is still what was read, so concurrent payouts cannot overdraw,
 * and a `payout.paid` webhook event in the same batch.
 */
import type { PayoutResultBody } from '../contract/payouts.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import { getReferrer } from '../db/referrers.js';
import { getPayout, insertPayoutStatement } from '../db/payouts.js';
import { outboxStatement } from '../db/outbox.js';
import { insertEntryStatements, referrerBalances } from '../db/ledger.js';
import { LedgerRuleError } from '../domain/ledger.js';
import { payoutEntries } from '../domain/payouts.js';
import { newId } from '../lib/ids.js';
import { announceEvents } from './webhooks.js';

export async function payReferrer(
  env: Env,
  shop: ShopRow,
  body: { referrerId: string; amountMinor?: number },
  now: number,
): Promise<PayoutResultBody> {
  const db = env.DB;
  const referrer = await getReferrer(db, shop.id, body.referrerId);
  if (!referrer) throw new ApiError(404, 'not_found', 'No such referrer in this shop.');
  const balances = await referrerBalances(db, referrer.id, shop.currency);
  const amount = body.amountMinor ?? balances.available;
  const id = newId('po');
  let drafts;
  try {
    drafts = payoutEntries({ payoutId: id, referrerBalances: balances, amountMinor: amount });
  } catch (error) {
    if (error instanceof LedgerRuleError) {
      throw new ApiError(422, 'insufficient_available', `Available is ${balances.available}; cannot pay ${amount}.`);
    }
    throw error;
  }
  const payout = {
    id,
    shop_id: shop.id,
    referrer_id: referrer.id,
    amount_minor: amount,
    currency: shop.currency,
    created_at: now,
  };
  const written = { sql: 'EXISTS (SELECT 1 FROM payouts WHERE id = ?)', args: [id] };
  await db.batch([
    insertPayoutStatement(db, payout, balances.available),
    ...insertEntryStatements(
      db,
      { shopId: shop.id, referrerId: referrer.id, currency: shop.currency, txnId: newId('txn'), payoutId: id, now },
      drafts,
      written,
    ),
    outboxStatement(db, {
      shopId: shop.id,
      type: 'payout.paid',
      payload: { payoutId: id, referrerId: referrer.id, amountMinor: amount, currency: shop.currency },
      dedupeKey: `payout.paid:${id}`,
      now,
      onlyIf: written,
    }),
  ]);
  if (!(await getPayout(db, id)))
    throw new ApiError(409, 'insufficient_available', 'The balance changed while paying out; retry.');
  if (shop.webhook_url) await announceEvents(env, shop.id);
  return {
    payout: { id, referrerId: referrer.id, amountMinor: amount, currency: shop.currency, createdAt: now },
    balances: await referrerBalances(db, referrer.id, shop.currency),
  };
}
