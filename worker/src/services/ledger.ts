/** The shop's ledger (secret key): entries in write order, and balances per referrer — sums, never counters. */
import type { LedgerEntry } from '../contract/ledger.js';
import { toPage, type Page } from '../contract/common.js';
import type { ShopRow } from '../db/shops.js';
import type { LedgerRow } from '../db/ledger.js';
import { listLedger, referrerBalancesPage, shopBalances } from '../db/ledger.js';

export function presentLedgerEntry(e: LedgerRow): LedgerEntry {
  return {
    id: e.id,
    seq: e.seq,
    referrerId: e.referrer_id,
    txnId: e.txn_id,
    type: e.type,
    bucket: e.bucket,
    amountMinor: e.amount_minor,
    currency: e.currency,
    conversionId: e.conversion_id,
    refundId: e.refund_id,
    payoutId: e.payout_id,
    availableAt: e.available_at,
    reason: e.reason,
    createdAt: e.created_at,
  };
}

export async function listEntries(
  db: D1Database,
  shopId: string,
  q: Page & { referrerId?: string; type?: LedgerEntry['type']; bucket?: LedgerEntry['bucket'] },
) {
  const rows = await listLedger(db, shopId, {
    limit: q.limit + 1,
    startingAfter: q.starting_after,
    referrerId: q.referrerId,
    type: q.type,
    bucket: q.bucket,
  });
  return toPage(rows, q.limit, presentLedgerEntry);
}

/** A page of referrers' balances (referrer id order) and the shop's totals over all of them. */
export async function balancesPage(db: D1Database, shop: ShopRow, page: Page) {
  const [rows, totals] = await Promise.all([
    referrerBalancesPage(db, shop, { limit: page.limit + 1, startingAfter: page.starting_after }),
    shopBalances(db, shop),
  ]);
  return { ...toPage(rows, page.limit, (r) => r), totals };
}
