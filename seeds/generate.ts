/**
 * The demo-data generator: a Hong Kong shop (Harbour Leaf 港葉茶舖, HKD) with its keys, program,
 * products, three referrers and sixty days of shares, clicks, orders, refunds, a payout and the
 * ledger they write — as one SQL file of `INSERT OR IGNORE` statements for the local D1.
 *
 * Deterministic: every draw comes from the seeded PRNG in ./prng.ts and every id is derived from
 * it, so the same options give byte-identical SQL and a rerun inserts nothing new. Attribution,
 * commission, self-referral and ledger entries are decided by the worker's own rules
 * (worker/src/domain), never re-implemented here.
 *
 * CLI:
 *   node_modules/.bin/tsx seeds/generate.ts --origin http://127.0.0.1:8787 \
 *     --origin http://localhost:8787 --out .wrangler/seed.sql [--now <ms>]
 * prints one JSON line: { shopId, publishableKey, secretKey, referrers, products, clicks, conversions }.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { attribute } from '../worker/src/domain/attribution';
import type { AttributionDecision, ClickFact, ReferrerFact } from '../worker/src/domain/attribution';
import { computeCommission, friendDiscountMinor } from '../worker/src/domain/commission';
import type { CommissionResult, OrderItem, Program, ProductRule } from '../worker/src/domain/commission';
import { balancesOf, commissionEntries, refundEntries, releaseEntries } from '../worker/src/domain/ledger';
import { payoutEntries } from '../worker/src/domain/payouts';
import { LEDGER_ENTRY_COLUMNS } from '../worker/src/db/ledger';
import type { Balances, EntryDraft } from '../worker/src/domain/ledger';
import { detectSelfReferral } from '../worker/src/domain/self-referral';
import type { SelfReferralVerdict } from '../worker/src/domain/self-referral';
import type { Channel } from '../worker/src/contract/common';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../worker/src/domain/time';
import {
  CHANNEL_WEIGHTS,
  CURRENCY,
  DEMO_DASHBOARD_TOKEN,
  DEMO_PUBLISHABLE_KEY,
  DEMO_SECRET_KEY,
  FREE_SHIPPING_FROM_MINOR,
  PRODUCTS,
  PROGRAM,
  REFERRERS,
  SEED,
  SHIPPING_MINOR,
  SHOP,
  SHOP_ID,
} from './catalog';
import type { DemoProduct, DemoReferrer } from './catalog';
import { CODE_ALPHABET, Rng, stableId } from './prng';
import { insertOrIgnore } from './sql';
import { teamSeed } from './teams';
import type { Row } from './sql';

// ─── Sizes of the generated history ──────────────────────────────────────────────────────────

export const HISTORY_DAYS = 60;
export const CLICK_COUNT = 600;
export const SHARE_COUNT = 200;
export const CONVERSION_COUNT = 250;
/** orders placed after a referral click (≈ 70 %), including the self-referrals and bulk orders */
const CLICK_ORDER_COUNT = 175;
const SELF_REFERRAL_COUNT = 2;
const BULK_ORDER_COUNT = 3;
/** orders typed with a referral code as a coupon (livestreams) */
const COUPON_ORDER_COUNT = 10;
/** orders whose click had expired by the time of the order */
const EXPIRED_CLICK_ORDER_COUNT = 8;
const OUTBOX_EVENT_COUNT = 6;

/** the worker's cron runs every 5 minutes; releases are written on its ticks */
const CRON_MS = 5 * MINUTE_MS;
/** Hong Kong is UTC+8 all year */
const HKT_OFFSET_MS = 8 * HOUR_MS;
/** relative activity per Hong Kong hour: quiet nights, lunch, and a 9–11 pm peak */
const HK_HOUR_WEIGHTS = [3, 2, 1, 1, 1, 1, 2, 4, 6, 6, 6, 7, 9, 8, 7, 7, 7, 8, 9, 11, 13, 14, 12, 7];

// ─── Types ───────────────────────────────────────────────────────────────────────────────────

export interface SeedOptions {
  /** origins allowed to use the publishable key, e.g. http://127.0.0.1:8787 */
  origins: string[];
  /** ms since the epoch; the history ends here */
  now: number;
}

export interface SeedSummary {
  shopId: string;
  publishableKey: string;
  secretKey: string;
  /** the demo owner's dashboard token: /dashboard/#token=… signs in */
  dashboardToken: string;
  referrers: Array<{ name: string; code: string; vanityCode: string | null; token: string }>;
  products: number;
  clicks: number;
  conversions: number;
}

export type SeedTable =
  | 'shops'
  | 'api_keys'
  | 'allowed_origins'
  | 'commission_programs'
  | 'products'
  | 'referrers'
  | 'dashboard_tokens'
  | 'shares'
  | 'clicks'
  | 'conversions'
  | 'refunds'
  | 'payouts'
  | 'ledger_entries'
  | 'ledger_tasks'
  | 'shop_totals'
  | 'team_offers'
  | 'teams'
  | 'team_members'
  | 'outbox_events';

/** Every table the seed fills, in insertion (foreign-key) order, with its columns. */
export const TABLE_COLUMNS: Readonly<Record<SeedTable, readonly string[]>> = {
  shops: [
    'id',
    'name',
    'currency',
    'locale',
    'site_url',
    'webhook_url',
    'webhook_secret',
    'disclosure_text',
    'allow_browser_conversions',
    'referrer_approval',
    'verified_buyers_only',
    'payout_threshold_minor',
    'created_at',
  ],
  api_keys: ['id', 'shop_id', 'kind', 'lookup', 'hint', 'created_at', 'revoked_at'],
  allowed_origins: ['shop_id', 'origin'],
  commission_programs: [
    'shop_id',
    'kind',
    'rate_bps',
    'flat_minor',
    'cap_minor',
    'hold_days',
    'window_days',
    'model',
    'friend_reward_kind',
    'friend_reward_value',
    'updated_at',
  ],
  products: [
    'shop_id',
    'sku',
    'name',
    'names',
    'price_minor',
    'currency',
    'url',
    'image_url',
    'active',
    'override_kind',
    'override_value',
    'updated_at',
  ],
  referrers: [
    'id',
    'shop_id',
    'code',
    'vanity_code',
    'token_hash',
    'display_name',
    'email',
    'phone',
    'customer_ref',
    'status',
    'verified_buyer',
    'paypal_email',
    'fps_id',
    'created_at',
  ],
  dashboard_tokens: ['id', 'shop_id', 'token_hash', 'hint', 'label', 'created_by', 'created_at'],
  shares: ['id', 'shop_id', 'referrer_id', 'channel', 'sku', 'created_at'],
  clicks: ['id', 'shop_id', 'referrer_id', 'channel', 'landing_url', 'visitor_hash', 'ip_hash', 'ua_hash', 'created_at'],
  conversions: [
    'id',
    'shop_id',
    'order_id',
    'amount_minor',
    'currency',
    'items',
    'referrer_id',
    'click_id',
    'source',
    'verified',
    'customer_hash',
    'commission_minor',
    'commission_status',
    'explanation',
    'request_hash',
    'created_at',
    'team_id',
  ],
  refunds: ['id', 'shop_id', 'conversion_id', 'refund_ref', 'amount_minor', 'created_at'],
  payouts: ['id', 'shop_id', 'referrer_id', 'amount_minor', 'currency', 'created_at'],
  ledger_entries: [...LEDGER_ENTRY_COLUMNS],
  ledger_tasks: ['conversion_id', 'action', 'shop_id', 'referrer_id', 'currency', 'due_at'],
  shop_totals: ['shop_id', 'orders_minor'],
  team_offers: [
    'id',
    'shop_id',
    'sku',
    'min_size',
    'max_size',
    'tiers',
    'duration_minutes',
    'max_open_teams',
    'strangers_may_join',
    'leader_reward_minor',
    'active',
    'created_at',
    'updated_at',
  ],
  teams: [
    'id',
    'shop_id',
    'offer_id',
    'sku',
    'status',
    'min_size',
    'max_size',
    'member_count',
    'ordered_count',
    'leader_name',
    'leader_referrer_id',
    'price_minor',
    'currency',
    'terms',
    'strangers_may_join',
    'created_at',
    'deadline_at',
    'ended_at',
    'version',
    'synced_at',
  ],
  team_members: [
    'team_id',
    'member_id',
    'shop_id',
    'position',
    'role',
    'name',
    'identity_hash',
    'referrer_id',
    'order_id',
    'quantity',
    'unit_price_minor',
    'paid_minor',
    'joined_at',
    'left_at',
  ],
  outbox_events: [
    'id',
    'shop_id',
    'type',
    'payload',
    'dedupe_key',
    'attempts',
    'next_attempt_at',
    'delivered_at',
    'last_error',
    'created_at',
  ],
};

export type SeedRows = Record<SeedTable, Row[]>;

export interface SeedResult {
  sql: string;
  summary: SeedSummary;
  /** the rows behind the SQL, per table, for tests */
  rows: SeedRows;
}

interface Referrer extends DemoReferrer {
  id: string;
  code: string;
  createdAt: number;
  fact: ReferrerFact;
}

interface Visitor {
  hash: string;
  ipHash: string;
  uaHash: string;
  clicks: Click[];
  /** the shopper behind the visitor, once they order */
  customer: Customer | null;
}

interface Click {
  id: string;
  referrer: Referrer;
  channel: Channel;
  sku: string;
  landingUrl: string;
  visitor: Visitor;
  at: number;
}

interface Customer {
  email: string;
  hash: string;
  orders: number;
}

type PlanKind = 'click' | 'coupon' | 'expired' | 'none';

interface OrderPlan {
  kind: PlanKind;
  at: number;
  click: Click | null;
  couponReferrer: Referrer | null;
  customer: Customer;
  /** bulk (corporate gift) order: enough gift sets to hit the commission cap */
  bulk: boolean;
}

interface Conversion {
  id: string;
  orderId: string;
  at: number;
  amountMinor: number;
  items: OrderItem[];
  referrer: Referrer | null;
  decision: AttributionDecision;
  commission: CommissionResult | null;
  commissionMinor: number;
  status: 'none' | 'pending' | 'on_hold';
  selfReferral: SelfReferralVerdict;
  customerHash: string;
  /** what the shop reported: the click id the SDK exposed, or the typed coupon code */
  reportedClickId: string | null;
  couponCode: string | null;
}

interface LedgerEntry {
  draft: EntryDraft;
  referrerId: string;
  txnId: string;
  conversionId: string | null;
  refundId: string | null;
  payoutId: string | null;
  at: number;
}

// ─── Small helpers ───────────────────────────────────────────────────────────────────────────

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The start of the UTC day of `ms`: the default `now`, so reruns on one day give the same SQL. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `scheme://host[:port]`, lower case; throws on anything that is not an http(s) origin. */
export function normaliseOrigin(input: string): string {
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`not an http(s) origin: ${input}`);
  }
  return url.origin.toLowerCase();
}

const ceilTo = (ms: number, step: number): number => Math.ceil(ms / step) * step;

/**
 * A time in [from, to] where activity follows Hong Kong's day (evening peak) and, with
 * `growth`, rises towards `to` (a shop whose referral programme is catching on).
 */
function activeTime(rng: Rng, from: number, to: number, growth = 0): number {
  const maxWeight = Math.max(...HK_HOUR_WEIGHTS) * (1 + growth);
  for (;;) {
    const t = rng.int(from, to);
    const hkHour = Math.floor(((((t + HKT_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    const weight = (HK_HOUR_WEIGHTS[hkHour] as number) * (1 + (growth * (t - from)) / Math.max(1, to - from));
    if (rng.float() * maxWeight < weight) return t;
  }
}

const toProgram = (): Program => ({ ...PROGRAM, capMinor: PROGRAM.capMinor });

const programExplanation = (program: Program) => ({
  kind: program.kind,
  rateBps: program.rateBps,
  capMinor: program.capMinor,
  holdDays: program.holdDays,
  windowDays: program.windowDays,
  model: program.model,
});

function productBySku(sku: string): DemoProduct {
  const product = PRODUCTS.find((p) => p.sku === sku);
  if (!product) throw new Error(`unknown sku ${sku}`);
  return product;
}

const POPULARITY: ReadonlyArray<readonly [string, number]> = PRODUCTS.filter((p) => p.sku !== 'tea-gift-set').map(
  (p) => [p.sku, p.popularity] as const,
);

/** A shopping basket: 1–3 distinct products, mostly one of each, sometimes starting with `first`. */
function basket(rng: Rng, first: string | null): OrderItem[] {
  const lines = rng.weighted([
    [1, 52],
    [2, 33],
    [3, 15],
  ] as const);
  const skus: string[] = first ? [first] : [];
  while (skus.length < lines) {
    const sku = rng.weighted(POPULARITY);
    if (!skus.includes(sku)) skus.push(sku);
  }
  return skus.map((sku) => ({
    sku,
    quantity: rng.weighted([
      [1, 74],
      [2, 20],
      [3, 6],
    ] as const),
    unitPriceMinor: productBySku(sku).priceMinor,
  }));
}

const itemsTotal = (items: readonly OrderItem[]): number =>
  items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0);

// ─── The generator ───────────────────────────────────────────────────────────────────────────

/**
 * Generates the demo data for one `now` and set of allowed origins.
 *
 * @example
 * const { sql, summary } = generateSeed({ origins: ['http://127.0.0.1:8787'], now: Date.UTC(2026, 10, 25) });
 * summary.publishableKey; // "pk_demo_harbourleaf0000000000000"
 */
export function generateSeed(opts: SeedOptions): SeedResult {
  const now = opts.now;
  if (!Number.isSafeInteger(now) || now <= HISTORY_DAYS * DAY_MS) {
    throw new RangeError(`invalid now: ${String(now)}`);
  }
  const origins = [...new Set(opts.origins.map(normaliseOrigin))].sort();
  const program = toProgram();
  const rules: ReadonlyMap<string, ProductRule> = new Map(
    PRODUCTS.map((p) => [p.sku, { sku: p.sku, overrideKind: p.overrideKind, overrideValue: p.overrideValue }]),
  );
  const start = now - HISTORY_DAYS * DAY_MS;
  const shopCreatedAt = utcDayStart(start) - 14 * DAY_MS + 2 * HOUR_MS;
  const id = (prefix: string, key: string | number): string => stableId(SEED, prefix, key);
  const rng = Rng.from(`${SEED}|history`);

  // Shop, keys, origins, program, products.
  const shops: Row[] = [
    {
      id: SHOP_ID,
      name: SHOP.name,
      currency: SHOP.currency,
      locale: SHOP.locale,
      site_url: SHOP.siteUrl,
      webhook_url: SHOP.webhookUrl,
      webhook_secret: SHOP.webhookSecret,
      disclosure_text: SHOP.disclosureText,
      allow_browser_conversions: SHOP.allowBrowserConversions,
      referrer_approval: SHOP.referrerApproval,
      verified_buyers_only: SHOP.verifiedBuyersOnly,
      payout_threshold_minor: SHOP.payoutThresholdMinor,
      created_at: shopCreatedAt,
    },
  ];
  const apiKeys: Row[] = [
    {
      id: id('key', 'publishable'),
      shop_id: SHOP_ID,
      kind: 'publishable',
      lookup: DEMO_PUBLISHABLE_KEY,
      hint: DEMO_PUBLISHABLE_KEY.slice(-4),
      created_at: shopCreatedAt,
      revoked_at: null,
    },
    {
      id: id('key', 'secret'),
      shop_id: SHOP_ID,
      kind: 'secret',
      lookup: sha256Hex(DEMO_SECRET_KEY),
      hint: DEMO_SECRET_KEY.slice(-4),
      created_at: shopCreatedAt,
      revoked_at: null,
    },
  ];
  const allowedOrigins: Row[] = origins.map((origin) => ({ shop_id: SHOP_ID, origin }));
  const programs: Row[] = [
    {
      shop_id: SHOP_ID,
      kind: program.kind,
      rate_bps: program.rateBps,
      flat_minor: program.flatMinor,
      cap_minor: program.capMinor,
      hold_days: program.holdDays,
      window_days: program.windowDays,
      model: program.model,
      friend_reward_kind: program.friendRewardKind,
      friend_reward_value: program.friendRewardValue,
      updated_at: shopCreatedAt,
    },
  ];
  const products: Row[] = PRODUCTS.map((p) => ({
    shop_id: SHOP_ID,
    sku: p.sku,
    name: p.name,
    names: JSON.stringify({ 'zh-Hant-HK': p.zhHant, 'zh-Hans': p.zhHans }),
    price_minor: p.priceMinor,
    currency: CURRENCY,
    url: `/shop/product?sku=${p.sku}`,
    image_url: `/shop/img/${p.sku}.svg`,
    active: 1,
    override_kind: p.overrideKind,
    override_value: p.overrideValue,
    updated_at: shopCreatedAt,
  }));

  // Referrers.
  const referrers: Referrer[] = REFERRERS.map((r) => {
    const refId = id('ref', r.name);
    const code = Rng.from(`${SEED}|code|${r.name}`).chars(CODE_ALPHABET, 8);
    return {
      ...r,
      id: refId,
      code,
      createdAt: utcDayStart(start) - r.joinedDaysBefore * DAY_MS + 11 * HOUR_MS,
      fact: { id: refId, code, status: 'active' },
    };
  });
  const referrersById: ReadonlyMap<string, ReferrerFact> = new Map(referrers.map((r) => [r.id, r.fact]));
  const reach = referrers.map((r) => [r, r.reach] as const);
  const maggie = referrers.find((r) => r.vanityCode === 'maggie') as Referrer;
  const referrerRows: Row[] = referrers.map((r) => ({
    id: r.id,
    shop_id: SHOP_ID,
    code: r.code,
    vanity_code: r.vanityCode,
    token_hash: sha256Hex(r.token),
    display_name: r.displayName,
    email: r.email,
    phone: null,
    customer_ref: r.customerRef,
    status: 'active',
    verified_buyer: r.verifiedBuyer,
    paypal_email: r.paypalEmail,
    fps_id: r.fpsId,
    created_at: r.createdAt,
  }));
  // the owner's dashboard sign-in (its token is public: local demo only)
  const dashboardTokens: Row[] = [
    {
      id: id('dtk', 'owner'),
      shop_id: SHOP_ID,
      token_hash: sha256Hex(DEMO_DASHBOARD_TOKEN),
      hint: DEMO_DASHBOARD_TOKEN.slice(-4),
      label: 'Demo owner',
      created_by: 'admin',
      created_at: shopCreatedAt,
    },
  ];

  // Shares.
  const shareTimes = Array.from({ length: SHARE_COUNT }, () => activeTime(rng, start, now - HOUR_MS, 0.8)).sort((a, b) => a - b);
  const shares: Row[] = shareTimes.map((at, i) => ({
    id: id('shr', i),
    shop_id: SHOP_ID,
    referrer_id: rng.weighted(reach).id,
    channel: rng.weighted(CHANNEL_WEIGHTS),
    sku: rng.chance(0.85) ? rng.weighted(POPULARITY) : null,
    created_at: at,
  }));

  // Clicks, by visitors of whom about one in five comes back through another link.
  const uaHashes = Array.from({ length: 12 }, () => rng.hex(64));
  const visitors: Visitor[] = [];
  const clickTimes = Array.from({ length: CLICK_COUNT }, () => activeTime(rng, start, now - 30 * MINUTE_MS, 1)).sort(
    (a, b) => a - b,
  );
  const clicks: Click[] = clickTimes.map((at, i) => {
    const referrer = rng.weighted(reach);
    let visitor: Visitor;
    if (visitors.length > 20 && rng.chance(0.2)) {
      visitor = rng.pick(visitors);
    } else {
      visitor = { hash: rng.hex(64), ipHash: rng.hex(64), uaHash: rng.pick(uaHashes), clicks: [], customer: null };
      visitors.push(visitor);
    }
    const sku = rng.weighted(POPULARITY);
    const ref = referrer.vanityCode && rng.chance(0.6) ? referrer.vanityCode : referrer.code;
    const landingUrl = rng.chance(0.85) ? `/shop/product?sku=${sku}&ref=${ref}` : `/shop/?ref=${ref}`;
    const click: Click = { id: id('clk', i), referrer, channel: rng.weighted(CHANNEL_WEIGHTS), sku, landingUrl, visitor, at };
    visitor.clicks.push(click);
    return click;
  });

  // Customers.
  const customers: Customer[] = [];
  const newCustomer = (email?: string): Customer => {
    const address = email ?? `shopper${String(customers.length + 1).padStart(4, '0')}@example.com`;
    const existing = customers.find((c) => c.email === address);
    if (existing) return existing;
    const customer = { email: address, hash: sha256Hex(address.toLowerCase()), orders: 0 };
    customers.push(customer);
    return customer;
  };
  const customerOf = (visitor: Visitor): Customer => (visitor.customer ??= newCustomer());

  // Order plans: after a click, by coupon, after an expired click, and unreferred.
  const plans: OrderPlan[] = [];
  const usedClicks = new Set<Click>();
  const latest = now - 10 * MINUTE_MS;

  // Two self-referrals: a referrer buys through their own link with their own email.
  for (const name of ['maggie', 'kayan']) {
    const referrer = referrers.find((r) => r.name === name) as Referrer;
    const candidates = clicks.filter(
      (c) => c.referrer === referrer && c.visitor.clicks.length === 1 && c.at > now - 20 * DAY_MS && c.at < latest - HOUR_MS,
    );
    const click = rng.pick(candidates);
    usedClicks.add(click);
    click.visitor.customer = newCustomer(referrer.email ?? undefined);
    plans.push({
      kind: 'click',
      at: click.at + rng.int(3 * MINUTE_MS, HOUR_MS),
      click,
      couponReferrer: null,
      customer: click.visitor.customer,
      bulk: false,
    });
  }
  for (const click of rng.shuffle(clicks)) {
    if (plans.length >= CLICK_ORDER_COUNT) break;
    if (usedClicks.has(click) || click.visitor.customer?.email === click.referrer.email) continue;
    const delay = rng.weighted([
      [() => rng.int(2 * MINUTE_MS, 2 * HOUR_MS), 58],
      [() => rng.int(2 * HOUR_MS, 3 * DAY_MS), 27],
      [() => rng.int(3 * DAY_MS, 28 * DAY_MS), 15],
    ] as const)();
    const at = click.at + delay;
    if (at > latest) continue;
    usedClicks.add(click);
    const bulk = plans.filter((p) => p.bulk).length < BULK_ORDER_COUNT && rng.chance(0.03);
    plans.push({ kind: 'click', at, click, couponReferrer: null, customer: customerOf(click.visitor), bulk });
  }
  // Bulk orders, if chance gave fewer than wanted, go to the latest plans without one.
  for (const plan of plans.slice(SELF_REFERRAL_COUNT).reverse()) {
    if (plans.filter((p) => p.bulk).length >= BULK_ORDER_COUNT) break;
    plan.bulk = true;
  }

  // Coupons: Maggie's livestreams (9 pm Hong Kong) and a couple of typed codes for Ka Yan.
  const livestreams = [52, 38, 24, 9].map((daysAgo) => utcDayStart(now) - daysAgo * DAY_MS + 13 * HOUR_MS);
  const kayan = referrers.find((r) => r.name === 'kayan') as Referrer;
  for (let i = 0; i < COUPON_ORDER_COUNT; i++) {
    const byMaggie = i < COUPON_ORDER_COUNT - 2;
    const at = byMaggie
      ? (livestreams[i % livestreams.length] as number) + rng.int(5 * MINUTE_MS, 2 * HOUR_MS)
      : activeTime(rng, start, latest);
    plans.push({
      kind: 'coupon',
      at: Math.min(at, latest),
      click: null,
      couponReferrer: byMaggie ? maggie : kayan,
      customer: newCustomer(),
      bulk: false,
    });
  }

  // Orders reported with a click that had expired (window 30 days).
  const oldClicks = rng.shuffle(clicks.filter((c) => !usedClicks.has(c) && c.at < now - 32 * DAY_MS));
  for (const click of oldClicks.slice(0, EXPIRED_CLICK_ORDER_COUNT)) {
    usedClicks.add(click);
    const at = rng.int(click.at + 31 * DAY_MS, Math.min(click.at + 45 * DAY_MS, latest));
    plans.push({ kind: 'expired', at, click, couponReferrer: null, customer: customerOf(click.visitor), bulk: false });
  }

  // Unreferred orders, some from returning shoppers.
  while (plans.length < CONVERSION_COUNT) {
    const customer = customers.length > 30 && rng.chance(0.2) ? rng.pick(customers) : newCustomer();
    if (REFERRERS.some((r) => r.email === customer.email)) continue;
    plans.push({
      kind: 'none',
      at: activeTime(rng, start, latest, 0.3),
      click: null,
      couponReferrer: null,
      customer,
      bulk: false,
    });
  }
  plans.sort((a, b) => a.at - b.at);

  // Conversions: attribution, basket, amount and commission by the worker's rules.
  const conversions: Conversion[] = plans.map((plan, i): Conversion => {
    const orderId = `HL-${240001 + i}`;
    const convId = id('conv', orderId);
    const visitorClicks: ClickFact[] = (plan.click?.visitor.clicks ?? [])
      .filter((c) => c.at <= plan.at)
      .map((c) => ({ id: c.id, referrerId: c.referrer.id, createdAt: c.at }));
    const reportedClick: ClickFact | null = plan.click
      ? { id: plan.click.id, referrerId: plan.click.referrer.id, createdAt: plan.click.at }
      : null;
    const decision = attribute({
      now,
      orderAt: plan.at,
      windowDays: program.windowDays,
      model: program.model,
      reportedClick,
      reportedClickId: reportedClick?.id ?? null,
      visitorClicks,
      codeReferrer: null,
      couponReferrer: plan.couponReferrer?.fact ?? null,
      referrersById,
    });
    const referrer = referrers.find((r) => r.id === decision.referrerId) ?? null;

    const items: OrderItem[] = plan.bulk
      ? [{ sku: 'tea-gift-set', quantity: rng.int(6, 10), unitPriceMinor: productBySku('tea-gift-set').priceMinor }]
      : basket(rng, plan.click && rng.chance(0.5) ? plan.click.sku : null);
    const subtotal = itemsTotal(items);
    const firstOrder = plan.customer.orders === 0;
    plan.customer.orders += 1;
    // A referred friend's first order gets the friend reward (10 % off); others pay shipping
    // under the free-shipping threshold.
    const amountMinor =
      referrer && firstOrder
        ? subtotal - friendDiscountMinor(subtotal, program)
        : subtotal + (subtotal < FREE_SHIPPING_FROM_MINOR ? SHIPPING_MINOR : 0);

    const commission = referrer ? computeCommission({ amountMinor, items, program, rules }) : null;
    const selfReferral: SelfReferralVerdict = referrer
      ? detectSelfReferral(
          { tokenHash: sha256Hex(referrer.token), customerRef: referrer.customerRef, email: referrer.email },
          { email: plan.customer.email },
        )
      : { self: false, reason: null };
    const commissionMinor = commission?.commissionMinor ?? 0;
    return {
      id: convId,
      orderId,
      at: plan.at,
      amountMinor,
      items,
      referrer,
      decision,
      commission,
      commissionMinor,
      status: commissionMinor > 0 ? (selfReferral.self ? 'on_hold' : 'pending') : 'none',
      selfReferral,
      customerHash: plan.customer.hash,
      reportedClickId: reportedClick?.id ?? null,
      // what the shopper typed: a vanity code in capitals (it matches case-insensitively), else the code
      couponCode: plan.couponReferrer ? (plan.couponReferrer.vanityCode?.toUpperCase() ?? plan.couponReferrer.code) : null,
    };
  });

  // Refunds: some during the hold (the commission is voided), some after release (reversed),
  // one after Maggie's payout (clawed back), and two on unreferred orders.
  const payoutAt = now - 4 * DAY_MS + 2 * HOUR_MS;
  interface Refund {
    id: string;
    ref: string;
    conv: Conversion;
    amountMinor: number;
    at: number;
  }
  const refunds: Refund[] = [];
  const refunded = new Set<Conversion>();
  const refundedSoFar = (conv: Conversion): number =>
    refunds.filter((r) => r.conv === conv).reduce((sum, r) => sum + r.amountMinor, 0);
  const partialOf = (conv: Conversion): number => {
    const line = conv.items.length > 1 ? (conv.items[conv.items.length - 1] as OrderItem) : null;
    const amount = line ? line.quantity * line.unitPriceMinor : Math.floor(conv.amountMinor / 2);
    return Math.max(1, Math.min(amount, conv.amountMinor - refundedSoFar(conv) - 100));
  };
  const addRefund = (conv: Conversion, at: number, full: boolean): void => {
    const n = refunds.filter((r) => r.conv === conv).length + 1;
    const amountMinor = full ? conv.amountMinor - refundedSoFar(conv) : partialOf(conv);
    refunds.push({ id: id('rf', `${conv.orderId}-${n}`), ref: `RF-${conv.orderId}-${n}`, conv, amountMinor, at });
    refunded.add(conv);
  };
  const creditable = conversions.filter((c) => c.status === 'pending' && !c.decision.notes.includes('referrer_pending'));
  const pickConversions = (filter: (c: Conversion) => boolean, count: number): Conversion[] =>
    rng.shuffle(creditable.filter((c) => !refunded.has(c) && filter(c))).slice(0, count);

  // During the hold.
  pickConversions((c) => c.at < now - 3 * DAY_MS, 8).forEach((conv, i) => {
    const at = conv.at + rng.int(DAY_MS, Math.min(25 * DAY_MS, now - conv.at - HOUR_MS));
    addRefund(conv, at, i % 2 === 0);
    if (i === 1) addRefund(conv, at + rng.int(HOUR_MS, Math.max(HOUR_MS, now - at - HOUR_MS)), false);
  });
  // After release, before the payout.
  pickConversions((c) => c.at < now - 45 * DAY_MS, 3).forEach((conv, i) => {
    addRefund(conv, conv.at + rng.int(31 * DAY_MS, 36 * DAY_MS), i === 0);
  });
  // After Maggie's payout: a partial refund of an order she was already paid for.
  pickConversions((c) => c.referrer === maggie && c.at < now - 40 * DAY_MS, 1).forEach((conv) => {
    addRefund(conv, now - 2 * DAY_MS + rng.int(0, DAY_MS), false);
  });
  // Unreferred orders.
  rng
    .shuffle(conversions.filter((c) => c.status === 'none' && c.at < now - 5 * DAY_MS))
    .slice(0, 2)
    .forEach((conv, i) => {
      addRefund(conv, conv.at + rng.int(DAY_MS, 4 * DAY_MS), i === 0);
    });
  refunds.sort((a, b) => a.at - b.at);

  // The ledger, written in time order by the worker's rules.
  const ledger: LedgerEntry[] = [];
  const convBalances = (conv: Conversion): Balances =>
    balancesOf(ledger.filter((e) => e.conversionId === conv.id).map((e) => e.draft));
  const paidOut = new Map<string, number>();
  const payouts: Row[] = [];
  const write = (drafts: EntryDraft[], at: number, refs: Omit<LedgerEntry, 'draft' | 'txnId' | 'at'>, txnKey: string): void => {
    if (drafts.length === 0) return;
    const txnId = id('txn', txnKey);
    for (const draft of drafts) ledger.push({ draft, txnId, at, ...refs });
  };

  type LedgerEvent = { at: number; rank: number; run: () => void };
  const events: LedgerEvent[] = [];
  for (const conv of conversions) {
    if (!conv.referrer || conv.commissionMinor === 0) continue;
    const referrerId = conv.referrer.id;
    const onHold = conv.status === 'on_hold';
    events.push({
      at: conv.at,
      rank: 0,
      run: () =>
        write(
          commissionEntries({
            conversionId: conv.id,
            commissionMinor: conv.commissionMinor,
            onHold,
            holdReason: onHold ? `self_referral:${conv.selfReferral.reason ?? 'unknown'}` : undefined,
            now: conv.at,
            holdDays: program.holdDays,
          }),
          conv.at,
          { referrerId, conversionId: conv.id, refundId: null, payoutId: null },
          `commission:${conv.id}`,
        ),
    });
    if (onHold) continue;
    const availableAt = conv.at + program.holdDays * DAY_MS;
    const releaseAt = ceilTo(availableAt, CRON_MS);
    if (releaseAt <= now) {
      events.push({
        at: releaseAt,
        rank: 1,
        run: () =>
          write(
            releaseEntries({ conversionId: conv.id, conversionBalances: convBalances(conv), availableAt, now: releaseAt }),
            releaseAt,
            { referrerId, conversionId: conv.id, refundId: null, payoutId: null },
            `release:${conv.id}`,
          ),
      });
    }
  }
  for (const refund of refunds) {
    const conv = refund.conv;
    if (!conv.referrer || conv.commissionMinor === 0) continue;
    const referrer = conv.referrer;
    events.push({
      at: refund.at,
      rank: 2,
      run: () => {
        const balances = convBalances(conv);
        const paid = paidOut.get(conv.id) ?? 0;
        const before = refunds.filter((r) => r.conv === conv && r.at < refund.at).reduce((s, r) => s + r.amountMinor, 0);
        const { entries } = refundEntries({
          conversionId: conv.id,
          refundId: refund.id,
          amountMinor: conv.amountMinor,
          commissionMinor: conv.commissionMinor,
          refundedBeforeMinor: before,
          refundMinor: refund.amountMinor,
          conversionBalances: { ...balances, available: balances.available - paid, paid },
        });
        write(
          entries,
          refund.at,
          { referrerId: referrer.id, conversionId: conv.id, refundId: refund.id, payoutId: null },
          `refund:${refund.id}`,
        );
      },
    });
  }
  events.push({
    at: payoutAt,
    rank: 3,
    run: () => {
      const payoutId = id('po', 'maggie-1');
      const referrerBalances = balancesOf(ledger.filter((e) => e.referrerId === maggie.id).map((e) => e.draft));
      if (referrerBalances.available <= 0) return;
      write(
        payoutEntries({ payoutId, referrerBalances, amountMinor: referrerBalances.available }),
        payoutAt,
        { referrerId: maggie.id, conversionId: null, refundId: null, payoutId },
        `payout:${payoutId}`,
      );
      payouts.push({
        id: payoutId,
        shop_id: SHOP_ID,
        referrer_id: maggie.id,
        amount_minor: referrerBalances.available,
        currency: CURRENCY,
        created_at: payoutAt,
      });
      // Which conversions the payout settled, so a later refund is clawed back, not reversed.
      for (const conv of conversions) {
        if (conv.referrer !== maggie) continue;
        const available = convBalances(conv).available - (paidOut.get(conv.id) ?? 0);
        if (available > 0) paidOut.set(conv.id, (paidOut.get(conv.id) ?? 0) + available);
      }
    },
  });
  events.sort((a, b) => a.at - b.at || a.rank - b.rank);
  for (const event of events) event.run();

  // Rows.
  const clickRows: Row[] = clicks.map((c) => ({
    id: c.id,
    shop_id: SHOP_ID,
    referrer_id: c.referrer.id,
    channel: c.channel,
    landing_url: c.landingUrl,
    visitor_hash: c.visitor.hash,
    ip_hash: c.visitor.ipHash,
    ua_hash: c.visitor.uaHash,
    created_at: c.at,
  }));
  const clickById = new Map(clicks.map((c) => [c.id, c]));
  const conversionRows: Row[] = conversions.map((c) => {
    const click = c.decision.clickId ? clickById.get(c.decision.clickId) : undefined;
    const report = {
      orderId: c.orderId,
      amountMinor: c.amountMinor,
      currency: CURRENCY,
      items: c.items,
      clickId: c.reportedClickId,
      couponCode: c.couponCode,
      customerHash: c.customerHash,
    };
    return {
      id: c.id,
      shop_id: SHOP_ID,
      order_id: c.orderId,
      amount_minor: c.amountMinor,
      currency: CURRENCY,
      items: JSON.stringify(c.items),
      referrer_id: c.referrer?.id ?? null,
      click_id: c.decision.clickId,
      source: c.decision.source,
      verified: 1,
      customer_hash: c.customerHash,
      commission_minor: c.commissionMinor,
      commission_status: c.status,
      explanation: JSON.stringify({
        attribution: c.decision,
        click: click ? { id: click.id, channel: click.channel, createdAt: click.at } : null,
        commission: c.commission,
        selfReferral: c.selfReferral,
        program: programExplanation(program),
      }),
      request_hash: sha256Hex(JSON.stringify(report)),
      created_at: c.at,
      team_id: null,
    };
  });
  // Team-buy: offers, teams in every state, their members' orders and events (seeds/teams.ts).
  const team = teamSeed({ now, shopCreatedAt, id });
  conversionRows.push(...team.conversions);
  const refundRows: Row[] = refunds.map((r) => ({
    id: r.id,
    shop_id: SHOP_ID,
    conversion_id: r.conv.id,
    refund_ref: r.ref,
    amount_minor: r.amountMinor,
    created_at: r.at,
  }));
  const ledgerRows: Row[] = ledger.map((e) => ({
    id: id('le', e.draft.dedupeKey ?? `${e.txnId}:${e.draft.bucket}`),
    shop_id: SHOP_ID,
    referrer_id: e.referrerId,
    txn_id: e.txnId,
    type: e.draft.type,
    bucket: e.draft.bucket,
    amount_minor: e.draft.amountMinor,
    currency: CURRENCY,
    conversion_id: e.conversionId,
    refund_id: e.refundId,
    payout_id: e.payoutId,
    available_at: e.draft.availableAt ?? null,
    reason: e.draft.reason ?? null,
    dedupe_key: e.draft.dedupeKey ?? null,
    created_at: e.at,
  }));
  // the work the ledger still owes: a release for every commission still pending (migration 0005)
  const pendingByConversion = new Map<string, { referrerId: string; pending: number; dueAt: number }>();
  for (const e of ledger) {
    if (!e.conversionId || e.draft.bucket !== 'pending') continue;
    const p = pendingByConversion.get(e.conversionId) ?? { referrerId: e.referrerId, pending: 0, dueAt: 0 };
    p.pending += e.draft.amountMinor;
    if (e.draft.availableAt) p.dueAt = Math.max(p.dueAt, e.draft.availableAt);
    pendingByConversion.set(e.conversionId, p);
  }
  const taskRows: Row[] = [...pendingByConversion]
    .filter(([, p]) => p.pending > 0)
    .map(([conversionId, p]) => ({
      conversion_id: conversionId,
      action: 'release',
      shop_id: SHOP_ID,
      referrer_id: p.referrerId,
      currency: CURRENCY,
      due_at: p.dueAt,
    }));
  const outboxRows: Row[] = conversions
    .filter((c) => c.status === 'pending')
    .slice(-OUTBOX_EVENT_COUNT)
    .map((c) => {
      const evtId = id('evt', `conversion.attributed:${c.id}`);
      const payload = {
        id: evtId,
        type: 'conversion.attributed',
        createdAt: c.at,
        data: {
          conversionId: c.id,
          orderId: c.orderId,
          referrerId: c.referrer?.id ?? null,
          source: c.decision.source,
          clickId: c.decision.clickId,
          amountMinor: c.amountMinor,
          currency: CURRENCY,
          commissionMinor: c.commissionMinor,
          commissionStatus: c.status,
        },
      };
      return {
        id: evtId,
        shop_id: SHOP_ID,
        type: 'conversion.attributed',
        payload: JSON.stringify(payload),
        dedupe_key: `conversion.attributed:${c.id}`,
        attempts: 0,
        next_attempt_at: c.at,
        delivered_at: null,
        last_error: null,
        created_at: c.at,
      };
    });

  const rows: SeedRows = {
    shops,
    api_keys: apiKeys,
    allowed_origins: allowedOrigins,
    commission_programs: programs,
    products,
    referrers: referrerRows,
    dashboard_tokens: dashboardTokens,
    shares,
    clicks: clickRows,
    conversions: conversionRows,
    refunds: refundRows,
    payouts,
    ledger_entries: ledgerRows,
    ledger_tasks: taskRows,
    shop_totals: [{ shop_id: SHOP_ID, orders_minor: conversionRows.reduce((s, c) => s + (c.amount_minor as number), 0) }],
    team_offers: team.team_offers,
    teams: team.teams,
    team_members: team.team_members,
    outbox_events: [...outboxRows, ...team.outbox_events],
  };

  const summary: SeedSummary = {
    shopId: SHOP_ID,
    publishableKey: DEMO_PUBLISHABLE_KEY,
    secretKey: DEMO_SECRET_KEY,
    dashboardToken: DEMO_DASHBOARD_TOKEN,
    referrers: referrers.map((r) => ({ name: r.name, code: r.code, vanityCode: r.vanityCode, token: r.token })),
    products: products.length,
    clicks: clickRows.length,
    conversions: conversionRows.length,
  };

  const header = [
    '-- ShareCart demo data: Harbour Leaf 港葉茶舖 (shop_demo_hk, HKD). Generated by seeds/generate.ts.',
    '-- LOCAL DEMO ONLY: the keys and tokens below are public. Do not load this into a deployed database.',
    `-- History: ${HISTORY_DAYS} days up to now=${now} (${new Date(now).toISOString()}).`,
    '-- Every statement is INSERT OR IGNORE with deterministic ids: running this file again changes nothing.',
    '',
  ].join('\n');
  const body = (Object.keys(TABLE_COLUMNS) as SeedTable[])
    .filter((table) => rows[table].length > 0)
    .map((table) => `-- ${table}: ${rows[table].length} rows\n${insertOrIgnore(table, TABLE_COLUMNS[table], rows[table])}`)
    .join('\n\n');
  return { sql: `${header}\n${body}\n`, summary, rows };
}

// ─── CLI ─────────────────────────────────────────────────────────────────────────────────────

function parseArgs(argv: string[]): { origins: string[]; out: string; now: number } {
  const origins: string[] = [];
  let out = '.wrangler/seed.sql';
  let now: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--origin':
        origins.push(value());
        break;
      case '--out':
        out = value();
        break;
      case '--now': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new Error(`--now must be milliseconds since the epoch, got ${v}`);
        now = Number(v);
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(
          'usage: tsx seeds/generate.ts [--origin <url>]... [--out <file>] [--now <ms>]\n' +
            '  defaults: --origin http://127.0.0.1:8787 --origin http://localhost:8787 --out .wrangler/seed.sql\n' +
            '            --now = the start of the current UTC day\n',
        );
        process.exit(0);
      default:
        throw new Error(`unknown argument: ${arg}`);
    }
  }
  if (origins.length === 0) origins.push('http://127.0.0.1:8787', 'http://localhost:8787');
  return { origins, out, now: now ?? utcDayStart(Date.now()) };
}

function main(): void {
  const { origins, out, now } = parseArgs(process.argv.slice(2));
  const { sql, summary } = generateSeed({ origins, now });
  const file = resolve(out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, sql);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`seeds/generate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
