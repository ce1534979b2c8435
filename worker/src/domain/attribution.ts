/**
 * Attribution: which referrer (if any) an order is credited to, and why. Pure; times are
 * milliseconds since the epoch and are always passed in.
 *
 * Rules:
 * - Candidate clicks are the reported click (the one whose id the shop sent) plus the visitor's
 *   other clicks (deduplicated by id). A click counts when
 *   `orderAt − windowDays × 1 day ≤ createdAt ≤ orderAt`, where `orderAt` is first clamped to
 *   `now` (an order cannot come from the future, so a skewed shop clock gains nothing).
 * - Among counted clicks, last_click picks the latest and first_click the earliest; equal times
 *   are broken by the smaller id, so the choice is deterministic.
 * - Sources in order: a click in the window, then the referral code, then the coupon code.
 * - A blocked referrer is never attributed: its clicks are dropped from the candidates and its
 *   code or coupon is skipped, falling through to the next source. A click whose referrer is not
 *   in `referrersById` is dropped the same way (reason `click_referrer_unknown`).
 * - A pending referrer is attributed with reason `referrer_pending`; the caller puts the
 *   commission on hold.
 * - When nothing attributes, the reason says why, in this order of precedence:
 *   `referrer_blocked`, `click_expired`, `click_unknown`, `click_referrer_unknown`, `no_referral`.
 * - `notes` lists every reason met on the way (e.g. `['click_expired', 'referral_code']`), for the
 *   conversion's explanation.
 */

import { DAY_MS } from './time.js';

export interface ClickFact {
  id: string;
  referrerId: string;
  createdAt: number;
}

export interface ReferrerFact {
  id: string;
  code: string;
  status: 'active' | 'pending' | 'blocked';
}

export type AttributionSource = 'click' | 'code' | 'coupon' | 'none';

/** Stable snake_case reasons, safe to store and to show in an API response. */
export type AttributionReason =
  | 'click_in_window'
  | 'click_expired'
  | 'click_unknown'
  | 'click_referrer_unknown'
  | 'referral_code'
  | 'coupon_code'
  | 'no_referral'
  | 'referrer_blocked'
  | 'referrer_pending';

export interface AttributionDecision {
  source: AttributionSource;
  referrerId: string | null;
  clickId: string | null;
  /** the deciding reason; `referrer_pending` whenever the attributed referrer is pending */
  reason: AttributionReason;
  /** for a click: when its attribution window ends (createdAt + windowDays); else null */
  windowEndsAt: number | null;
  /** every reason met while deciding, in the order first met; always includes `reason` */
  notes: AttributionReason[];
}

export interface AttributionInput {
  now: number;
  orderAt: number;
  windowDays: number;
  model: 'last_click' | 'first_click';
  reportedClick: ClickFact | null;
  reportedClickId: string | null;
  visitorClicks: ClickFact[];
  codeReferrer: ReferrerFact | null;
  couponReferrer: ReferrerFact | null;
  referrersById: ReadonlyMap<string, ReferrerFact>;
}

/**
 * Whether a click falls inside the attribution window of an order at `orderAt` (inclusive at
 * both ends).
 *
 * @example
 * isClickInWindow(1_000, 1_000 + 30 * DAY_MS, 30); // true
 * isClickInWindow(999, 1_000 + 30 * DAY_MS, 30);   // false
 */
export function isClickInWindow(createdAt: number, orderAt: number, windowDays: number): boolean {
  return orderAt - windowDays * DAY_MS <= createdAt && createdAt <= orderAt;
}

function better(model: 'last_click' | 'first_click', a: ClickFact, b: ClickFact): boolean {
  if (a.createdAt !== b.createdAt) {
    return model === 'last_click' ? a.createdAt > b.createdAt : a.createdAt < b.createdAt;
  }
  return a.id < b.id;
}

/**
 * Decides who an order is attributed to. See the module header for the rules.
 *
 * @example
 * const maggie: ReferrerFact = { id: 'ref_1', code: 'maggie', status: 'active' };
 * attribute({
 *   now: t, orderAt: t, windowDays: 30, model: 'last_click',
 *   reportedClick: { id: 'clk_1', referrerId: 'ref_1', createdAt: t - DAY_MS },
 *   reportedClickId: 'clk_1', visitorClicks: [], codeReferrer: null, couponReferrer: null,
 *   referrersById: new Map([['ref_1', maggie]]),
 * });
 * // { source: 'click', referrerId: 'ref_1', clickId: 'clk_1', reason: 'click_in_window', … }
 */
export function attribute(input: AttributionInput): AttributionDecision {
  const { now, windowDays, model, reportedClick, reportedClickId, referrersById } = input;
  if (!Number.isFinite(now) || !Number.isFinite(input.orderAt)) {
    throw new RangeError('now and orderAt must be finite times');
  }
  if (!Number.isFinite(windowDays) || windowDays < 0) {
    throw new RangeError(`invalid windowDays: ${String(windowDays)}`);
  }
  const orderAt = Math.min(input.orderAt, now);
  const notes: AttributionReason[] = [];
  const note = (reason: AttributionReason): void => {
    if (!notes.includes(reason)) notes.push(reason);
  };

  if (reportedClickId !== null && reportedClick === null) note('click_unknown');

  const candidates = new Map<string, ClickFact>();
  if (reportedClick) candidates.set(reportedClick.id, reportedClick);
  for (const click of input.visitorClicks) {
    if (!candidates.has(click.id)) candidates.set(click.id, click);
  }

  let chosen: ClickFact | null = null;
  let chosenReferrer: ReferrerFact | null = null;
  for (const click of candidates.values()) {
    if (!isClickInWindow(click.createdAt, orderAt, windowDays)) {
      note('click_expired');
      continue;
    }
    const referrer = referrersById.get(click.referrerId);
    if (!referrer) {
      note('click_referrer_unknown');
      continue;
    }
    if (referrer.status === 'blocked') {
      note('referrer_blocked');
      continue;
    }
    if (chosen === null || better(model, click, chosen)) {
      chosen = click;
      chosenReferrer = referrer;
    }
  }

  const decide = (
    source: Exclude<AttributionSource, 'none'>,
    referrer: ReferrerFact,
    reason: AttributionReason,
    click: ClickFact | null,
  ): AttributionDecision => {
    const finalReason = referrer.status === 'pending' ? 'referrer_pending' : reason;
    note(reason);
    note(finalReason);
    return {
      source,
      referrerId: referrer.id,
      clickId: click?.id ?? null,
      reason: finalReason,
      windowEndsAt: click ? click.createdAt + windowDays * DAY_MS : null,
      notes,
    };
  };

  if (chosen && chosenReferrer) return decide('click', chosenReferrer, 'click_in_window', chosen);

  for (const [source, referrer, reason] of [
    ['code', input.codeReferrer, 'referral_code'],
    ['coupon', input.couponReferrer, 'coupon_code'],
  ] as const) {
    if (!referrer) continue;
    if (referrer.status === 'blocked') {
      note('referrer_blocked');
      continue;
    }
    return decide(source, referrer, reason, null);
  }

  const precedence: AttributionReason[] = ['referrer_blocked', 'click_expired', 'click_unknown', 'click_referrer_unknown'];
  const reason = precedence.find((r) => notes.includes(r)) ?? 'no_referral';
  note(reason);
  return { source: 'none', referrerId: null, clickId: null, reason, windowEndsAt: null, notes };
}
