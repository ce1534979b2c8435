import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClickRow } from '../db/clicks.js';
import type { ReferrerRow } from '../db/referrers.js';
import type { ProductRow } from '../db/catalog.js';
import type { Program } from './commission.js';
import type { ConversionDecision, ConversionFacts, ConversionRejection, KnownReferrer } from './conversions.js';
import { attributionWindow, customerKey, decideConversion, pricedItems, supersedeCredit } from './conversions.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 10, 25, 12);

const program: Program = {
  kind: 'percent',
  rateBps: 1000,
  flatMinor: 0,
  capMinor: null,
  holdDays: 30,
  windowDays: 30,
  model: 'last_click',
  friendRewardKind: 'none',
  friendRewardValue: 0,
};

const referrer = (id: string, fields: Partial<ReferrerRow> = {}, devices: string[] = []): KnownReferrer => ({
  row: {
    id,
    shop_id: 'shop_1',
    code: `code-${id}`,
    vanity_code: null,
    token_hash: null,
    display_name: null,
    email: null,
    phone: null,
    customer_ref: null,
    status: 'active',
    verified_buyer: 0,
    created_at: 0,
    ...fields,
  },
  devices,
});

const product = (sku: string, priceMinor: number, fields: Partial<ProductRow> = {}): ProductRow => ({
  shop_id: 'shop_1',
  sku,
  name: sku,
  names: '{}',
  price_minor: priceMinor,
  currency: 'HKD',
  url: null,
  image_url: null,
  active: 1,
  override_kind: null,
  override_value: null,
  updated_at: 0,
  ...fields,
});

const click = (id: string, referrerId: string, createdAt: number, visitorHash: string | null = null): ClickRow => ({
  id,
  shop_id: 'shop_1',
  referrer_id: referrerId,
  channel: 'direct',
  landing_url: null,
  visitor_hash: visitorHash,
  ip_hash: null,
  ua_hash: null,
  created_at: createdAt,
});

const maggie = referrer('ref_maggie', { display_name: 'Maggie' });
const tea = product('tea', 16800);

const facts = (overrides: Partial<ConversionFacts> = {}): ConversionFacts => ({
  shop: { id: 'shop_1', currency: 'HKD' },
  report: { orderId: 'ORDER-1', amountMinor: 16800, currency: 'HKD', referralCode: maggie.row.code },
  verified: true,
  now: T,
  conversionId: 'conv_1',
  requestHash: 'req_hash',
  program,
  unverifiedExpiryDays: null,
  products: new Map([[tea.sku, tea]]),
  reportedClick: null,
  visitorClicks: [],
  referrersById: new Map(),
  codeReferrer: maggie,
  couponReferrer: null,
  hashes: { visitor: null, customer: null, buyerToken: null },
  ...overrides,
});

function decided(f: ConversionFacts): ConversionDecision {
  const d = decideConversion(f);
  if (!d.ok) throw new Error(`expected a decision, got ${d.code}`);
  return d;
}

function refused(f: ConversionFacts): ConversionRejection['code'] {
  const d = decideConversion(f);
  if (d.ok) throw new Error('expected a rejection');
  expect(d.status).toBe(400);
  return d.code;
}

const explanationOf = (d: ConversionDecision) =>
  JSON.parse(d.row.explanation) as {
    hold: { reason?: string; until?: number; expiresAt?: number } | null;
    selfReferral: { self: boolean; reason: string | null };
    commission: { commissionMinor: number } | null;
    verified: boolean;
    pricedFrom?: string;
  };

describe('decideConversion: examples', () => {
  it("the shop's server report through a referral code: pending for the hold days, 10 %", () => {
    const d = decided(facts());
    expect(d.row).toMatchObject({
      id: 'conv_1',
      order_id: 'ORDER-1',
      referrer_id: 'ref_maggie',
      source: 'code',
      verified: 1,
      commission_minor: 1680,
      commission_status: 'pending',
      request_hash: 'req_hash',
      created_at: T,
    });
    expect(d.holdReason).toBeNull();
    expect(explanationOf(d).hold).toEqual({ until: T + 30 * DAY_MS, holdDays: 30 });
  });

  it('a browser report is priced from the catalogue and held as unverified, with its expiry', () => {
    const d = decided(
      facts({
        verified: false,
        unverifiedExpiryDays: 7,
        report: {
          orderId: 'ORDER-1',
          amountMinor: 16800,
          currency: 'HKD',
          referralCode: maggie.row.code,
          items: [{ sku: 'tea', quantity: 1, unitPriceMinor: 1 }],
        },
      }),
    );
    expect(d.row).toMatchObject({ verified: 0, commission_minor: 1680, commission_status: 'on_hold' });
    expect(JSON.parse(d.row.items)).toEqual([{ sku: 'tea', quantity: 1, unitPriceMinor: 16800 }]);
    expect(d.holdReason).toBe('unverified');
    expect(explanationOf(d).hold).toEqual({ reason: 'unverified', expiresAt: T + 7 * DAY_MS, unverifiedExpiryDays: 7 });
    expect(explanationOf(d).pricedFrom).toBe('catalogue');
  });

  it('refuses what it cannot believe, with typed codes', () => {
    const browser = (items: Array<{ sku: string; quantity: number; unitPriceMinor: number }>, amountMinor = 100) =>
      facts({ verified: false, report: { orderId: 'O', amountMinor, currency: 'HKD', items } });
    expect(refused(browser([{ sku: 'ghost', quantity: 1, unitPriceMinor: 100 }]))).toBe('unknown_product');
    expect(refused(facts({ verified: false, products: new Map([['tea', { ...tea, active: 0 }]]), ...itemsOf('tea') }))).toBe(
      'unknown_product',
    );
    expect(refused(browser([{ sku: 'tea', quantity: 1, unitPriceMinor: 999_999 }], 16801))).toBe('amount_exceeds_catalogue');
    expect(refused(facts({ report: { orderId: 'O', amountMinor: 1, currency: 'USD' } }))).toBe('currency_mismatch');
    const absurd = product('gold', 1, { override_kind: 'flat', override_value: Number.MAX_SAFE_INTEGER });
    expect(
      refused(
        facts({
          products: new Map([['gold', absurd]]),
          report: {
            orderId: 'O',
            amountMinor: 10,
            currency: 'HKD',
            referralCode: maggie.row.code,
            items: [{ sku: 'gold', quantity: 10, unitPriceMinor: 1 }],
          },
        }),
      ),
    ).toBe('invalid_amount');
  });

  it('holds a pending referrer, and a self-referral first', () => {
    const pat = referrer('ref_pat', { status: 'pending', email: 'pat@example.com' });
    expect(decided(facts({ codeReferrer: pat })).holdReason).toBe('referrer_pending');
    const self = decided(
      facts({
        codeReferrer: pat,
        report: {
          orderId: 'O',
          amountMinor: 1000,
          currency: 'HKD',
          referralCode: pat.row.code,
          customer: { email: 'PAT@example.com' },
        },
      }),
    );
    expect(self.holdReason).toBe('self_referral:email');
    expect(self.row.commission_status).toBe('on_hold');
  });

  it("the referrer's own browser buying through their click is self-referral (visitor)", () => {
    const own = referrer('ref_own', {}, ['vh_own']);
    const c = click('clk_1', 'ref_own', T - DAY_MS, 'vh_other');
    const d = decided(
      facts({
        codeReferrer: null,
        reportedClick: c,
        referrersById: new Map([['ref_own', own]]),
        report: { orderId: 'O', amountMinor: 1000, currency: 'HKD', clickId: 'clk_1', visitorId: 'v' },
        hashes: { visitor: 'vh_own', customer: null, buyerToken: null },
      }),
    );
    expect(d.row).toMatchObject({ source: 'click', click_id: 'clk_1', referrer_id: 'ref_own' });
    expect(d.holdReason).toBe('self_referral:visitor');
  });

  it('a referrer from a buyer claim is compared by the salted customer hash', () => {
    const claimed = referrer('ref_c', { customer_ref: 'hash:ch_1' });
    const report = { orderId: 'O', amountMinor: 1000, currency: 'HKD', referralCode: 'code-ref_c', customer: { ref: 'cust-9' } };
    const hashes = (customer: string) => ({ visitor: null, customer, buyerToken: null });
    expect(decided(facts({ codeReferrer: claimed, report, hashes: hashes('ch_1') })).holdReason).toBe('self_referral:customer');
    expect(decided(facts({ codeReferrer: claimed, report, hashes: hashes('ch_2') })).holdReason).toBeNull();
  });

  it('no referrer: no commission, nothing held', () => {
    const d = decided(facts({ codeReferrer: null }));
    expect(d.row).toMatchObject({ referrer_id: null, source: 'none', commission_minor: 0, commission_status: 'none' });
    expect(d.commission).toBeNull();
    expect(explanationOf(d).hold).toBeNull();
  });
});

function itemsOf(sku: string): Pick<ConversionFacts, 'report'> {
  return { report: { orderId: 'O', amountMinor: 1, currency: 'HKD', items: [{ sku, quantity: 1, unitPriceMinor: 1 }] } };
}

describe('the helpers around a decision', () => {
  it('pricedItems believes the server and prices the browser from the catalogue', () => {
    const report = { amountMinor: 5, items: [{ sku: 'tea', quantity: 2, unitPriceMinor: 3 }] };
    const products = new Map([['tea', tea]]);
    expect(pricedItems({ verified: true, report, products })).toEqual({ ok: true, items: report.items });
    expect(pricedItems({ verified: false, report, products })).toEqual({
      ok: true,
      items: [{ sku: 'tea', quantity: 2, unitPriceMinor: 16800 }],
    });
  });

  it('attributionWindow never places an order in the future', () => {
    expect(attributionWindow({ occurredAt: T + DAY_MS }, { windowDays: 30 }, T)).toEqual({ orderAt: T, since: T - 30 * DAY_MS });
    expect(attributionWindow({ occurredAt: T - DAY_MS }, { windowDays: 1 }, T)).toEqual({
      orderAt: T - DAY_MS,
      since: T - 2 * DAY_MS,
    });
  });

  it('customerKey prefers the shop ref, then the normalized e-mail, then the phone', () => {
    expect(customerKey({ customer: { ref: 'c1', email: 'a@b.c' } })).toBe('c1');
    expect(customerKey({ customer: { email: 'Maggie.Chan@gmail.com', phone: '+852 1' } })).toBe('maggiechan@gmail.com');
    expect(customerKey({ customer: { phone: '+852 9123 4567' } })).toBe('+85291234567');
    expect(customerKey({})).toBeNull();
  });

  it('supersedeCredit reverses the refunded share and counts only an increase', () => {
    expect(
      supersedeCredit({ amountMinor: 10000, commissionMinor: 1000, refundsMinor: [2500], previousAmountMinor: 8000 }),
    ).toEqual({
      creditedMinor: 750,
      increaseMinor: 2000,
    });
    expect(supersedeCredit({ amountMinor: 100, commissionMinor: 10, refundsMinor: [80, 80], previousAmountMinor: 200 })).toEqual({
      creditedMinor: 0,
      increaseMinor: 0,
    });
  });
});

// ------------------------------------------------------------------ properties

const SKUS = ['tea', 'cup', 'pot'];
const few = <T>(...values: T[]) => fc.option(fc.constantFrom(...values), { nil: null });

const programArb: fc.Arbitrary<Program> = fc.record({
  kind: fc.constantFrom('percent' as const, 'flat' as const),
  rateBps: fc.integer({ min: 0, max: 10_000 }),
  flatMinor: fc.integer({ min: 0, max: 5_000 }),
  capMinor: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }),
  holdDays: fc.integer({ min: 0, max: 60 }),
  windowDays: fc.integer({ min: 1, max: 60 }),
  model: fc.constantFrom('last_click' as const, 'first_click' as const),
  friendRewardKind: fc.constant('none' as const),
  friendRewardValue: fc.constant(0),
});

const productArb = (sku: string) =>
  fc
    .record({
      price: fc.integer({ min: 0, max: 100_000 }),
      active: fc.constantFrom(0, 1, 1, 1, 1),
      override: fc.option(
        fc.record({ kind: fc.constantFrom('percent' as const, 'flat' as const), value: fc.integer({ min: 0, max: 3_000 }) }),
        { nil: null },
      ),
    })
    .map(({ price, active, override }) =>
      product(sku, price, { active, override_kind: override?.kind ?? null, override_value: override?.value ?? null }),
    );

/** Three referrers whose identities are drawn from small pools, so that buyers often collide with them. */
const referrersArb = fc.tuple(
  ...['ref_a', 'ref_b', 'ref_c'].map((id) =>
    fc
      .record({
        status: fc.constantFrom('active' as const, 'active' as const, 'pending' as const, 'blocked' as const),
        token_hash: few('th_1', 'th_2'),
        email: few('maggie@example.com', 'bob@example.com'),
        phone: few('+85291234567'),
        customer_ref: few('cust-1', 'hash:ch_1'),
        devices: fc.subarray(['vh_1', 'vh_2', 'vh_3']),
      })
      .map(({ devices, ...fields }) => referrer(id, fields, devices)),
  ),
);

const factsArb: fc.Arbitrary<ConversionFacts> = fc
  .record({
    verified: fc.boolean(),
    program: programArb,
    unverifiedExpiryDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    catalogue: fc.tuple(...SKUS.map(productArb)),
    items: fc.array(
      fc.record({
        sku: fc.constantFrom(...SKUS, ...SKUS, ...SKUS, 'ghost'),
        quantity: fc.integer({ min: 1, max: 5 }),
        unitPriceMinor: fc.integer({ min: 0, max: 200_000 }),
      }),
      { maxLength: 4 },
    ),
    amountMinor: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 600_000 })),
    referrers: referrersArb,
    clicks: fc.array(
      fc.record({
        referrer: fc.integer({ min: 0, max: 2 }),
        age: fc.integer({ min: -DAY_MS, max: 70 * DAY_MS }),
        visitor: few('vh_1', 'vh_2', 'vh_3'),
      }),
      { maxLength: 4 },
    ),
    reported: fc.option(fc.nat(), { nil: null }),
    code: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    coupon: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    customer: fc.record(
      { ref: fc.constantFrom('cust-1', 'cust-2'), email: fc.constantFrom('MAGGIE@example.com', 'eve@example.com') },
      { requiredKeys: [] },
    ),
    hashes: fc.record({ visitor: few('vh_1', 'vh_2', 'vh_4'), customer: few('ch_1', 'ch_2'), buyerToken: few('th_1', 'th_3') }),
    occurredAgo: fc.option(fc.integer({ min: -DAY_MS, max: 10 * DAY_MS }), { nil: undefined }),
  })
  .map((x) => {
    const clicks = x.clicks.map((c, i) => click(`clk_${i}`, x.referrers[c.referrer]!.row.id, T - c.age, c.visitor));
    const reportedClick = x.reported === null || clicks.length === 0 ? null : clicks[x.reported % clicks.length]!;
    const pick = (i: number | null) => (i === null ? null : x.referrers[i]!);
    return facts({
      verified: x.verified,
      program: x.program,
      unverifiedExpiryDays: x.unverifiedExpiryDays,
      products: new Map(x.catalogue.map((p) => [p.sku, p])),
      reportedClick,
      visitorClicks: clicks.filter((c) => c !== reportedClick),
      referrersById: new Map(x.referrers.map((r) => [r.row.id, r])),
      codeReferrer: pick(x.code),
      couponReferrer: pick(x.coupon),
      hashes: x.hashes,
      report: {
        orderId: 'ORDER-P',
        amountMinor: x.amountMinor,
        currency: 'HKD',
        items: x.items,
        ...(reportedClick ? { clickId: reportedClick.id } : {}),
        ...(x.code !== null ? { referralCode: x.referrers[x.code]!.row.code } : {}),
        ...(x.coupon !== null ? { couponCode: x.referrers[x.coupon]!.row.code } : {}),
        customer: x.customer,
        ...(x.occurredAgo !== undefined ? { occurredAt: T - x.occurredAgo } : {}),
      },
    });
  });

/** Runs `check` on every decision (not on rejections) of the generated facts. */
const forEveryDecision = (check: (d: ConversionDecision, f: ConversionFacts) => void) =>
  fc.assert(
    fc.property(factsArb, (f) => {
      const d = decideConversion(f);
      if (d.ok) check(d, f);
    }),
    { numRuns: 300 },
  );

describe('decideConversion: properties', () => {
  it('is deterministic: the same facts give the same decision', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        expect(decideConversion(structuredClone(f))).toEqual(decideConversion(f));
      }),
      { numRuns: 300 },
    );
  });

  it('a browser report is never pending: its commission is held or there is none', () => {
    forEveryDecision((d, f) => {
      if (f.verified) return;
      expect(d.row.verified).toBe(0);
      expect(d.row.commission_status).not.toBe('pending');
      if (d.row.commission_minor > 0) expect(d.holdReason).not.toBeNull();
    });
  });

  it('the commission is never negative and never exceeds the amount; no referrer, no commission', () => {
    forEveryDecision((d) => {
      expect(d.row.commission_minor).toBeGreaterThanOrEqual(0);
      expect(d.row.commission_minor).toBeLessThanOrEqual(d.row.amount_minor);
      if (d.row.referrer_id === null) expect(d.row).toMatchObject({ commission_minor: 0, commission_status: 'none' });
      expect(d.row.referrer_id).toBe(d.referrer?.id ?? null);
    });
  });

  it('the explanation matches the row: hold reason ↔ status, commission, verified', () => {
    forEveryDecision((d, f) => {
      const e = explanationOf(d);
      expect(e.verified).toBe(f.verified);
      expect(e.commission?.commissionMinor ?? 0).toBe(d.row.commission_minor);
      if (d.row.commission_status === 'on_hold') {
        expect(e.hold?.reason).toBe(d.holdReason);
        expect(d.holdReason).not.toBeNull();
      } else if (d.row.commission_status === 'pending') {
        expect(d.holdReason).toBeNull();
        expect(e.hold?.until).toBe(f.now + f.program.holdDays * DAY_MS);
      } else {
        expect(d.row.commission_minor).toBe(0);
        expect(e.hold?.reason ?? null).toBe(d.holdReason);
      }
    });
  });

  it('a browser report is priced only from the catalogue: the unit prices it sends change nothing', () => {
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 0, max: 1_000_000 }), (f, price) => {
        const browser = { ...f, verified: false };
        const items = f.report.items?.map((i) => ({ ...i, unitPriceMinor: price }));
        const other = decideConversion({ ...browser, report: { ...f.report, items } });
        const d = decideConversion(browser);
        expect(other).toEqual(d);
        if (!d.ok) return;
        for (const i of JSON.parse(d.row.items) as Array<{ sku: string; unitPriceMinor: number }>) {
          expect(i.unitPriceMinor).toBe(f.products.get(i.sku)!.price_minor);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a self-referral is always held, never pending', () => {
    forEveryDecision((d) => {
      const { selfReferral } = explanationOf(d);
      if (!selfReferral.self) return;
      expect(d.holdReason).toBe(`self_referral:${selfReferral.reason}`);
      expect(d.row.commission_status).not.toBe('pending');
    });
  });

  it("the buyer holding the attributed referrer's own token is always a self-referral", () => {
    forEveryDecision((d, f) => {
      const token = d.referrer?.token_hash;
      if (!token || token !== f.hashes.buyerToken) return;
      expect(d.holdReason).toBe('self_referral:token');
    });
  });

  it('refuses only with its typed codes, and a server report never for the catalogue', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const d = decideConversion(f);
        if (d.ok) return;
        expect(d.status).toBe(400);
        expect(['unknown_product', 'amount_exceeds_catalogue', 'invalid_amount']).toContain(d.code);
        if (f.verified) expect(d.code).toBe('invalid_amount');
      }),
      { numRuns: 300 },
    );
  });
});
