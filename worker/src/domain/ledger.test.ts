import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Balances, EntryDraft } from './ledger.js';
import {
  LedgerRuleError,
  approveHoldEntries,
  balancesOf,
  commissionEntries,
  cumulativeReversalMinor,
  refundEntries,
  balancesForRefund,
  dueWork,
  releaseEntries,
} from './ledger.js';
import { payoutEntries } from './payouts.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
const zero: Balances = { onHold: 0, pending: 0, available: 0, paid: 0 };

/** A tiny in-memory ledger that enforces dedupe keys the way the unique index does. */
class Book {
  readonly entries: EntryDraft[] = [];
  private readonly keys = new Set<string>();

  write(drafts: EntryDraft[]): void {
    for (const d of drafts) {
      expect(Number.isSafeInteger(d.amountMinor)).toBe(true);
      expect(d.amountMinor).not.toBe(0);
      if (d.dedupeKey) {
        expect(this.keys.has(d.dedupeKey), `duplicate dedupe key ${d.dedupeKey}`).toBe(false);
        this.keys.add(d.dedupeKey);
      }
      this.entries.push(d);
    }
  }

  get balances(): Balances {
    return balancesOf(this.entries);
  }

  get total(): number {
    const b = this.balances;
    return b.onHold + b.pending + b.available + b.paid;
  }
}

function expectLedgerError(fn: () => unknown, code: LedgerRuleError['code']): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerRuleError);
    expect((error as LedgerRuleError).code).toBe(code);
    return;
  }
  throw new Error(`expected LedgerRuleError(${code})`);
}

describe('balancesOf', () => {
  it('is zero for no entries', () => expect(balancesOf([])).toEqual(zero));

  it('sums each bucket', () => {
    expect(
      balancesOf([
        { bucket: 'pending', amountMinor: 500 },
        { bucket: 'pending', amountMinor: -500 },
        { bucket: 'available', amountMinor: 500 },
        { bucket: 'available', amountMinor: -700 },
        { bucket: 'on_hold', amountMinor: 3 },
        { bucket: 'paid', amountMinor: 200 },
      ]),
    ).toEqual({ onHold: 3, pending: 0, available: -200, paid: 200 });
  });

  it('refuses an unknown bucket', () => {
    expect(() => balancesOf([{ bucket: 'limbo' as 'paid', amountMinor: 1 }])).toThrow(RangeError);
  });

  it('is a sum: order does not matter and it splits over concatenation (property)', () => {
    const entry = fc.record({
      bucket: fc.constantFrom('on_hold' as const, 'pending' as const, 'available' as const, 'paid' as const),
      amountMinor: fc.integer({ min: -1e9, max: 1e9 }),
    });
    fc.assert(
      fc.property(fc.array(entry), fc.array(entry), (a, b) => {
        const ab = balancesOf([...a, ...b]);
        const sa = balancesOf(a);
        const sb = balancesOf(b);
        expect(ab).toEqual({
          onHold: sa.onHold + sb.onHold,
          pending: sa.pending + sb.pending,
          available: sa.available + sb.available,
          paid: sa.paid + sb.paid,
        });
        expect(balancesOf([...b, ...a])).toEqual(ab);
      }),
    );
  });
});

describe('commissionEntries', () => {
  it('credits pending until the end of the hold', () => {
    expect(
      commissionEntries({
        conversionId: 'conv_1',
        commissionMinor: 1500,
        onHold: false,
        now: T,
        holdDays: 30,
      }),
    ).toEqual([
      {
        type: 'commission',
        bucket: 'pending',
        amountMinor: 1500,
        availableAt: T + 30 * DAY_MS,
        reason: null,
        dedupeKey: 'commission:conv_1',
      },
    ]);
  });

  it('a hold of 0 days is available at once (after release)', () => {
    const [entry] = commissionEntries({
      conversionId: 'c',
      commissionMinor: 1,
      onHold: false,
      now: T,
      holdDays: 0,
    });
    expect(entry?.availableAt).toBe(T);
  });

  it('credits on_hold with no availableAt and the reason', () => {
    expect(
      commissionEntries({
        conversionId: 'conv_1',
        commissionMinor: 1500,
        onHold: true,
        holdReason: 'self_referral',
        now: T,
        holdDays: 30,
      }),
    ).toEqual([
      {
        type: 'commission',
        bucket: 'on_hold',
        amountMinor: 1500,
        availableAt: null,
        reason: 'self_referral',
        dedupeKey: 'commission:conv_1',
      },
    ]);
  });

  it('writes nothing for a zero commission', () => {
    expect(
      commissionEntries({
        conversionId: 'c',
        commissionMinor: 0,
        onHold: false,
        now: T,
        holdDays: 30,
      }),
    ).toEqual([]);
    expect(
      commissionEntries({
        conversionId: 'c',
        commissionMinor: 0,
        onHold: true,
        now: T,
        holdDays: 30,
      }),
    ).toEqual([]);
  });

  it('refuses negative or fractional commissions', () => {
    for (const commissionMinor of [-1, 1.5, Number.NaN]) {
      expectLedgerError(
        () =>
          commissionEntries({
            conversionId: 'c',
            commissionMinor,
            onHold: false,
            now: T,
            holdDays: 30,
          }),
        'invalid_amount',
      );
    }
  });
});

describe('releaseEntries', () => {
  const pending1500: Balances = { ...zero, pending: 1500 };

  it('moves pending to available once the hold has ended', () => {
    expect(
      releaseEntries({
        conversionId: 'conv_1',
        conversionBalances: pending1500,
        availableAt: T,
        now: T,
      }),
    ).toEqual([
      {
        type: 'release',
        bucket: 'pending',
        amountMinor: -1500,
        reason: 'hold_ended',
        dedupeKey: 'release:conv_1:pending',
      },
      {
        type: 'release',
        bucket: 'available',
        amountMinor: 1500,
        reason: 'hold_ended',
        dedupeKey: 'release:conv_1:available',
      },
    ]);
  });

  it('does nothing during the hold', () => {
    expect(
      releaseEntries({
        conversionId: 'c',
        conversionBalances: pending1500,
        availableAt: T + 1,
        now: T,
      }),
    ).toEqual([]);
  });

  it('does nothing for an on-hold commission (no availableAt)', () => {
    expect(
      releaseEntries({
        conversionId: 'c',
        conversionBalances: { ...zero, onHold: 1500 },
        availableAt: null,
        now: T,
      }),
    ).toEqual([]);
  });

  it('does nothing when nothing is pending (voided or already released)', () => {
    expect(releaseEntries({ conversionId: 'c', conversionBalances: zero, availableAt: T, now: T })).toEqual([]);
    expect(
      releaseEntries({
        conversionId: 'c',
        conversionBalances: { ...zero, available: 1500 },
        availableAt: T,
        now: T,
      }),
    ).toEqual([]);
  });

  it('releases only what a partial refund left pending', () => {
    const entries = releaseEntries({
      conversionId: 'c',
      conversionBalances: { ...zero, pending: 900 },
      availableAt: T,
      now: T + 1,
    });
    expect(balancesOf(entries)).toEqual({ ...zero, pending: -900, available: 900 });
  });

  it('with afterSeq, a second release or approval of the same conversion has dedupe keys of its own; a retry does not', () => {
    // an approved browser report released at seq 3, then the server's commission credited anew and released at seq 6
    const book = new Book();
    const pending = (n: number) => ({ ...zero, pending: n });
    book.write(commissionEntries({ conversionId: 'c', commissionMinor: 800, onHold: true, now: T, holdDays: 0 }));
    book.write(
      approveHoldEntries({ conversionId: 'c', conversionBalances: { ...zero, onHold: 800 }, now: T, holdDays: 0, afterSeq: 1 }),
    );
    book.write(releaseEntries({ conversionId: 'c', conversionBalances: pending(800), availableAt: T, now: T, afterSeq: 3 }));
    book.write(
      commissionEntries({ conversionId: 'c', commissionMinor: 900, onHold: true, now: T, holdDays: 0, credit: 'verified' }),
    );
    book.write(
      approveHoldEntries({ conversionId: 'c', conversionBalances: { ...zero, onHold: 900 }, now: T, holdDays: 0, afterSeq: 5 }),
    );
    book.write(releaseEntries({ conversionId: 'c', conversionBalances: pending(900), availableAt: T, now: T, afterSeq: 6 }));
    expect(book.balances).toEqual({ ...zero, available: 1700 });
    const retry = releaseEntries({ conversionId: 'c', conversionBalances: pending(900), availableAt: T, now: T, afterSeq: 6 });
    expect(retry.map((d) => d.dedupeKey)).toEqual(['release:c:6:pending', 'release:c:6:available']);
    expect(() => book.write(retry)).toThrow(/duplicate dedupe key/);
  });
});

describe('approveHoldEntries', () => {
  it('moves on_hold to pending with a fresh hold from now', () => {
    expect(
      approveHoldEntries({
        conversionId: 'conv_1',
        conversionBalances: { ...zero, onHold: 800 },
        now: T,
        holdDays: 14,
      }),
    ).toEqual([
      {
        type: 'approve',
        bucket: 'on_hold',
        amountMinor: -800,
        reason: 'approved',
        dedupeKey: 'approve:conv_1:on_hold',
      },
      {
        type: 'approve',
        bucket: 'pending',
        amountMinor: 800,
        availableAt: T + 14 * DAY_MS,
        reason: 'approved',
        dedupeKey: 'approve:conv_1:pending',
      },
    ]);
  });

  it('does nothing when nothing is on hold', () => {
    expect(
      approveHoldEntries({
        conversionId: 'c',
        conversionBalances: { ...zero, pending: 5 },
        now: T,
        holdDays: 14,
      }),
    ).toEqual([]);
  });
});

describe('refundEntries', () => {
  const base = {
    conversionId: 'conv_1',
    amountMinor: 10000,
    commissionMinor: 1000,
    refundedBeforeMinor: 0,
  };

  it('a full refund during the hold voids the pending commission', () => {
    const { entries, reversedMinor } = refundEntries({
      ...base,
      refundId: 'rf_1',
      refundMinor: 10000,
      conversionBalances: { ...zero, pending: 1000 },
    });
    expect(reversedMinor).toBe(1000);
    expect(entries).toEqual([
      {
        type: 'void',
        bucket: 'pending',
        amountMinor: -1000,
        reason: 'refund',
        dedupeKey: 'refund:rf_1:pending',
      },
    ]);
  });

  it('a refund of an on-hold commission voids on_hold first', () => {
    const { entries } = refundEntries({
      ...base,
      refundId: 'rf_1',
      refundMinor: 10000,
      conversionBalances: { ...zero, onHold: 1000 },
    });
    expect(entries).toEqual([
      {
        type: 'void',
        bucket: 'on_hold',
        amountMinor: -1000,
        reason: 'refund',
        dedupeKey: 'refund:rf_1:on_hold',
      },
    ]);
  });

  it('a refund after release reverses the available commission', () => {
    const { entries } = refundEntries({
      ...base,
      refundId: 'rf_1',
      refundMinor: 5000,
      conversionBalances: { ...zero, available: 1000 },
    });
    expect(entries).toEqual([
      {
        type: 'reversal',
        bucket: 'available',
        amountMinor: -500,
        reason: 'refund',
        dedupeKey: 'refund:rf_1:available',
      },
    ]);
  });

  it('a refund after payout claws back, taking available negative', () => {
    const { entries, reversedMinor } = refundEntries({
      ...base,
      refundId: 'rf_1',
      refundMinor: 10000,
      conversionBalances: { ...zero, paid: 1000 },
    });
    expect(reversedMinor).toBe(1000);
    expect(entries).toEqual([
      {
        type: 'clawback',
        bucket: 'available',
        amountMinor: -1000,
        reason: 'refund_after_payout',
        dedupeKey: 'refund:rf_1:clawback',
      },
    ]);
    expect(balancesOf(entries).available).toBe(-1000);
  });

  it('takes from buckets in order: on_hold, pending, available, then clawback', () => {
    const { entries } = refundEntries({
      ...base,
      commissionMinor: 1000,
      refundId: 'rf_1',
      refundMinor: 10000,
      conversionBalances: { onHold: 100, pending: 200, available: 300, paid: 400 },
    });
    expect(entries.map((e) => [e.type, e.bucket, e.amountMinor, e.dedupeKey])).toEqual([
      ['void', 'on_hold', -100, 'refund:rf_1:on_hold'],
      ['void', 'pending', -200, 'refund:rf_1:pending'],
      ['reversal', 'available', -300, 'refund:rf_1:available'],
      ['clawback', 'available', -400, 'refund:rf_1:clawback'],
    ]);
    expect(new Set(entries.map((e) => e.dedupeKey)).size).toBe(entries.length);
  });

  it('does not take from a bucket that is already negative', () => {
    const { entries } = refundEntries({
      ...base,
      refundId: 'rf_1',
      refundMinor: 10000,
      conversionBalances: { onHold: 0, pending: 0, available: -50, paid: 1000 },
    });
    expect(entries.map((e) => [e.type, e.amountMinor])).toEqual([['clawback', -1000]]);
  });

  it('reverses cumulatively with half-even rounding, so thirds add up to the whole', () => {
    // commission 1000 on 3000: refunds of 1000 each reverse 333, 334 (667 − 333), 333 (1000 − 667)
    const steps = [1000, 1000, 1000];
    let before = 0;
    const reversed: number[] = [];
    for (const [i, refundMinor] of steps.entries()) {
      const { reversedMinor } = refundEntries({
        conversionId: 'c',
        refundId: `rf_${i}`,
        amountMinor: 3000,
        commissionMinor: 1000,
        refundedBeforeMinor: before,
        refundMinor,
        conversionBalances: { ...zero, pending: 1000 },
      });
      reversed.push(reversedMinor);
      before += refundMinor;
    }
    expect(reversed).toEqual([333, 334, 333]);
  });

  it('half-even on the cumulative share: 1 of 2 refunded on a commission of 1 reverses 0, then 1', () => {
    const first = refundEntries({
      conversionId: 'c',
      refundId: 'rf_1',
      amountMinor: 2,
      commissionMinor: 1,
      refundedBeforeMinor: 0,
      refundMinor: 1,
      conversionBalances: { ...zero, pending: 1 },
    });
    expect(first).toEqual({ entries: [], reversedMinor: 0 });
    const second = refundEntries({
      conversionId: 'c',
      refundId: 'rf_2',
      amountMinor: 2,
      commissionMinor: 1,
      refundedBeforeMinor: 1,
      refundMinor: 1,
      conversionBalances: { ...zero, pending: 1 },
    });
    expect(second.reversedMinor).toBe(1);
    expect(cumulativeReversalMinor(3, 1, 2)).toBe(2); // 1.5 → 2
    expect(cumulativeReversalMinor(5, 1, 2)).toBe(2); // 2.5 → 2
  });

  it('a zero commission reverses nothing and writes nothing', () => {
    expect(
      refundEntries({
        ...base,
        commissionMinor: 0,
        refundId: 'rf_1',
        refundMinor: 10000,
        conversionBalances: zero,
      }),
    ).toEqual({ entries: [], reversedMinor: 0 });
  });

  it('refuses refunding more than was sold', () => {
    expectLedgerError(
      () => refundEntries({ ...base, refundId: 'rf', refundMinor: 10001, conversionBalances: zero }),
      'refund_exceeds_amount',
    );
    expectLedgerError(
      () =>
        refundEntries({
          ...base,
          refundedBeforeMinor: 6000,
          refundId: 'rf',
          refundMinor: 4001,
          conversionBalances: zero,
        }),
      'refund_exceeds_amount',
    );
    expectLedgerError(
      () =>
        refundEntries({
          ...base,
          refundedBeforeMinor: 10000,
          refundId: 'rf',
          refundMinor: 1,
          conversionBalances: zero,
        }),
      'refund_exceeds_amount',
    );
    expectLedgerError(
      () =>
        refundEntries({
          ...base,
          amountMinor: 0,
          commissionMinor: 0,
          refundId: 'rf',
          refundMinor: 1,
          conversionBalances: zero,
        }),
      'refund_exceeds_amount',
    );
  });

  it('refuses zero and negative refunds', () => {
    for (const refundMinor of [0, -1]) {
      expectLedgerError(
        () => refundEntries({ ...base, refundId: 'rf', refundMinor, conversionBalances: zero }),
        'refund_exceeds_amount',
      );
    }
  });

  it('refuses non-integer input', () => {
    expectLedgerError(
      () => refundEntries({ ...base, refundId: 'rf', refundMinor: 1.5, conversionBalances: zero }),
      'invalid_amount',
    );
    expectLedgerError(
      () =>
        refundEntries({
          ...base,
          commissionMinor: -1,
          refundId: 'rf',
          refundMinor: 1,
          conversionBalances: zero,
        }),
      'invalid_amount',
    );
    expectLedgerError(
      () =>
        refundEntries({
          ...base,
          refundedBeforeMinor: 0.5,
          refundId: 'rf',
          refundMinor: 1,
          conversionBalances: zero,
        }),
      'invalid_amount',
    );
  });
});

describe('dueWork', () => {
  const state = (balances: Partial<Balances>, availableAt: number | null = T, lastSeq = 7) => ({
    balances: { ...zero, ...balances },
    lastSeq,
    availableAt,
  });
  const release = (s: ReturnType<typeof state>, now = T) =>
    dueWork({ action: 'release', conversionId: 'c', dueAt: T, now, state: s });

  it('releases a pending commission whose hold ended, keyed by the seq it was read at', () => {
    expect(release(state({ pending: 1500 }))).toEqual({
      kind: 'release',
      amountMinor: 1500,
      entries: releaseEntries({
        conversionId: 'c',
        conversionBalances: { ...zero, pending: 1500 },
        availableAt: T,
        now: T,
        afterSeq: 7,
      }),
    });
  });

  it('waits when an approval extended the hold past now', () => {
    expect(release(state({ pending: 1500 }, T + DAY_MS))).toEqual({ kind: 'wait', dueAt: T + DAY_MS });
  });

  it('drops a release with nothing pending (refunded, already released, or still on hold)', () => {
    expect(release(state({}))).toEqual({ kind: 'drop' });
    expect(release(state({ available: 1500 }, T + DAY_MS))).toEqual({ kind: 'drop' });
    expect(release(state({ onHold: 1500 }, null))).toEqual({ kind: 'drop' });
  });

  it('expires only what is on hold, and drops an expiry with nothing on hold', () => {
    const expire = (balances: Partial<Balances>) =>
      dueWork({ action: 'expire', conversionId: 'c', dueAt: T, now: T, state: state(balances) });
    expect(expire({ onHold: 900, available: 100 })).toEqual({
      kind: 'expire',
      amountMinor: 900,
      entries: [{ type: 'void', bucket: 'on_hold', amountMinor: -900, reason: 'expire', dedupeKey: 'expire:c:on_hold' }],
    });
    expect(expire({ pending: 900 })).toEqual({ kind: 'drop' });
  });

  it('a release that waits writes nothing; a release moves all that is pending, an expiry voids all that is on hold (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('release' as const, 'expire' as const),
        fc.record({ onHold: fc.integer({ min: -50, max: 5000 }), pending: fc.integer({ min: -50, max: 5000 }) }),
        fc.option(fc.integer({ min: T - DAY_MS, max: T + DAY_MS }), { nil: null }),
        (action, b, availableAt) => {
          const work = dueWork({ action, conversionId: 'c', dueAt: T - DAY_MS, now: T, state: state(b, availableAt) });
          if (work.kind === 'wait') {
            expect(action).toBe('release');
            expect(work.dueAt).toBeGreaterThan(T);
          } else if (work.kind === 'release') {
            expect(balancesOf(work.entries)).toEqual({ ...zero, pending: -b.pending, available: b.pending });
            expect(work.amountMinor).toBe(b.pending);
          } else if (work.kind === 'expire') {
            expect(balancesOf(work.entries)).toEqual({ ...zero, onHold: -b.onHold });
          } else {
            expect(action === 'release' ? b.pending : b.onHold).toBeLessThanOrEqual(0);
          }
        },
      ),
    );
  });
});

describe('balancesForRefund', () => {
  const released = (conversionId: string, releasedMinor: number, reversedMinor = 0, clawedMinor = 0) => ({
    conversionId,
    releasedMinor,
    reversedMinor,
    clawedMinor,
  });
  const own = { ...zero, available: 500 };

  it("pays the referrer's conversions oldest release first", () => {
    const releases = [released('a', 500), released('b', 500)];
    expect(balancesForRefund({ conversionId: 'a', own, releases, referrerPaidMinor: 800 })).toEqual({
      ...zero,
      available: 0,
      paid: 500,
    });
    expect(balancesForRefund({ conversionId: 'b', own, releases, referrerPaidMinor: 800 })).toEqual({
      ...zero,
      available: 200,
      paid: 300,
    });
    expect(balancesForRefund({ conversionId: 'b', own, releases, referrerPaidMinor: 400 })).toEqual({
      ...zero,
      available: 500,
      paid: 0,
    });
  });

  it('skips what refunds reversed before payout, and what was clawed back is no longer paid', () => {
    const releases = [released('a', 500, 500), released('b', 500, 0, 100)];
    expect(balancesForRefund({ conversionId: 'b', own: { ...zero, available: 400 }, releases, referrerPaidMinor: 500 })).toEqual({
      ...zero,
      available: 0,
      paid: 400,
    });
  });

  it('returns a conversion with nothing released as it is, keeping any extra field', () => {
    const withCurrency = { ...own, currency: 'HKD' };
    expect(
      balancesForRefund({ conversionId: 'z', own: withCurrency, releases: [released('a', 500)], referrerPaidMinor: 500 }),
    ).toBe(withCurrency);
  });

  it('never reports more paid than the referrer was paid, nor than the conversion released (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ released: fc.nat(5000), reversed: fc.nat(5000), clawed: fc.nat(5000) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(20000),
        fc.nat(5),
        (rows, paidMinor, index) => {
          const releases = rows.map((r, i) => released(`c${i}`, r.released, r.reversed, r.clawed));
          const target = releases[index % releases.length]!;
          const b = balancesForRefund({ conversionId: target.conversionId, own, releases, referrerPaidMinor: paidMinor });
          expect(b.paid).toBeGreaterThanOrEqual(0);
          expect(b.paid).toBeLessThanOrEqual(Math.min(paidMinor, Math.max(0, target.releasedMinor - target.reversedMinor)));
          expect(b.available + b.paid).toBe(own.available);
        },
      ),
    );
  });
});

describe('LedgerRuleError', () => {
  it('is an Error with a stable code', () => {
    const error = new LedgerRuleError('insufficient_available');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('LedgerRuleError');
    expect(error.code).toBe('insufficient_available');
    expect(error.message).toBe('insufficient_available');
  });
});

describe('a conversion through its life', () => {
  it('commission → release → payout → refund claws back → next payout is netted', () => {
    const book = new Book();
    book.write(
      commissionEntries({
        conversionId: 'c1',
        commissionMinor: 1000,
        onHold: false,
        now: T,
        holdDays: 30,
      }),
    );
    expect(book.balances).toEqual({ ...zero, pending: 1000 });

    book.write(
      releaseEntries({
        conversionId: 'c1',
        conversionBalances: book.balances,
        availableAt: T + 30 * DAY_MS,
        now: T + 29 * DAY_MS,
      }),
    );
    expect(book.balances).toEqual({ ...zero, pending: 1000 });
    book.write(
      releaseEntries({
        conversionId: 'c1',
        conversionBalances: book.balances,
        availableAt: T + 30 * DAY_MS,
        now: T + 30 * DAY_MS,
      }),
    );
    expect(book.balances).toEqual({ ...zero, available: 1000 });

    book.write(payoutEntries({ payoutId: 'po_1', referrerBalances: book.balances, amountMinor: 1000 }));
    expect(book.balances).toEqual({ ...zero, paid: 1000 });

    // The conversion's commission has been paid out: the refund claws it back.
    const { entries } = refundEntries({
      conversionId: 'c1',
      refundId: 'rf_1',
      amountMinor: 10000,
      commissionMinor: 1000,
      refundedBeforeMinor: 0,
      refundMinor: 10000,
      conversionBalances: { ...zero, paid: 1000 },
    });
    book.write(entries);
    expect(book.balances).toEqual({ ...zero, available: -1000, paid: 1000 });

    // A second conversion's commission first pays off the clawback.
    book.write(
      commissionEntries({
        conversionId: 'c2',
        commissionMinor: 1500,
        onHold: false,
        now: T,
        holdDays: 0,
      }),
    );
    book.write(
      releaseEntries({
        conversionId: 'c2',
        conversionBalances: { ...zero, pending: 1500 },
        availableAt: T,
        now: T,
      }),
    );
    expect(book.balances.available).toBe(500);
    expectLedgerError(
      () => payoutEntries({ payoutId: 'po_2', referrerBalances: book.balances, amountMinor: 501 }),
      'insufficient_available',
    );
    book.write(payoutEntries({ payoutId: 'po_2', referrerBalances: book.balances, amountMinor: 500 }));
    expect(book.balances).toEqual({ ...zero, available: 0, paid: 1500 });
    expect(book.total).toBe(1500); // 1000 + 1500 − 1000 clawed back
  });

  it('on hold → approved → released', () => {
    const book = new Book();
    book.write(
      commissionEntries({
        conversionId: 'c1',
        commissionMinor: 700,
        onHold: true,
        holdReason: 'self_referral',
        now: T,
        holdDays: 30,
      }),
    );
    expect(book.balances).toEqual({ ...zero, onHold: 700 });
    const approved = approveHoldEntries({
      conversionId: 'c1',
      conversionBalances: book.balances,
      now: T + DAY_MS,
      holdDays: 30,
    });
    book.write(approved);
    expect(book.balances).toEqual({ ...zero, pending: 700 });
    const availableAt = approved[1]?.availableAt ?? null;
    expect(availableAt).toBe(T + 31 * DAY_MS);
    book.write(
      releaseEntries({
        conversionId: 'c1',
        conversionBalances: book.balances,
        availableAt,
        now: T + 31 * DAY_MS,
      }),
    );
    expect(book.balances).toEqual({ ...zero, available: 700 });
  });
});

describe('refund properties', () => {
  /** Splits `total` into 1..n positive parts. */
  const splits = (total: number) =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: Math.max(1, total - 1) }), {
        maxLength: Math.min(8, total - 1),
      })
      .map((cuts) => {
        const points = [0, ...cuts.filter((c) => c < total).sort((a, b) => a - b), total];
        return points.slice(1).map((p, i) => p - (points[i] as number));
      });

  const stage = fc.constantFrom('on_hold', 'pending', 'available', 'paid', 'mixed');

  it('partial refunds summing to the full amount reverse exactly the commission, from any stage', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 10_000_000 })
          .chain((amount) => fc.tuple(fc.constant(amount), fc.integer({ min: 0, max: amount }), splits(amount), stage)),
        ([amount, commission, parts, where]) => {
          expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
          const book = new Book();
          // Put the commission where the stage says, as the DB would have it.
          if (where === 'on_hold' || where === 'pending') {
            book.write(
              commissionEntries({
                conversionId: 'c',
                commissionMinor: commission,
                onHold: where === 'on_hold',
                now: T,
                holdDays: 30,
              }),
            );
          } else if (where === 'available' || where === 'paid') {
            book.write(
              commissionEntries({
                conversionId: 'c',
                commissionMinor: commission,
                onHold: false,
                now: T,
                holdDays: 0,
              }),
            );
            book.write(
              releaseEntries({
                conversionId: 'c',
                conversionBalances: book.balances,
                availableAt: T,
                now: T,
              }),
            );
            if (where === 'paid' && commission > 0) {
              book.write(
                payoutEntries({
                  payoutId: 'po',
                  referrerBalances: book.balances,
                  amountMinor: commission,
                }),
              );
            }
          } else if (commission > 0) {
            const half = Math.floor(commission / 2);
            book.write([
              { type: 'commission', bucket: 'pending', amountMinor: commission },
              ...(half > 0
                ? ([
                    { type: 'release', bucket: 'pending', amountMinor: -half },
                    { type: 'release', bucket: 'available', amountMinor: half },
                  ] as EntryDraft[])
                : []),
            ]);
          }
          let before = 0;
          let reversed = 0;
          parts.forEach((refund, i) => {
            // What the conversion still holds, with paid-out money not counted as available.
            const b = book.balances;
            const conversionBalances: Balances = { ...b, available: Math.max(0, b.available) };
            const result = refundEntries({
              conversionId: 'c',
              refundId: `rf_${i}`,
              amountMinor: amount,
              commissionMinor: commission,
              refundedBeforeMinor: before,
              refundMinor: refund,
              conversionBalances,
            });
            expect(result.reversedMinor).toBeGreaterThanOrEqual(0);
            const moved = balancesOf(result.entries);
            expect(moved.paid).toBe(0);
            expect(moved.onHold + moved.pending + moved.available + result.reversedMinor).toBe(0);
            for (const e of result.entries) expect(e.amountMinor).toBeLessThan(0);
            book.write(result.entries);
            before += refund;
            reversed += result.reversedMinor;
            // cumulative and exact at every step
            expect(reversed).toBe(cumulativeReversalMinor(commission, before, amount));
          });
          expect(reversed).toBe(commission);
          const b = book.balances;
          expect(b.onHold).toBe(0);
          expect(b.pending).toBe(0);
          expect(b.available + b.paid).toBe(0); // paid-out money clawed back as negative available
          expect(book.total).toBe(0);
          // Any further refund is refused.
          expectLedgerError(
            () =>
              refundEntries({
                conversionId: 'c',
                refundId: 'rf_more',
                amountMinor: amount,
                commissionMinor: commission,
                refundedBeforeMinor: before,
                refundMinor: 1,
                conversionBalances: b,
              }),
            'refund_exceeds_amount',
          );
        },
      ),
    );
  });

  it('each step reverses within 1 of its proportional share', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 1_000_000_000 })
          .chain((amount) =>
            fc
              .tuple(fc.constant(amount), fc.integer({ min: 0, max: amount }), fc.integer({ min: 0, max: amount - 1 }))
              .chain(([a, c, before]) =>
                fc.tuple(fc.constant(a), fc.constant(c), fc.constant(before), fc.integer({ min: 1, max: a - before })),
              ),
          ),
        ([amount, commission, before, refund]) => {
          const { reversedMinor } = refundEntries({
            conversionId: 'c',
            refundId: 'rf',
            amountMinor: amount,
            commissionMinor: commission,
            refundedBeforeMinor: before,
            refundMinor: refund,
            conversionBalances: { ...zero, pending: commission },
          });
          const exact = (commission * refund) / amount;
          expect(Math.abs(reversedMinor - exact)).toBeLessThanOrEqual(1 + 1e-9);
        },
      ),
    );
  });
});
