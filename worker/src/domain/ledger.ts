/**
 * Ledger rules: which append-only entries a commission, a release, an approval, a refund or a
 * payout writes, as drafts (the DB layer adds ids, txn, currency, referrer and created_at).
 * A balance is always the sum of entries per bucket; nothing here updates or deletes.
 *
 * Buckets: `on_hold` (needs a person's approval, e.g. suspected self-referral or a pending
 * referrer), `pending` (in the shop's hold period), `available` (payable; may go negative after
 * a clawback and is netted against the next payout), `paid`.
 *
 * Moves are pairs that sum to zero (release: pending → available; approve: on_hold → pending;
 * payout: available → paid). Only a commission adds money and only a refund removes it.
 *
 * Refunds reverse commission cumulatively and exactly: after refunds totalling R of an order of
 * amount A with commission C, exactly `roundHalfEven(C × R / A)` has been reversed, so a full
 * refund in any number of steps reverses exactly C. The reversal is taken from on_hold (void),
 * then pending (void), then available (reversal); whatever is left was already paid out and is
 * clawed back as a negative `available` entry.
 *
 * Every draft has a dedupe key so a retried write is a no-op at the unique index.
 */

import { isMinorAmount, roundHalfEvenDiv } from './money.js';
import { DAY_MS } from './time.js';

export type Bucket = 'on_hold' | 'pending' | 'available' | 'paid';

export type EntryType = 'commission' | 'release' | 'approve' | 'void' | 'reversal' | 'clawback' | 'payout';

export interface EntryDraft {
  type: EntryType;
  bucket: Bucket;
  /** signed minor units */
  amountMinor: number;
  availableAt?: number | null;
  reason?: string | null;
  dedupeKey?: string | null;
}

export interface Balances {
  onHold: number;
  pending: number;
  available: number;
  paid: number;
}

export type LedgerRuleErrorCode = 'refund_exceeds_amount' | 'insufficient_available' | 'invalid_amount';

/** A ledger rule refused the operation; `code` is stable and maps to a 4xx. */
export class LedgerRuleError extends Error {
  readonly code: LedgerRuleErrorCode;

  constructor(code: LedgerRuleErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'LedgerRuleError';
    this.code = code;
  }
}

const BUCKET_KEY = {
  on_hold: 'onHold',
  pending: 'pending',
  available: 'available',
  paid: 'paid',
} as const satisfies Record<Bucket, keyof Balances>;

function assertSafeTime(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new LedgerRuleError('invalid_amount', `${what} must be an integer time`);
  }
}

function assertMinor(value: unknown, what: string): asserts value is number {
  if (!isMinorAmount(value)) {
    throw new LedgerRuleError('invalid_amount', `${what} must be a non-negative integer`);
  }
}

/**
 * Sums entries into balances per bucket.
 *
 * @example
 * balancesOf([
 *   { bucket: 'pending', amountMinor: 500 },
 *   { bucket: 'pending', amountMinor: -500 },
 *   { bucket: 'available', amountMinor: 500 },
 * ]); // { onHold: 0, pending: 0, available: 500, paid: 0 }
 */
export function balancesOf(entries: ReadonlyArray<{ bucket: Bucket; amountMinor: number }>): Balances {
  const balances: Balances = { onHold: 0, pending: 0, available: 0, paid: 0 };
  for (const entry of entries) {
    const key = BUCKET_KEY[entry.bucket];
    if (key === undefined) throw new RangeError(`unknown bucket: ${String(entry.bucket)}`);
    balances[key] += entry.amountMinor;
  }
  return balances;
}

/**
 * The entry that credits a new commission: `on_hold` (no availableAt, waits for approval) or
 * `pending` until `now + holdDays`. Nothing for a zero commission.
 *
 * @example
 * commissionEntries({ conversionId: 'conv_1', commissionMinor: 1500, onHold: false, now: 0, holdDays: 30 });
 * // [{ type: 'commission', bucket: 'pending', amountMinor: 1500, availableAt: 2592000000,
 * //    reason: null, dedupeKey: 'commission:conv_1' }]
 */
export function commissionEntries(input: {
  conversionId: string;
  commissionMinor: number;
  onHold: boolean;
  holdReason?: string;
  now: number;
  holdDays: number;
  /** `verified` for the commission credited when the shop's server report supersedes a browser report */
  credit?: 'first' | 'verified';
}): EntryDraft[] {
  const { conversionId, commissionMinor, onHold, now, holdDays } = input;
  assertMinor(commissionMinor, 'commission');
  assertSafeTime(now, 'now');
  assertMinor(holdDays, 'holdDays');
  if (commissionMinor === 0) return [];
  return [
    {
      type: 'commission',
      bucket: onHold ? 'on_hold' : 'pending',
      amountMinor: commissionMinor,
      availableAt: onHold ? null : now + holdDays * DAY_MS,
      reason: onHold ? (input.holdReason ?? 'on_hold') : null,
      dedupeKey: input.credit === 'verified' ? `commission:${conversionId}:verified` : `commission:${conversionId}`,
    },
  ];
}

/**
 * The entry that credits a team leader's reward when their team completes (team-buy): a commission
 * whose subject is the team — its id (`team_…`) stands where a conversion id would, so the same due
 * work releases it — pending for the shop's hold period, with reason `team_leader_reward`. Nothing
 * for a zero reward; the dedupe key makes a second completion write nothing.
 *
 * @example
 * teamRewardEntries({ teamId: 'team_1', rewardMinor: 1000, now: 0, holdDays: 30 });
 * // [{ type: 'commission', bucket: 'pending', amountMinor: 1000, availableAt: 2592000000,
 * //    reason: 'team_leader_reward', dedupeKey: 'team_reward:team_1' }]
 */
export function teamRewardEntries(input: { teamId: string; rewardMinor: number; now: number; holdDays: number }): EntryDraft[] {
  const { teamId, rewardMinor, now, holdDays } = input;
  assertMinor(rewardMinor, 'reward');
  assertSafeTime(now, 'now');
  assertMinor(holdDays, 'holdDays');
  if (rewardMinor === 0) return [];
  return [
    {
      type: 'commission',
      bucket: 'pending',
      amountMinor: rewardMinor,
      availableAt: now + holdDays * DAY_MS,
      reason: 'team_leader_reward',
      dedupeKey: `team_reward:${teamId}`,
    },
  ];
}

/**
 * Takes back what a conversion's commission still holds: voids what is on hold and pending,
 * reverses what is available and unpaid, and claws back what was already paid out (a negative
 * `available` entry, netted against the next payout). `scope: 'on_hold'` takes back only what is
 * on hold. Used when the shop's server report supersedes a browser report (whose commission is
 * then credited anew from the server's numbers, see {@link commissionEntries} `credit`) and when
 * an unconfirmed browser report expires. Dedupe keys are `<action>:<conversionId>:<bucket>`, so
 * each happens at most once per conversion.
 *
 * `balances` are the conversion's own, with `paid` the part of its released commission already
 * paid out and `available` the unpaid rest (as a refund sees them).
 *
 * @example
 * withdrawEntries({ conversionId: 'conv_1', action: 'supersede', scope: 'all',
 *   balances: { onHold: 900, pending: 0, available: 0, paid: 0 } });
 * // [{ type: 'void', bucket: 'on_hold', amountMinor: -900, reason: 'supersede',
 * //    dedupeKey: 'supersede:conv_1:on_hold' }]
 */
export function withdrawEntries(input: {
  conversionId: string;
  action: 'supersede' | 'expire';
  scope: 'all' | 'on_hold';
  balances: Balances;
}): EntryDraft[] {
  const { conversionId, action, balances } = input;
  const entries: EntryDraft[] = [];
  const add = (type: EntryType, bucket: Bucket, amount: number, key: string) => {
    if (amount > 0)
      entries.push({ type, bucket, amountMinor: -amount, reason: action, dedupeKey: `${action}:${conversionId}:${key}` });
  };
  add('void', 'on_hold', balances.onHold, 'on_hold');
  if (input.scope === 'all') {
    add('void', 'pending', balances.pending, 'pending');
    add('reversal', 'available', balances.available, 'available');
    add('clawback', 'available', balances.paid, 'clawback');
  }
  return entries;
}

/**
 * Moves a conversion's pending commission to available once its hold has ended
 * (`availableAt ≤ now`). Nothing while the hold runs, when availableAt is null (on hold) or when
 * nothing is pending (already released or voided).
 *
 * @example
 * releaseEntries({ conversionId: 'conv_1', conversionBalances: { onHold: 0, pending: 1500, available: 0, paid: 0 },
 *   availableAt: 100, now: 100 });
 * // [{ type: 'release', bucket: 'pending', amountMinor: -1500, … },
 * //  { type: 'release', bucket: 'available', amountMinor: 1500, … }]
 */
export function releaseEntries(input: {
  conversionId: string;
  conversionBalances: Balances;
  availableAt: number | null;
  now: number;
  /**
   * The seq of the conversion's last entry when its balances were read. A conversion can be
   * released twice (an approved browser report released, then the shop's server report credits
   * it anew); with `afterSeq` each release has dedupe keys of its own, while a retry of the same
   * release (same balances, same seq) still collides and is a no-op.
   */
  afterSeq?: number;
}): EntryDraft[] {
  const { conversionId, conversionBalances, availableAt, now } = input;
  const pending = conversionBalances.pending;
  if (availableAt === null || availableAt > now || !(pending > 0)) return [];
  const key = input.afterSeq === undefined ? `release:${conversionId}` : `release:${conversionId}:${input.afterSeq}`;
  return [
    {
      type: 'release',
      bucket: 'pending',
      amountMinor: -pending,
      reason: 'hold_ended',
      dedupeKey: `${key}:pending`,
    },
    {
      type: 'release',
      bucket: 'available',
      amountMinor: pending,
      reason: 'hold_ended',
      dedupeKey: `${key}:available`,
    },
  ];
}

/**
 * Approves a commission that was on hold: on_hold → pending, with a fresh hold period from
 * `now`. Nothing when nothing is on hold.
 *
 * @example
 * approveHoldEntries({ conversionId: 'conv_1', conversionBalances: { onHold: 800, pending: 0, available: 0, paid: 0 },
 *   now: 0, holdDays: 0 });
 * // [{ type: 'approve', bucket: 'on_hold', amountMinor: -800, … },
 * //  { type: 'approve', bucket: 'pending', amountMinor: 800, availableAt: 0, … }]
 */
export function approveHoldEntries(input: {
  conversionId: string;
  conversionBalances: Balances;
  now: number;
  holdDays: number;
  /** as for {@link releaseEntries}: a second approval of the conversion (of the server's commission) gets keys of its own */
  afterSeq?: number;
}): EntryDraft[] {
  const { conversionId, conversionBalances, now, holdDays } = input;
  assertSafeTime(now, 'now');
  assertMinor(holdDays, 'holdDays');
  const onHold = conversionBalances.onHold;
  if (!(onHold > 0)) return [];
  const key = input.afterSeq === undefined ? `approve:${conversionId}` : `approve:${conversionId}:${input.afterSeq}`;
  return [
    {
      type: 'approve',
      bucket: 'on_hold',
      amountMinor: -onHold,
      reason: 'approved',
      dedupeKey: `${key}:on_hold`,
    },
    {
      type: 'approve',
      bucket: 'pending',
      amountMinor: onHold,
      availableAt: now + holdDays * DAY_MS,
      reason: 'approved',
      dedupeKey: `${key}:pending`,
    },
  ];
}

/**
 * The commission that refunds totalling `refundedMinor` of an order reverse, cumulatively:
 * `roundHalfEven(commission × refunded / amount)`.
 *
 * @example
 * cumulativeReversalMinor(1000, 333, 3000); // 111
 */
export function cumulativeReversalMinor(commissionMinor: number, refundedMinor: number, amountMinor: number): number {
  if (amountMinor === 0) return 0;
  return Number(roundHalfEvenDiv(BigInt(commissionMinor) * BigInt(refundedMinor), BigInt(amountMinor)));
}

/**
 * Reverses the commission share of one refund. See the module header for the rules. The
 * dedupe keys are `refund:<refundId>:<bucket>` for voids and reversals, and
 * `refund:<refundId>:clawback` for the clawback (which also lands on `available`).
 *
 * `conversionBalances` is what this conversion still holds per bucket; commission that was
 * already paid out must not be counted as available, or it is reversed instead of clawed back
 * (the sum is the same either way).
 *
 * @throws LedgerRuleError('refund_exceeds_amount') when the refund is not positive or would take
 *   the refunds past the order amount; ('invalid_amount') for non-integer input.
 * @example
 * refundEntries({ conversionId: 'conv_1', refundId: 'rf_1', amountMinor: 10000, commissionMinor: 1000,
 *   refundedBeforeMinor: 0, refundMinor: 10000,
 *   conversionBalances: { onHold: 0, pending: 1000, available: 0, paid: 0 } });
 * // { reversedMinor: 1000, entries: [{ type: 'void', bucket: 'pending', amountMinor: -1000, … }] }
 */
export function refundEntries(input: {
  conversionId: string;
  refundId: string;
  amountMinor: number;
  commissionMinor: number;
  refundedBeforeMinor: number;
  refundMinor: number;
  conversionBalances: Balances;
}): { entries: EntryDraft[]; reversedMinor: number } {
  const { refundId, amountMinor, commissionMinor, refundedBeforeMinor, refundMinor } = input;
  assertMinor(amountMinor, 'order amount');
  assertMinor(commissionMinor, 'commission');
  assertMinor(refundedBeforeMinor, 'refunded before');
  if (typeof refundMinor !== 'number' || !Number.isSafeInteger(refundMinor)) {
    throw new LedgerRuleError('invalid_amount', 'refund must be an integer');
  }
  if (refundMinor <= 0 || refundedBeforeMinor + refundMinor > amountMinor) {
    throw new LedgerRuleError(
      'refund_exceeds_amount',
      `refund of ${refundMinor} after ${refundedBeforeMinor} exceeds the order amount ${amountMinor}`,
    );
  }

  const target = cumulativeReversalMinor(commissionMinor, refundedBeforeMinor + refundMinor, amountMinor);
  const before = cumulativeReversalMinor(commissionMinor, refundedBeforeMinor, amountMinor);
  const reversedMinor = target - before;

  const entries: EntryDraft[] = [];
  let left = reversedMinor;
  const take = (bucket: Bucket, type: EntryType, balance: number): void => {
    const x = Math.min(left, Math.max(0, balance));
    if (x <= 0) return;
    entries.push({
      type,
      bucket,
      amountMinor: -x,
      reason: 'refund',
      dedupeKey: `refund:${refundId}:${bucket}`,
    });
    left -= x;
  };
  const balances = input.conversionBalances;
  take('on_hold', 'void', balances.onHold);
  take('pending', 'void', balances.pending);
  take('available', 'reversal', balances.available);
  if (left > 0) {
    entries.push({
      type: 'clawback',
      bucket: 'available',
      amountMinor: -left,
      reason: 'refund_after_payout',
      dedupeKey: `refund:${refundId}:clawback`,
    });
  }
  return { entries, reversedMinor };
}

/** Work the ledger owes a conversion at a due time: release its pending commission, or expire an unconfirmed hold. */
export type DueAction = 'release' | 'expire';

/**
 * What one due task comes to at `now`, given the conversion's ledger as read:
 * - `wait`: the hold was extended (an approval set a later availableAt) — move the due time, write nothing;
 * - `release`: the hold ended — pending → available, keyed by the seq the balances were read at;
 * - `expire`: the unconfirmed browser report's held commission is voided (only what is on hold);
 * - `drop`: nothing is left to do — write nothing and forget the task.
 *
 * @example
 * dueWork({ action: 'release', conversionId: 'conv_1', dueAt: 100, now: 100,
 *   state: { balances: { onHold: 0, pending: 1500, available: 0, paid: 0 }, lastSeq: 7, availableAt: 100 } });
 * // { kind: 'release', amountMinor: 1500, entries: [pending −1500, available +1500] }
 */
export function dueWork(input: {
  action: DueAction;
  conversionId: string;
  dueAt: number;
  now: number;
  /** the conversion's balances, the seq of its last entry and the latest availableAt of its pending credits */
  state: { balances: Balances; lastSeq: number; availableAt: number | null };
}):
  | { kind: 'wait'; dueAt: number }
  | { kind: 'release' | 'expire'; entries: EntryDraft[]; amountMinor: number }
  | { kind: 'drop' } {
  const { conversionId, now, state } = input;
  const { balances } = state;
  if (input.action === 'release') {
    if (balances.pending > 0 && state.availableAt !== null && state.availableAt > now) {
      return { kind: 'wait', dueAt: state.availableAt };
    }
    const entries = releaseEntries({
      conversionId,
      conversionBalances: balances,
      availableAt: input.dueAt,
      now,
      afterSeq: state.lastSeq,
    });
    return entries.length ? { kind: 'release', entries, amountMinor: balances.pending } : { kind: 'drop' };
  }
  const entries = withdrawEntries({ conversionId, action: 'expire', scope: 'on_hold', balances });
  return entries.length ? { kind: 'expire', entries, amountMinor: balances.onHold } : { kind: 'drop' };
}

/** One conversion's commission in a referrer's `available` bucket, as the refund allocation reads it. */
export interface ReleasedCommission {
  conversionId: string;
  /** moved to available by releases */
  releasedMinor: number;
  /** taken back from available while unpaid (refund reversals, supersede), as a positive amount */
  reversedMinor: number;
  /** clawed back after it was paid, as a positive amount */
  clawedMinor: number;
}

/**
 * A conversion's balances as a refund must see them. Payouts are per referrer, so the part of this
 * conversion's released commission that was already paid is found by paying the referrer's
 * conversions oldest-release-first (FIFO) out of everything the referrer was paid. That part,
 * less what was already clawed back, is reported as `paid` (a refund claws it back); the rest of
 * `available` is still unpaid (a refund reverses it). A conversion with nothing released is
 * returned as it is.
 *
 * @example
 * balancesForRefund({ conversionId: 'b', own: { onHold: 0, pending: 0, available: 500, paid: 0 },
 *   referrerPaidMinor: 800, releases: [
 *     { conversionId: 'a', releasedMinor: 500, reversedMinor: 0, clawedMinor: 0 },
 *     { conversionId: 'b', releasedMinor: 500, reversedMinor: 0, clawedMinor: 0 }] });
 * // { onHold: 0, pending: 0, available: 200, paid: 300 }
 */
export function balancesForRefund<B extends Balances>(input: {
  conversionId: string;
  /** the conversion's own balances (its `paid` is always 0: payouts are the referrer's) */
  own: B;
  /** the referrer's conversions in the order of their first `available` entry */
  releases: readonly ReleasedCommission[];
  /** everything the referrer was paid out */
  referrerPaidMinor: number;
}): B {
  let remaining = input.referrerPaidMinor;
  for (const r of input.releases) {
    const payable = Math.max(0, r.releasedMinor - r.reversedMinor);
    const paidHere = Math.min(payable, remaining);
    remaining -= paidHere;
    if (r.conversionId === input.conversionId) {
      const stillPaid = Math.max(0, paidHere - r.clawedMinor);
      return { ...input.own, available: input.own.available - stillPaid, paid: stillPaid };
    }
  }
  return input.own;
}
