/**
 * A referrer's data rights (issue 7 §4), for the referrer themself (their token, from
 * `<sc-referrer-dashboard>`) and for the shop (secret key or its dashboard):
 * - export: everything kept about them, as JSON (their clicks as counts per day and channel: the
 *   rest of a click row is the visitor's data, not theirs);
 * - delete: their identity is anonymized (db/referrers.ts anonymizeReferrerStatements) — the ledger,
 *   conversions, payouts, shares and clicks keep their amounts and the referrer's id, which names
 *   nobody any more; the personal fields of their clicks are nulled in D1 and in the shop's object.
 *   Their token stops working and their links stop earning. Deleting twice changes nothing more.
 */
import type { Bindings } from '../app-env.js';
import type { ReferrerExport } from '../contract/referrers.js';
import { EXPORT_ROWS, anonymizeReferrerStatements, referrerData } from '../db/referrers.js';
import type { ReferrerRow } from '../db/referrers.js';
import { clearReferrerClicksStatement } from '../db/retention.js';
import type { ShopRow } from '../db/shops.js';
import { DAY_MS } from '../domain/time.js';
import { shopObject } from '../durable/shop-object-stub.js';

export async function exportReferrerData(db: D1Database, shop: ShopRow, r: ReferrerRow, now: number): Promise<ReferrerExport> {
  const data = await referrerData(db, r.id);
  return {
    exportedAt: now,
    shop: { id: shop.id, name: shop.name },
    referrer: {
      id: r.id,
      code: r.code,
      vanityCode: r.vanity_code,
      displayName: r.display_name,
      email: r.email,
      phone: r.phone,
      customerRef: r.customer_ref,
      status: r.status,
      verifiedBuyer: r.verified_buyer === 1,
      rateBps: r.rate_bps ?? null,
      payout: { paypalEmail: r.paypal_email ?? null, fpsId: r.fps_id ?? null, bankAccount: r.bank_account ?? null },
      createdAt: r.created_at,
      deletedAt: r.deleted_at ?? null,
    },
    devices: data.devices,
    shares: data.shares.map((s) => ({ channel: s.channel, sku: s.sku, createdAt: s.created_at })),
    clicksByDay: data.clicks.map((c) => ({
      date: new Date(c.day * DAY_MS).toISOString().slice(0, 10),
      channel: c.channel,
      clicks: c.clicks,
    })),
    conversions: data.conversions.map((c) => ({
      id: c.id,
      createdAt: c.created_at,
      amountMinor: c.amount_minor,
      currency: c.currency,
      source: c.source,
      commissionMinor: c.commission_minor,
      commissionStatus: c.commission_status,
    })),
    ledger: data.ledger.map((e) => ({
      id: e.id,
      type: e.type,
      bucket: e.bucket,
      amountMinor: e.amount_minor,
      currency: e.currency,
      conversionId: e.conversion_id,
      payoutId: e.payout_id,
      createdAt: e.created_at,
    })),
    payouts: data.payouts.map((p) => ({ id: p.id, amountMinor: p.amount_minor, currency: p.currency, createdAt: p.created_at })),
    truncated: [data.shares, data.clicks, data.conversions, data.ledger, data.payouts].some((l) => l.length >= EXPORT_ROWS),
  };
}

/**
 * Extra rounds of click clearing in the deletion request (5,000 clicks each, after the first): up
 * to 105,000 clicks are cleared at once; any older ones of a larger history lose their personal
 * fields to the retention cron (db/retention.ts) when their attribution window + 7 days are over.
 */
const CLEAR_ROUNDS = 20;

export async function deleteReferrerIdentity(env: Bindings, shop: ShopRow, r: ReferrerRow, now: number) {
  await env.DB.batch([...anonymizeReferrerStatements(env.DB, shop.id, r.id, now), clearReferrerClicksStatement(env.DB, r.id)]);
  for (let i = 0; i < CLEAR_ROUNDS; i++) {
    if ((await clearReferrerClicksStatement(env.DB, r.id).run()).meta.changes === 0) break;
  }
  await shopObject(env, shop.id).forgetReferrerClicks(r.id, r.vanity_code);
  return { referrer: { id: r.id, deletedAt: r.deleted_at ?? now } };
}
