/**
 * Conversions: orders reported by the shop's server (secret key, verified) or from the thank-you
 * page (publishable key, when the shop allows it, unverified). Both go to the shop's Durable Object
 * (durable/conversion-desk.ts), which decides and records them one order at a time: any number of
 * identical reports make one conversion, one ledger transaction and identical answers; the shop's
 * server report of a browser-reported order supersedes it once (promise 17); a browser report
 * never changes a recorded order, and its answer shows nothing of it beyond its id.
 */
import type { Bindings } from '../app-env.js';
import type {
  BrowserConversionReport,
  BrowserConversionResult,
  Conversion,
  ConversionReport,
  ConversionResult,
} from '../contract/conversions.js';
import { toPage, type Page } from '../contract/common.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import type { ConversionRow } from '../db/conversions.js';
import { getConversion, listConversions as listConversionRows } from '../db/conversions.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { signClaimToken } from '../lib/claim-tokens.js';
import { clientOf } from './clients.js';
import { bindTeamOrder } from './teams.js';
import { announceEvents } from './webhooks.js';
import type { Requester } from './clients.js';

export function presentConversion(r: ConversionRow): Conversion {
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
    teamId: r.team_id ?? null,
    explanation: JSON.parse(r.explanation) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

/**
 * A token that proves "this browser saw the confirmation of order X" and whether X was verified
 * then; signed with the shop's claim secret, redeemable once (lib/claim-tokens.ts).
 */
export async function buyerClaimToken(shop: ShopRow, conversionId: string, verified: boolean): Promise<string> {
  if (!shop.claim_secret) throw new Error(`shop ${shop.id} has no claim secret`);
  return signClaimToken(shop.claim_secret, conversionId, verified);
}

async function report(
  env: Bindings,
  shop: ShopRow,
  body: ConversionReport,
  opts: { verified: boolean; now: number; client?: string[]; teamId?: string | null },
) {
  const result = await shopObject(env, shop.id).report(shop, body, opts);
  if (!result.ok) throw new ApiError(result.status, result.code, result.message, undefined, result.retryAfterMs);
  // a new attributed conversion, or an upgraded one, wrote a `conversion.*` event
  const event = result.outcome === 'upgraded' || (result.outcome === 'created' && result.row.referrer_id !== null);
  if (shop.webhook_url && event) await announceEvents(env, shop.id);
  return result;
}

/**
 * The shop's server reports an order (verified). An order with a team member token is bound to the
 * member's place in the team first (services/teams.ts: validated there); a report refused after that
 * takes the binding back, so a refused report leaves nothing behind.
 */
export async function reportServerConversion(
  env: Bindings,
  shop: ShopRow,
  body: ConversionReport,
  now: number,
): Promise<ConversionResult> {
  const team = await bindTeamOrder(env, shop, body, now);
  let row: ConversionRow;
  try {
    ({ row } = await report(env, shop, body, { verified: true, now, teamId: team?.teamId ?? null }));
  } catch (error) {
    if (team?.fresh) await team.undo();
    throw error;
  }
  return { conversion: presentConversion(row), buyerClaimToken: await buyerClaimToken(shop, row.id, row.verified === 1) };
}

/** The thank-you page reports an order (unverified, rate-limited); `created` says whether it was recorded now. */
export async function reportBrowserConversion(
  env: Bindings,
  shop: ShopRow,
  body: BrowserConversionReport,
  requester: Requester,
  now: number,
): Promise<{ created: boolean; result: BrowserConversionResult }> {
  if (shop.allow_browser_conversions !== 1) throw new ApiError(403, 'browser_conversions_disabled');
  const client = await clientOf(env, requester, now, body.visitorId);
  const { row, outcome } = await report(env, shop, body, { verified: false, now, client: client.keys });
  const recorded = outcome === 'upgraded' ? 'unchanged' : outcome;
  const mine = recorded !== 'unchanged' && row.verified === 0;
  return {
    created: recorded !== 'unchanged',
    result: {
      conversion: { id: row.id, orderId: row.order_id, verified: row.verified === 1, recorded },
      ...(mine ? { buyerClaimToken: await buyerClaimToken(shop, row.id, false) } : {}),
    },
  };
}

export async function listConversions(db: D1Database, shopId: string, q: Page & { referrerId?: string }) {
  const rows = await listConversionRows(db, shopId, {
    limit: q.limit + 1,
    startingAfter: q.starting_after,
    referrerId: q.referrerId,
  });
  return toPage(rows, q.limit, presentConversion);
}

export async function readConversion(db: D1Database, shopId: string, id: string) {
  const row = await getConversion(db, shopId, id);
  if (!row) throw new ApiError(404, 'not_found', 'No such conversion in this shop.');
  return { conversion: presentConversion(row) };
}
