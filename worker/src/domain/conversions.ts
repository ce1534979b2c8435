/**
 * Conversions: what one reported order comes to — its price, its referrer, its commission and
 * whether that commission is held, with the explanation stored beside it. Pure: the shop's
 * Durable Object (durable/conversion-desk.ts) loads the program, products, clicks and referrers
 * and computes the salted hashes, then calls {@link decideConversion}; nothing here reads, writes
 * or hashes.
 *
 * Rules, in order:
 * 1. The order is in the shop's currency, or it is refused (`currency_mismatch`).
 * 2. Who may say what (guarantee 17): the shop's server (a verified report) is believed. A browser
 *    report is priced only from the catalogue — any unit price it sends is ignored, an unknown or
 *    retired product is refused (`unknown_product`), and an amount above the catalogue total is
 *    refused, not believed (`amount_exceeds_catalogue`).
 * 3. Attribution (attribution.ts) over the reported click and the visitor's clicks in the window,
 *    then the referral code, then the coupon code.
 * 4. Self-referral (self-referral.ts): the referrer's token, customer id, e-mail, phone or one of
 *    their browsers is the buyer's.
 * 5. Commission (commission.ts) on the amount and items; amounts out of range are refused
 *    (`invalid_amount`), not a 500.
 * 6. The hold, first reason wins: `self_referral:<reason>`, `referrer_pending`, `unverified` (a
 *    browser report). A held commission is `on_hold`; an unheld one is `pending` for the
 *    program's hold days; a zero commission is `none`. A browser report is therefore never
 *    `pending`.
 */
import type { ClickRow } from '../db/clicks.js';
import type { ConversionRow } from '../db/conversions.js';
import type { ReferrerRow } from '../db/referrers.js';
import type { ProductRow } from '../db/catalog.js';
import { attribute } from './attribution.js';
import type { AttributionDecision, ClickFact, ReferrerFact } from './attribution.js';
import { computeCommission, programFor } from './commission.js';
import type { CommissionResult, OrderItem, Program } from './commission.js';
import { cumulativeReversalMinor } from './ledger.js';
import { detectSelfReferral, normalizeEmail, normalizePhone } from './self-referral.js';
import type { SelfReferralVerdict } from './self-referral.js';
import { DAY_MS } from './time.js';

/** What a shop reports (validated by the route's schema before it gets here). */
export interface ConversionReportInput {
  orderId: string;
  amountMinor: number;
  currency: string;
  items?: OrderItem[];
  clickId?: string;
  referralCode?: string;
  couponCode?: string;
  visitorId?: string;
  customer?: { ref?: string; email?: string; phone?: string; referrerToken?: string };
  occurredAt?: number;
  /** the buyer's team member token (team-buy), validated by the team's room before the decision */
  teamMemberToken?: string;
}

/** A referrer as the shop's object knows it: its row and the visitor hashes of its browsers. */
export interface KnownReferrer {
  row: ReferrerRow;
  devices: readonly string[];
}

/** Everything one decision needs, already loaded and hashed. */
export interface ConversionFacts {
  shop: { id: string; currency: string };
  report: ConversionReportInput;
  /** the shop's server reported it (secret key); false for a browser report */
  verified: boolean;
  now: number;
  conversionId: string;
  requestHash: string;
  program: Program;
  /** days an unconfirmed browser report's held commission waits before it is voided; null: forever */
  unverifiedExpiryDays: number | null;
  /** the catalogue's rows for the report's skus (unknown skus are missing) */
  products: ReadonlyMap<string, ProductRow>;
  /** the click whose id the report sent, when it exists in this shop */
  reportedClick: ClickRow | null;
  /** the visitor's clicks in the attribution window (see {@link attributionWindow}) */
  visitorClicks: readonly ClickRow[];
  /** the referrers the clicks name, by id (a referrer that does not exist is missing) */
  referrersById: ReadonlyMap<string, KnownReferrer>;
  /** the referrer of the report's referral code and of its coupon code, when they exist */
  codeReferrer: KnownReferrer | null;
  couponReferrer: KnownReferrer | null;
  /** salted hashes computed from the report: its visitor id, its customer ({@link customerKey}) and its referrer token */
  hashes: { visitor: string | null; customer: string | null; buyerToken: string | null };
  /** the team the order was bought in, its member token validated (team-buy); null otherwise */
  teamId?: string | null;
}

/** A report refused for what it says; nothing is recorded. */
export interface ConversionRejection {
  ok: false;
  status: 400;
  code: 'currency_mismatch' | 'unknown_product' | 'amount_exceeds_catalogue' | 'invalid_amount';
  message: string;
}

/** What one report decided, before anything is written. */
export interface ConversionDecision {
  ok: true;
  row: ConversionRow;
  referrer: ReferrerRow | null;
  program: Program;
  commission: CommissionResult | null;
  holdReason: string | null;
  unverifiedExpiryDays: number | null;
}

const refuse = (code: ConversionRejection['code'], message: string): ConversionRejection => ({
  ok: false,
  status: 400,
  code,
  message,
});

/**
 * A report in another currency than the shop's, refused; null when the currency is the shop's.
 * @example currencyRejection('HKD', { currency: 'USD' })?.code // 'currency_mismatch'
 */
export function currencyRejection(shopCurrency: string, report: { currency: string }): ConversionRejection | null {
  return report.currency === shopCurrency
    ? null
    : refuse('currency_mismatch', `This shop sells in ${shopCurrency}, not ${report.currency}.`);
}

/**
 * The order's items as they are priced: as reported for the shop's server; from the catalogue for
 * a browser, which may name only active products and may not claim more than their total.
 *
 * @example
 * pricedItems({ verified: false, report: { amountMinor: 100, items: [{ sku: 'tea', quantity: 1, unitPriceMinor: 1 }] },
 *   products: new Map([['tea', { ...row, active: 1, price_minor: 16800 }]]) });
 * // { ok: true, items: [{ sku: 'tea', quantity: 1, unitPriceMinor: 16800 }] }
 */
export function pricedItems(input: {
  verified: boolean;
  report: Pick<ConversionReportInput, 'amountMinor' | 'items'>;
  products: ReadonlyMap<string, ProductRow>;
}): { ok: true; items: OrderItem[] } | ConversionRejection {
  const { report, products } = input;
  const items = report.items ?? [];
  if (input.verified) return { ok: true, items };
  const unknown = items.filter((i) => products.get(i.sku)?.active !== 1).map((i) => i.sku);
  if (unknown.length) return refuse('unknown_product', `Unknown product(s): ${[...new Set(unknown)].join(', ')}.`);
  const priced = items.map((i) => ({ ...i, unitPriceMinor: products.get(i.sku)!.price_minor }));
  const catalogue = priced.reduce((s, i) => s + BigInt(i.quantity) * BigInt(i.unitPriceMinor), 0n);
  if (catalogue > BigInt(Number.MAX_SAFE_INTEGER))
    return refuse('invalid_amount', "The order's catalogue total is out of range.");
  if (BigInt(report.amountMinor) > catalogue) {
    return refuse(
      'amount_exceeds_catalogue',
      `The reported amount ${report.amountMinor} is more than the catalogue total ${catalogue} of the items.`,
    );
  }
  return { ok: true, items: priced };
}

/**
 * When the order counts as placed (never in the future) and the earliest click that may count.
 * @example attributionWindow({ occurredAt: 5 * DAY_MS }, { windowDays: 1 }, 9 * DAY_MS) // { orderAt: 5 days, since: 4 days }
 */
export function attributionWindow(report: { occurredAt?: number }, program: { windowDays: number }, now: number) {
  const orderAt = Math.min(report.occurredAt ?? now, now);
  return { orderAt, since: orderAt - program.windowDays * DAY_MS };
}

/**
 * The buyer's identity the customer hash is computed from: the shop's customer ref, else the
 * normalized e-mail, else the normalized phone; null when the report names none.
 * @example customerKey({ customer: { email: 'Maggie.Chan@gmail.com' } }) // 'maggiechan@gmail.com'
 */
export function customerKey(report: Pick<ConversionReportInput, 'customer'>): string | null {
  const c = report.customer;
  return c?.ref ?? (c?.email ? normalizeEmail(c.email) : null) ?? (c?.phone ? normalizePhone(c.phone) : null);
}

/**
 * Decides one reported order: price, attribution, self-referral, commission and hold, and the
 * conversion row with its explanation. Deterministic: the same facts give the same decision.
 *
 * @example
 * const decision = decideConversion(facts);
 * if (!decision.ok) return decision; // 400 with its code
 * decision.row.commission_status;    // 'pending' | 'on_hold' | 'none'
 */
export function decideConversion(facts: ConversionFacts): ConversionDecision | ConversionRejection {
  const { report, program, now, verified, hashes } = facts;
  const wrongCurrency = currencyRejection(facts.shop.currency, report);
  if (wrongCurrency) return wrongCurrency;
  const priced = pricedItems({ verified, report, products: facts.products });
  if (!priced.ok) return priced;
  const { items } = priced;
  const { reportedClick, visitorClicks } = facts;

  // --- attribution ---
  const byId = new Map(facts.referrersById);
  for (const r of [facts.codeReferrer, facts.couponReferrer]) if (r) byId.set(r.row.id, r);
  const known = new Map<string, ReferrerFact>();
  for (const r of [
    ...(reportedClick ? [facts.referrersById.get(reportedClick.referrer_id)] : []),
    ...visitorClicks.map((c) => facts.referrersById.get(c.referrer_id)),
    facts.codeReferrer,
    facts.couponReferrer,
  ]) {
    if (r) known.set(r.row.id, toFact(r.row));
  }
  const attribution = attribute({
    now,
    orderAt: attributionWindow(report, program, now).orderAt,
    windowDays: program.windowDays,
    model: program.model,
    reportedClick: reportedClick ? clickFact(reportedClick) : null,
    reportedClickId: report.clickId ?? null,
    visitorClicks: visitorClicks.map(clickFact),
    codeReferrer: facts.codeReferrer ? toFact(facts.codeReferrer.row) : null,
    couponReferrer: facts.couponReferrer ? toFact(facts.couponReferrer.row) : null,
    referrersById: known,
  });
  const attributed = attribution.referrerId ? (byId.get(attribution.referrerId) ?? null) : null;
  const referrer = attributed?.row ?? null;

  // --- self-referral, commission and hold ---
  // the attributed click's browser, the reporting browser, and any browser whose clicks counted
  const attributedClick =
    attribution.clickId === reportedClick?.id ? reportedClick : visitorClicks.find((c) => c.id === attribution.clickId);
  const self: SelfReferralVerdict = attributed
    ? detectSelfReferral(
        {
          tokenHash: attributed.row.token_hash,
          customerRef: attributed.row.customer_ref,
          email: attributed.row.email,
          phone: attributed.row.phone,
          visitorHashes: attributed.devices,
        },
        {
          tokenHash: hashes.buyerToken,
          customerRef: buyerCustomerRef(attributed.row.customer_ref, report.customer?.ref ?? null, hashes.customer),
          email: report.customer?.email ?? null,
          phone: report.customer?.phone ?? null,
          visitorHashes: [attributedClick?.visitor_hash, reportedClick?.visitor_hash, hashes.visitor],
        },
      )
    : { self: false, reason: null };
  let commission: CommissionResult | null = null;
  if (referrer) {
    const computed = commissionOf(report.amountMinor, items, programFor(program, referrer.rate_bps), facts.products);
    if (!computed.ok) return computed;
    commission = computed.commission;
  }
  const holdReason = self.self
    ? `self_referral:${self.reason}`
    : referrer?.status === 'pending'
      ? 'referrer_pending'
      : !verified
        ? 'unverified'
        : null;
  const commissionMinor = commission?.commissionMinor ?? 0;
  const commissionStatus: ConversionRow['commission_status'] =
    commissionMinor === 0 ? 'none' : holdReason ? 'on_hold' : 'pending';

  const row: ConversionRow = {
    id: facts.conversionId,
    shop_id: facts.shop.id,
    order_id: report.orderId,
    amount_minor: report.amountMinor,
    currency: report.currency,
    items: JSON.stringify(items),
    referrer_id: referrer?.id ?? null,
    click_id: attribution.clickId,
    source: attribution.source,
    verified: verified ? 1 : 0,
    customer_hash: hashes.customer,
    commission_minor: commissionMinor,
    commission_status: commissionStatus,
    explanation: JSON.stringify(
      explanation({
        facts,
        attribution,
        click: attributedClick ?? null,
        commission,
        self,
        holdReason,
        commissionMinor,
        program: programFor(program, referrer?.rate_bps),
        referrerRateBps: referrer?.rate_bps ?? null,
        now,
        verified,
      }),
    ),
    request_hash: facts.requestHash,
    created_at: now,
    team_id: facts.teamId ?? null,
  };
  return {
    ok: true,
    row,
    referrer,
    program,
    commission,
    holdReason,
    unverifiedExpiryDays: facts.unverifiedExpiryDays,
  };
}

/**
 * What the shop's server report credits when it supersedes a browser report of the same order:
 * its commission less what the refunds already recorded against the order reverse (refunds made
 * against the browser's numbers reduce the new commission the same way), and how much the shop's
 * order total grows.
 *
 * @example
 * supersedeCredit({ amountMinor: 10000, commissionMinor: 1000, refundsMinor: [2500], previousAmountMinor: 8000 });
 * // { creditedMinor: 750, increaseMinor: 2000 }
 */
export function supersedeCredit(input: {
  amountMinor: number;
  commissionMinor: number;
  refundsMinor: readonly number[];
  previousAmountMinor: number;
}): { creditedMinor: number; increaseMinor: number } {
  const { amountMinor, commissionMinor } = input;
  const refunded = Math.min(
    amountMinor,
    input.refundsMinor.reduce((s, r) => s + r, 0),
  );
  return {
    creditedMinor: commissionMinor - cumulativeReversalMinor(commissionMinor, refunded, amountMinor),
    increaseMinor: Math.max(0, amountMinor - input.previousAmountMinor),
  };
}

/** The conversion's stored explanation: every input and rule that decided it. */
function explanation(d: {
  facts: ConversionFacts;
  attribution: AttributionDecision;
  /** the click that attributed the order (its channel feeds the dashboard's funnel by channel) */
  click: ClickRow | null;
  referrerRateBps: number | null;
  commission: CommissionResult | null;
  self: SelfReferralVerdict;
  holdReason: string | null;
  commissionMinor: number;
  program: Program;
  now: number;
  verified: boolean;
}) {
  const { program, now, verified, holdReason, commissionMinor } = d;
  const { kind, rateBps, flatMinor, capMinor, holdDays, windowDays, model } = program;
  const expiryDays = d.facts.unverifiedExpiryDays;
  return {
    attribution: d.attribution,
    click: d.click ? { id: d.click.id, channel: d.click.channel, createdAt: d.click.created_at } : null,
    commission: d.commission,
    selfReferral: d.self,
    hold: holdReason
      ? {
          reason: holdReason,
          ...(!verified && expiryDays && commissionMinor > 0
            ? { expiresAt: now + expiryDays * DAY_MS, unverifiedExpiryDays: expiryDays }
            : {}),
        }
      : commissionMinor > 0
        ? { until: now + holdDays * DAY_MS, holdDays }
        : null,
    program: { kind, rateBps, flatMinor, capMinor, holdDays, windowDays, model },
    ...(d.referrerRateBps !== null ? { referrerRateBps: d.referrerRateBps } : {}),
    reportedAmountMinor: d.facts.report.amountMinor,
    verified,
    ...(!verified ? { pricedFrom: 'catalogue' } : {}),
  };
}

/**
 * The commission, or `invalid_amount` when the amounts leave the safe-integer range (e.g. a flat
 * override × quantity beyond 2^53 − 1): bad input, not a 500.
 */
function commissionOf(
  amountMinor: number,
  items: OrderItem[],
  program: Program,
  products: ReadonlyMap<string, ProductRow>,
): { ok: true; commission: CommissionResult } | ConversionRejection {
  try {
    const rules = new Map(
      [...products.values()].map((p) => [p.sku, { sku: p.sku, overrideKind: p.override_kind, overrideValue: p.override_value }]),
    );
    return { ok: true, commission: computeCommission({ amountMinor, items, program, rules }) };
  } catch (error) {
    if (error instanceof RangeError) return refuse('invalid_amount', `The order's amounts are out of range: ${error.message}.`);
    throw error;
  }
}

/**
 * The buyer's customer id in the form the referrer's is stored in. A referrer who became one from a
 * buyer claim token carries `hash:<customer_hash of that order>` (the raw id is never stored), so
 * the buyer is compared by the same salted hash; otherwise by the shop's raw customer ref.
 */
function buyerCustomerRef(referrerRef: string | null, buyerRef: string | null, buyerHash: string | null): string | null {
  if (referrerRef?.startsWith('hash:')) return buyerHash ? `hash:${buyerHash}` : null;
  return buyerRef;
}

function toFact(r: { id: string; code: string; status: 'active' | 'pending' | 'blocked' }): ReferrerFact {
  return { id: r.id, code: r.code, status: r.status };
}

function clickFact(row: ClickRow): ClickFact {
  return { id: row.id, referrerId: row.referrer_id, createdAt: row.created_at };
}
