/**
 * Fixtures shared by the guarantee tests (guarantees.md §1–7, 10, 11, 13, 14): a fixed clock, order
 * reports, ledger and balance reads straight from D1, and a fingerprint of every row so that a test
 * can prove a refused request changed nothing at all (not only the row counts).
 */
import { env } from 'cloudflare:workers';
import { TABLES, call, click, type CallOptions, type TestShop } from './helpers';
import { settleDue } from '../src/db/ledger';
import type { ConversionReportInput } from '../src/domain/conversions';

/**
 * 2031-01-15T00:00:00Z: every test runs on an injected clock from here (X-ShareCart-Test-Now). It lies
 * in the future so that real-time Durable Object alarms never find the tests' holds ended: ledger
 * work runs in a test only when the test runs it ({@link settle}).
 */
export const T0 = Date.UTC(2031, 0, 15);

export const db = (): D1Database => env.DB;

/** An order as a shop reports it (the body of POST /v1/conversions). */
export type OrderReport = ConversionReportInput;

/** POST /v1/conversions with the shop's secret key. */
export function reportOrder(shop: TestShop, body: OrderReport | Record<string, unknown>, opts: CallOptions = {}) {
  return call('/v1/conversions', { key: shop.sk, body, now: T0, ...opts });
}

/** A click at `now` for `code`, asserting it was recorded; returns the click id. */
export async function clickId(shop: TestShop, code: string, now = T0, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await click(shop, code, extra, now);
  if (res.status !== 201) throw new Error(`click: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.clickId as string;
}

export interface LedgerRowLite {
  seq: number;
  txn_id: string;
  type: string;
  bucket: string;
  amount_minor: number;
  currency: string;
  conversion_id: string | null;
  refund_id: string | null;
  payout_id: string | null;
  reason: string | null;
  referrer_id: string;
}

export async function ledgerOf(where: { conversionId?: string; referrerId?: string }): Promise<LedgerRowLite[]> {
  const col = where.conversionId ? 'conversion_id' : 'referrer_id';
  const { results } = await env.DB.prepare(`SELECT * FROM ledger_entries WHERE ${col} = ? ORDER BY seq`)
    .bind(where.conversionId ?? where.referrerId)
    .all<LedgerRowLite>();
  return results;
}

/** Sum per bucket, computed here from the raw entries (independently of the worker's queries). */
export function sumBuckets(rows: Array<{ bucket: string; amount_minor: number }>) {
  const b = { onHold: 0, pending: 0, available: 0, paid: 0 };
  for (const r of rows) {
    if (r.bucket === 'on_hold') b.onHold += r.amount_minor;
    else if (r.bucket === 'pending') b.pending += r.amount_minor;
    else if (r.bucket === 'available') b.available += r.amount_minor;
    else if (r.bucket === 'paid') b.paid += r.amount_minor;
    else throw new Error(`unknown bucket ${r.bucket}`);
  }
  return b;
}

export async function count(sql: string, ...args: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql)
    .bind(...args)
    .first<{ n: number }>())!.n;
}

/** Every row of every table, serialized: equal fingerprints mean nothing was inserted, updated or deleted. */
export async function dbFingerprint(): Promise<string> {
  const parts: string[] = [];
  for (const t of TABLES) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${t}`).all();
    const rows = results.map((r) => JSON.stringify(r)).sort();
    parts.push(`${t}:${rows.length}:${rows.join('\n')}`);
  }
  return parts.join('\n--\n');
}

/**
 * Runs the ledger's due work (releases, expiries) at `now` for one shop, as the shop's Durable
 * Object alarm and the cron do; returns how many commissions it released.
 */
export async function settle(now: number, shopId?: string): Promise<number> {
  return (await settleDue(env.DB, now, { shopId })).released;
}

/** A conversion row straight from D1, by shop and order id. */
export function getConversionRow(shopId: string, orderId: string) {
  return env.DB.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?')
    .bind(shopId, orderId)
    .first<{ id: string; referrer_id: string | null; verified: number; amount_minor: number; commission_minor: number }>();
}
