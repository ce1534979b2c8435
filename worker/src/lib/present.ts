/** Row → JSON shapes of the API (camelCase, booleans, parsed JSON). */
import type { ReferrerPublic } from '../wire.js';
import type { ProductRow, ShopRow } from '../db/shops.js';
import type { ReferrerRow } from '../db/referrers.js';
import type { ConversionRow } from '../db/conversions.js';
import type { LedgerRow } from '../db/ledger.js';

export function presentShop(shop: ShopRow, origins: string[]) {
  return {
    id: shop.id,
    name: shop.name,
    currency: shop.currency,
    locale: shop.locale,
    siteUrl: shop.site_url,
    webhookUrl: shop.webhook_url,
    disclosure: shop.disclosure_text,
    allowBrowserConversions: shop.allow_browser_conversions === 1,
    referrerApproval: shop.referrer_approval === 1,
    verifiedBuyersOnly: shop.verified_buyers_only === 1,
    allowedOrigins: origins,
    createdAt: shop.created_at,
  };
}

export function presentReferrer(r: ReferrerRow, baseUrl: string): ReferrerPublic {
  return {
    id: r.id,
    code: r.code,
    vanityCode: r.vanity_code,
    displayName: r.display_name,
    status: r.status,
    verifiedBuyer: r.verified_buyer === 1,
    claimed: r.email !== null || r.phone !== null,
    shortLink: `${baseUrl}/r/${encodeURIComponent(r.vanity_code ?? r.code)}`,
  };
}

export function presentProduct(p: ProductRow, earnMinor: number) {
  return {
    sku: p.sku,
    name: p.name,
    names: JSON.parse(p.names) as Record<string, string>,
    priceMinor: p.price_minor,
    currency: p.currency,
    url: p.url,
    imageUrl: p.image_url,
    active: p.active === 1,
    override: p.override_kind ? { kind: p.override_kind, value: p.override_value ?? 0 } : null,
    earnMinor,
  };
}

export function presentConversion(r: ConversionRow) {
  return {
    id: r.id,
    orderId: r.order_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    items: JSON.parse(r.items) as Array<{ sku: string; quantity: number; unitPriceMinor: number }>,
    referrerId: r.referrer_id,
    clickId: r.click_id,
    source: r.source,
    verified: r.verified === 1,
    commissionMinor: r.commission_minor,
    commissionStatus: r.commission_status,
    explanation: JSON.parse(r.explanation) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

export function presentLedgerEntry(e: LedgerRow) {
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

/** The worker's public base URL for links (the request's own origin). */
export function baseUrlOf(requestUrl: string): string {
  return new URL(requestUrl).origin;
}
