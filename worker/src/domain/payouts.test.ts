import { describe, expect, it } from 'vitest';
import type { Balances } from './ledger.js';
import { LedgerRuleError, balancesOf } from './ledger.js';
import { payoutEntries } from './payouts.js';

const zero: Balances = { onHold: 0, pending: 0, available: 0, paid: 0 };

/** The code of the LedgerRuleError that `pay` throws, or null when it pays. */
function refusal(pay: () => unknown): LedgerRuleError['code'] | null {
  try {
    pay();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerRuleError);
    return (error as LedgerRuleError).code;
  }
}

const pay = (amountMinor: number, balances: Partial<Balances>) =>
  payoutEntries({ payoutId: 'po', referrerBalances: { ...zero, ...balances }, amountMinor });

describe('payoutEntries', () => {
  it('moves available to paid', () => {
    const entries = payoutEntries({ payoutId: 'po_1', referrerBalances: { ...zero, available: 5000 }, amountMinor: 3000 });
    expect(entries).toEqual([
      { type: 'payout', bucket: 'available', amountMinor: -3000, reason: 'payout', dedupeKey: 'payout:po_1:available' },
      { type: 'payout', bucket: 'paid', amountMinor: 3000, reason: 'payout', dedupeKey: 'payout:po_1:paid' },
    ]);
  });

  it('may pay out everything available', () => {
    const entries = payoutEntries({
      payoutId: 'po_1',
      referrerBalances: { ...zero, available: 5000 },
      amountMinor: 5000,
    });
    expect(balancesOf(entries)).toEqual({ ...zero, available: -5000, paid: 5000 });
  });

  it('refuses more than available, and pending money is not available', () => {
    expect(refusal(() => pay(5001, { available: 5000, pending: 9000 }))).toBe('insufficient_available');
  });

  it('nets a clawback: a negative available balance pays nothing', () => {
    expect(refusal(() => pay(1, { available: -100 }))).toBe('insufficient_available');
  });

  it('refuses zero and negative amounts', () => {
    for (const amountMinor of [0, -1]) {
      expect(refusal(() => pay(amountMinor, { available: 5000 }))).toBe('insufficient_available');
    }
  });

  it('refuses non-integer amounts', () => {
    expect(refusal(() => pay(1.5, { available: 5000 }))).toBe('invalid_amount');
  });
});
