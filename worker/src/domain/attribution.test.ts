import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AttributionInput, ClickFact, ReferrerFact } from './attribution.js';
import { attribute, isClickInWindow } from './attribution.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 10, 25, 12); // an order placed at this instant
const active: ReferrerFact = { id: 'ref_a', code: 'alice', status: 'active' };
const bob: ReferrerFact = { id: 'ref_b', code: 'bob', status: 'active' };
const pending: ReferrerFact = { id: 'ref_p', code: 'pat', status: 'pending' };
const blocked: ReferrerFact = { id: 'ref_x', code: 'mallory', status: 'blocked' };
const referrersById = new Map([active, bob, pending, blocked].map((r) => [r.id, r] as const));

const click = (id: string, referrerId: string, createdAt: number): ClickFact => ({
  id,
  referrerId,
  createdAt,
});

const input = (overrides: Partial<AttributionInput> = {}): AttributionInput => ({
  now: T,
  orderAt: T,
  windowDays: 30,
  model: 'last_click',
  reportedClick: null,
  reportedClickId: null,
  visitorClicks: [],
  codeReferrer: null,
  couponReferrer: null,
  referrersById,
  ...overrides,
});

describe('isClickInWindow', () => {
  it('is inclusive at both ends', () => {
    expect(isClickInWindow(T - 30 * DAY_MS, T, 30)).toBe(true);
    expect(isClickInWindow(T, T, 30)).toBe(true);
    expect(isClickInWindow(T - 30 * DAY_MS - 1, T, 30)).toBe(false);
    expect(isClickInWindow(T + 1, T, 30)).toBe(false);
  });
});

describe('attribute: clicks', () => {
  it('credits a reported click inside the window', () => {
    const c = click('clk_1', 'ref_a', T - DAY_MS);
    expect(attribute(input({ reportedClick: c, reportedClickId: 'clk_1' }))).toEqual({
      source: 'click',
      referrerId: 'ref_a',
      clickId: 'clk_1',
      reason: 'click_in_window',
      windowEndsAt: T - DAY_MS + 30 * DAY_MS,
      notes: ['click_in_window'],
    });
  });

  it('credits a click exactly at the window start and one at the order instant', () => {
    for (const createdAt of [T - 30 * DAY_MS, T]) {
      const c = click('clk_1', 'ref_a', createdAt);
      expect(attribute(input({ reportedClick: c, reportedClickId: 'clk_1' })).source).toBe('click');
    }
  });

  it('credits a visitor click when the shop sent no click id', () => {
    const decision = attribute(input({ visitorClicks: [click('clk_v', 'ref_b', T - 2 * DAY_MS)] }));
    expect(decision).toMatchObject({ source: 'click', referrerId: 'ref_b', clickId: 'clk_v' });
  });

  it('last_click picks the latest click of all candidates', () => {
    const decision = attribute(
      input({
        reportedClick: click('clk_1', 'ref_a', T - 5 * DAY_MS),
        reportedClickId: 'clk_1',
        visitorClicks: [click('clk_2', 'ref_b', T - DAY_MS), click('clk_3', 'ref_a', T - 3 * DAY_MS)],
      }),
    );
    expect(decision).toMatchObject({ clickId: 'clk_2', referrerId: 'ref_b' });
  });

  it('first_click picks the earliest click in the window', () => {
    const decision = attribute(
      input({
        model: 'first_click',
        reportedClick: click('clk_1', 'ref_a', T - DAY_MS),
        reportedClickId: 'clk_1',
        visitorClicks: [
          click('clk_old', 'ref_b', T - 31 * DAY_MS), // outside: ignored
          click('clk_2', 'ref_b', T - 10 * DAY_MS),
        ],
      }),
    );
    expect(decision).toMatchObject({ clickId: 'clk_2', referrerId: 'ref_b' });
  });

  it('breaks ties on time by the smaller id, whatever the input order', () => {
    const a = click('clk_b', 'ref_b', T - DAY_MS);
    const b = click('clk_a', 'ref_a', T - DAY_MS);
    for (const model of ['last_click', 'first_click'] as const) {
      expect(attribute(input({ model, visitorClicks: [a, b] })).clickId).toBe('clk_a');
      expect(attribute(input({ model, visitorClicks: [b, a] })).clickId).toBe('clk_a');
    }
  });

  it('counts the reported click once when it is also among the visitor clicks', () => {
    const c = click('clk_1', 'ref_a', T - DAY_MS);
    const decision = attribute(input({ reportedClick: c, reportedClickId: 'clk_1', visitorClicks: [c] }));
    expect(decision).toMatchObject({ source: 'click', clickId: 'clk_1' });
  });

  it('ignores clicks after the order', () => {
    const decision = attribute(input({ visitorClicks: [click('clk_late', 'ref_a', T + 1)] }));
    expect(decision).toMatchObject({ source: 'none', reason: 'click_expired' });
  });

  it('clamps an order time in the future to now', () => {
    const decision = attribute(input({ orderAt: T + DAY_MS, visitorClicks: [click('clk_1', 'ref_a', T + 1)] }));
    expect(decision.source).toBe('none');
  });

  it('uses windowDays of the program', () => {
    const c = click('clk_1', 'ref_a', T - 8 * DAY_MS);
    expect(attribute(input({ windowDays: 7, reportedClick: c, reportedClickId: 'clk_1' })).source).toBe('none');
    expect(attribute(input({ windowDays: 8, reportedClick: c, reportedClickId: 'clk_1' })).source).toBe('click');
  });
});

describe('attribute: expired and unknown clicks', () => {
  const expired = click('clk_old', 'ref_a', T - 31 * DAY_MS);

  it('an expired reported click earns nothing: click_expired', () => {
    expect(attribute(input({ reportedClick: expired, reportedClickId: 'clk_old' }))).toEqual({
      source: 'none',
      referrerId: null,
      clickId: null,
      reason: 'click_expired',
      windowEndsAt: null,
      notes: ['click_expired'],
    });
  });

  it('an expired click still lets a referral code attribute', () => {
    const decision = attribute(input({ reportedClick: expired, reportedClickId: 'clk_old', codeReferrer: bob }));
    expect(decision).toMatchObject({
      source: 'code',
      referrerId: 'ref_b',
      clickId: null,
      reason: 'referral_code',
      windowEndsAt: null,
      notes: ['click_expired', 'referral_code'],
    });
  });

  it('an expired click still lets a coupon attribute', () => {
    const decision = attribute(input({ reportedClick: expired, reportedClickId: 'clk_old', couponReferrer: bob }));
    expect(decision).toMatchObject({
      source: 'coupon',
      referrerId: 'ref_b',
      reason: 'coupon_code',
    });
  });

  it('an unknown click id: click_unknown', () => {
    expect(attribute(input({ reportedClickId: 'clk_nope' }))).toMatchObject({
      source: 'none',
      reason: 'click_unknown',
      notes: ['click_unknown'],
    });
  });

  it('an unknown click id falls through to the code and to visitor clicks', () => {
    expect(attribute(input({ reportedClickId: 'clk_nope', codeReferrer: bob }))).toMatchObject({
      source: 'code',
      reason: 'referral_code',
      notes: ['click_unknown', 'referral_code'],
    });
    expect(attribute(input({ reportedClickId: 'clk_nope', visitorClicks: [click('clk_v', 'ref_a', T - 1)] }))).toMatchObject({
      source: 'click',
      clickId: 'clk_v',
    });
  });

  it('an expired reported click loses to a visitor click in the window', () => {
    const decision = attribute(
      input({
        reportedClick: expired,
        reportedClickId: 'clk_old',
        visitorClicks: [click('clk_new', 'ref_b', T - DAY_MS)],
      }),
    );
    expect(decision).toMatchObject({
      source: 'click',
      clickId: 'clk_new',
      notes: ['click_expired', 'click_in_window'],
    });
  });

  it('a click whose referrer is unknown is skipped: click_referrer_unknown', () => {
    const decision = attribute(input({ visitorClicks: [click('clk_1', 'ref_gone', T - 1)] }));
    expect(decision).toMatchObject({ source: 'none', reason: 'click_referrer_unknown' });
  });

  it('nothing at all: no_referral', () => {
    expect(attribute(input())).toEqual({
      source: 'none',
      referrerId: null,
      clickId: null,
      reason: 'no_referral',
      windowEndsAt: null,
      notes: ['no_referral'],
    });
  });
});

describe('attribute: precedence of sources', () => {
  it('a click in the window beats a referral code and a coupon', () => {
    const decision = attribute(
      input({
        visitorClicks: [click('clk_1', 'ref_a', T - DAY_MS)],
        codeReferrer: bob,
        couponReferrer: pending,
      }),
    );
    expect(decision).toMatchObject({ source: 'click', referrerId: 'ref_a' });
  });

  it('a referral code beats a coupon', () => {
    const decision = attribute(input({ codeReferrer: active, couponReferrer: bob }));
    expect(decision).toMatchObject({
      source: 'code',
      referrerId: 'ref_a',
      reason: 'referral_code',
    });
  });

  it('a coupon alone attributes', () => {
    expect(attribute(input({ couponReferrer: bob }))).toMatchObject({
      source: 'coupon',
      referrerId: 'ref_b',
      clickId: null,
      reason: 'coupon_code',
      windowEndsAt: null,
    });
  });
});

describe('attribute: referrer status', () => {
  it('a blocked referrer is never attributed by click', () => {
    const c = click('clk_x', 'ref_x', T - DAY_MS);
    expect(attribute(input({ reportedClick: c, reportedClickId: 'clk_x' }))).toMatchObject({
      source: 'none',
      referrerId: null,
      reason: 'referrer_blocked',
    });
  });

  it("a blocked referrer's click does not hide another referrer's click", () => {
    const decision = attribute(
      input({
        visitorClicks: [click('clk_x', 'ref_x', T - 1), click('clk_a', 'ref_a', T - DAY_MS)],
      }),
    );
    expect(decision).toMatchObject({
      source: 'click',
      referrerId: 'ref_a',
      notes: ['referrer_blocked', 'click_in_window'],
    });
  });

  it('a blocked click falls through to the code, a blocked code to the coupon', () => {
    expect(attribute(input({ visitorClicks: [click('clk_x', 'ref_x', T - 1)], codeReferrer: bob }))).toMatchObject({
      source: 'code',
      referrerId: 'ref_b',
    });
    expect(attribute(input({ codeReferrer: blocked, couponReferrer: bob }))).toMatchObject({
      source: 'coupon',
      referrerId: 'ref_b',
      notes: ['referrer_blocked', 'coupon_code'],
    });
  });

  it('blocked everywhere: none, referrer_blocked (even with an expired click too)', () => {
    const decision = attribute(
      input({
        reportedClick: click('clk_old', 'ref_a', T - 40 * DAY_MS),
        reportedClickId: 'clk_old',
        codeReferrer: blocked,
        couponReferrer: blocked,
      }),
    );
    expect(decision).toMatchObject({ source: 'none', reason: 'referrer_blocked' });
    expect(decision.notes).toEqual(['click_expired', 'referrer_blocked']);
  });

  it('a pending referrer is attributed with reason referrer_pending (click, code, coupon)', () => {
    expect(attribute(input({ visitorClicks: [click('clk_p', 'ref_p', T - 1)] }))).toMatchObject({
      source: 'click',
      referrerId: 'ref_p',
      clickId: 'clk_p',
      reason: 'referrer_pending',
      notes: ['click_in_window', 'referrer_pending'],
    });
    expect(attribute(input({ codeReferrer: pending }))).toMatchObject({
      source: 'code',
      referrerId: 'ref_p',
      reason: 'referrer_pending',
    });
    expect(attribute(input({ couponReferrer: pending }))).toMatchObject({
      source: 'coupon',
      referrerId: 'ref_p',
      reason: 'referrer_pending',
    });
  });

  it('uses the status from referrersById for clicks', () => {
    const nowBlocked = new Map(referrersById);
    nowBlocked.set('ref_a', { ...active, status: 'blocked' });
    expect(attribute(input({ referrersById: nowBlocked, visitorClicks: [click('clk_a', 'ref_a', T - 1)] })).reason).toBe(
      'referrer_blocked',
    );
  });
});

describe('attribute: input checks', () => {
  it('refuses non-finite times and negative windows', () => {
    expect(() => attribute(input({ now: Number.NaN }))).toThrow(RangeError);
    expect(() => attribute(input({ orderAt: Number.POSITIVE_INFINITY }))).toThrow(RangeError);
    expect(() => attribute(input({ windowDays: -1 }))).toThrow(RangeError);
  });
});

describe('attribute: properties', () => {
  const ids = ['ref_a', 'ref_b', 'ref_p', 'ref_x', 'ref_gone'];
  const clickArb = fc.record({
    id: fc.stringMatching(/^clk_[a-e]{1,2}$/),
    referrerId: fc.constantFrom(...ids),
    createdAt: fc.integer({ min: T - 60 * DAY_MS, max: T + 2 * DAY_MS }),
  });
  const referrerArb = fc.option(fc.constantFrom(active, bob, pending, blocked), { nil: null });
  const inputArb = fc.record({
    now: fc.integer({ min: T - DAY_MS, max: T + DAY_MS }),
    orderAt: fc.integer({ min: T - DAY_MS, max: T + DAY_MS }),
    windowDays: fc.integer({ min: 1, max: 60 }),
    model: fc.constantFrom('last_click' as const, 'first_click' as const),
    clicks: fc.uniqueArray(clickArb, { selector: (c) => c.id, maxLength: 9 }),
    reportedIndex: fc.option(fc.nat(), { nil: null }),
    reportedAlsoVisitor: fc.boolean(),
    codeReferrer: referrerArb,
    couponReferrer: referrerArb,
  });

  it('a chosen click is always in the window, by an unblocked known referrer, and is the best such click', () => {
    fc.assert(
      fc.property(inputArb, ({ clicks, reportedIndex, reportedAlsoVisitor, ...rest }) => {
        const reportedClick =
          reportedIndex === null || clicks.length === 0 ? null : (clicks[reportedIndex % clicks.length] as ClickFact);
        const visitorClicks = clicks.filter((c) => reportedAlsoVisitor || c !== reportedClick);
        const raw = { ...rest, reportedClick, visitorClicks };
        const full: AttributionInput = {
          ...raw,
          reportedClickId: reportedClick?.id ?? null,
          referrersById,
        };
        const decision = attribute(full);
        const orderAt = Math.min(raw.orderAt, raw.now);
        const all = [...(raw.reportedClick ? [raw.reportedClick] : []), ...raw.visitorClicks];
        const eligible = all.filter(
          (c) =>
            isClickInWindow(c.createdAt, orderAt, raw.windowDays) &&
            referrersById.has(c.referrerId) &&
            referrersById.get(c.referrerId)?.status !== 'blocked',
        );
        if (decision.source === 'click') {
          const chosen = all.find((c) => c.id === decision.clickId) as ClickFact;
          expect(chosen).toBeDefined();
          expect(isClickInWindow(chosen.createdAt, orderAt, raw.windowDays)).toBe(true);
          expect(chosen.createdAt).toBeGreaterThanOrEqual(orderAt - raw.windowDays * DAY_MS);
          expect(chosen.createdAt).toBeLessThanOrEqual(orderAt);
          expect(decision.referrerId).toBe(chosen.referrerId);
          expect(decision.windowEndsAt).toBe(chosen.createdAt + raw.windowDays * DAY_MS);
          const times = eligible.map((c) => c.createdAt);
          const best = raw.model === 'last_click' ? Math.max(...times) : Math.min(...times);
          expect(chosen.createdAt).toBe(best);
        } else {
          expect(eligible).toHaveLength(0);
        }
        if (decision.referrerId !== null) {
          const referrer = referrersById.get(decision.referrerId);
          expect(referrer?.status).not.toBe('blocked');
          expect(decision.reason === 'referrer_pending').toBe(referrer?.status === 'pending');
        } else {
          expect(decision.source).toBe('none');
        }
        expect(decision.notes).toContain(decision.reason);
        // deterministic and independent of the order of visitor clicks
        expect(attribute({ ...full, visitorClicks: [...raw.visitorClicks].reverse() }).clickId).toBe(decision.clickId);
      }),
    );
  });
});
