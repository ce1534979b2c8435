import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OrderItem, Program, ProductRule } from './commission.js';
import { computeCommission, earnPerUnit, friendDiscountMinor } from './commission.js';
import { applyBps } from './money.js';

const percent = (rateBps: number, capMinor: number | null = null): Program => ({
  kind: 'percent',
  rateBps,
  flatMinor: 0,
  capMinor,
  holdDays: 30,
  windowDays: 30,
  model: 'last_click',
  friendRewardKind: 'none',
  friendRewardValue: 0,
});

const flat = (flatMinor: number, capMinor: number | null = null): Program => ({
  ...percent(0, capMinor),
  kind: 'flat',
  flatMinor,
});

const noRules: ReadonlyMap<string, ProductRule> = new Map();
const rulesOf = (...rules: ProductRule[]): ReadonlyMap<string, ProductRule> => new Map(rules.map((r) => [r.sku, r]));
const item = (sku: string, quantity: number, unitPriceMinor: number): OrderItem => ({
  sku,
  quantity,
  unitPriceMinor,
});

describe('computeCommission without items', () => {
  it('pays the percent rate on the whole amount, one line', () => {
    const result = computeCommission({
      amountMinor: 15000,
      items: [],
      program: percent(1000),
      rules: noRules,
    });
    expect(result).toEqual({
      commissionMinor: 1500,
      uncappedMinor: 1500,
      capped: false,
      baseMinor: 15000,
      lines: [
        {
          sku: null,
          baseMinor: 15000,
          rule: 'percent',
          source: 'program',
          rateBps: 1000,
          flatMinor: null,
          commissionMinor: 1500,
        },
      ],
    });
  });

  it.each([
    [1005, 100], // 100.5 → 100 (even)
    [1015, 102], // 101.5 → 102 (even)
    [1025, 102],
    [1035, 104],
    [1004, 100],
    [1006, 101],
    [5, 0], // 0.5 → 0
    [15, 2], // 1.5 → 2
  ])('rounds half-even: %i at 10%% earns %i', (amountMinor, earned) => {
    expect(computeCommission({ amountMinor, items: [], program: percent(1000), rules: noRules }).commissionMinor).toBe(earned);
  });

  it('pays a flat program once per order', () => {
    const result = computeCommission({
      amountMinor: 15000,
      items: [],
      program: flat(2000),
      rules: noRules,
    });
    expect(result.commissionMinor).toBe(2000);
    expect(result.lines).toEqual([
      {
        sku: null,
        baseMinor: 15000,
        rule: 'flat',
        source: 'program',
        rateBps: null,
        flatMinor: 2000,
        commissionMinor: 2000,
      },
    ]);
  });

  it('never pays more than the order amount, even on a flat program', () => {
    const result = computeCommission({
      amountMinor: 500,
      items: [],
      program: flat(2000),
      rules: noRules,
    });
    expect(result).toMatchObject({ commissionMinor: 500, uncappedMinor: 2000, capped: true });
  });

  it('pays nothing on a zero amount', () => {
    for (const program of [percent(1000), flat(2000), percent(10000, 0)]) {
      const result = computeCommission({ amountMinor: 0, items: [], program, rules: noRules });
      expect(result.commissionMinor).toBe(0);
      expect(result.baseMinor).toBe(0);
    }
  });

  it('pays nothing at a zero rate', () => {
    const result = computeCommission({
      amountMinor: 99999,
      items: [],
      program: percent(0),
      rules: noRules,
    });
    expect(result).toMatchObject({ commissionMinor: 0, uncappedMinor: 0, capped: false });
  });
});

describe('computeCommission in each currency exponent', () => {
  it('HKD (2): HK$150.00 at 7.5% is HK$11.25', () => {
    expect(computeCommission({ amountMinor: 15000, items: [], program: percent(750), rules: noRules }).commissionMinor).toBe(
      1125,
    );
  });

  it('JPY (0): ¥1,999 at 5% is ¥100 (99.95 → 100)', () => {
    expect(computeCommission({ amountMinor: 1999, items: [], program: percent(500), rules: noRules }).commissionMinor).toBe(100);
  });

  it('JPY (0): ¥10 at 5% is ¥0 (0.5 → 0) and ¥30 at 5% is ¥2 (1.5 → 2)', () => {
    const earn = (amountMinor: number): number =>
      computeCommission({ amountMinor, items: [], program: percent(500), rules: noRules }).commissionMinor;
    expect(earn(10)).toBe(0);
    expect(earn(30)).toBe(2);
  });

  it('KWD (3): KWD 12.345 at 10% is KWD 1.234 (1.2345 → 1.234)', () => {
    expect(computeCommission({ amountMinor: 12345, items: [], program: percent(1000), rules: noRules }).commissionMinor).toBe(
      1234,
    );
  });

  it('KWD (3): KWD 12.355 at 10% is KWD 1.236 (1.2355 → 1.236)', () => {
    expect(computeCommission({ amountMinor: 12355, items: [], program: percent(1000), rules: noRules }).commissionMinor).toBe(
      1236,
    );
  });
});

describe('computeCommission cap', () => {
  it('caps at capMinor and says so', () => {
    const result = computeCommission({
      amountMinor: 100000,
      items: [],
      program: percent(1000, 5000),
      rules: noRules,
    });
    expect(result).toMatchObject({ commissionMinor: 5000, uncappedMinor: 10000, capped: true });
    expect(result.lines[0]?.commissionMinor).toBe(10000);
  });

  it('is not capped when under or exactly at the cap', () => {
    for (const [amountMinor, expected] of [
      [40000, 4000],
      [50000, 5000],
    ] as const) {
      const result = computeCommission({
        amountMinor,
        items: [],
        program: percent(1000, 5000),
        rules: noRules,
      });
      expect(result).toMatchObject({ commissionMinor: expected, capped: false });
    }
  });

  it('a zero cap pays nothing', () => {
    const result = computeCommission({
      amountMinor: 100000,
      items: [],
      program: percent(1000, 0),
      rules: noRules,
    });
    expect(result).toMatchObject({ commissionMinor: 0, uncappedMinor: 10000, capped: true });
  });

  it('caps the sum of item lines, not each line', () => {
    const result = computeCommission({
      amountMinor: 30000,
      items: [item('a', 1, 10000), item('b', 2, 10000)],
      program: percent(1000, 2500),
      rules: noRules,
    });
    expect(result.lines.map((l) => l.commissionMinor)).toEqual([1000, 2000]);
    expect(result).toMatchObject({ commissionMinor: 2500, uncappedMinor: 3000, capped: true });
  });
});

describe('computeCommission with items', () => {
  it('pays the program rate per item when items sum to the amount', () => {
    const result = computeCommission({
      amountMinor: 25000,
      items: [item('tea', 2, 5000), item('pot', 1, 15000)],
      program: percent(1000),
      rules: noRules,
    });
    expect(result.lines).toEqual([
      {
        sku: 'tea',
        baseMinor: 10000,
        rule: 'percent',
        source: 'program',
        rateBps: 1000,
        flatMinor: null,
        commissionMinor: 1000,
      },
      {
        sku: 'pot',
        baseMinor: 15000,
        rule: 'percent',
        source: 'program',
        rateBps: 1000,
        flatMinor: null,
        commissionMinor: 1500,
      },
    ]);
    expect(result).toMatchObject({ commissionMinor: 2500, baseMinor: 25000, capped: false });
  });

  it('rounds each line on its own (half-even per line, not on the sum)', () => {
    // 1005 and 1015 at 10%: lines 100 + 102 = 202; rounding the sum 2020 × 10% would also be
    // 202, so use 1005 twice: per line 100 + 100 = 200, on the sum it would be 201.
    const result = computeCommission({
      amountMinor: 2010,
      items: [item('a', 1, 1005), item('b', 1, 1005)],
      program: percent(1000),
      rules: noRules,
    });
    expect(result.lines.map((l) => l.commissionMinor)).toEqual([100, 100]);
    expect(result.commissionMinor).toBe(200);
  });

  it('pays nothing on shipping or tax above the item sum', () => {
    const result = computeCommission({
      amountMinor: 12000, // 10000 of goods + 2000 shipping
      items: [item('tea', 1, 10000)],
      program: percent(1000),
      rules: noRules,
    });
    expect(result).toMatchObject({ commissionMinor: 1000, baseMinor: 10000 });
  });

  it('scales item bases down to the amount on an order-level discount', () => {
    const result = computeCommission({
      amountMinor: 8000, // 20% off 10000
      items: [item('tea', 1, 7000), item('pot', 1, 3000)],
      program: percent(1000),
      rules: noRules,
    });
    expect(result.lines.map((l) => l.baseMinor)).toEqual([5600, 2400]);
    expect(result.lines.map((l) => l.commissionMinor)).toEqual([560, 240]);
    expect(result).toMatchObject({ commissionMinor: 800, baseMinor: 8000 });
  });

  it('scales with largest remainders so bases sum exactly to the amount', () => {
    const result = computeCommission({
      amountMinor: 100,
      items: [item('a', 1, 100), item('b', 1, 100), item('c', 1, 100)],
      program: percent(10000),
      rules: noRules,
    });
    expect(result.lines.map((l) => l.baseMinor)).toEqual([34, 33, 33]);
    expect(result.commissionMinor).toBe(100);
  });

  it('a 100% discount (amount 0) pays nothing', () => {
    const result = computeCommission({
      amountMinor: 0,
      items: [item('a', 3, 1000)],
      program: percent(1000),
      rules: rulesOf({ sku: 'a', overrideKind: 'flat', overrideValue: 50 }),
    });
    expect(result.lines[0]).toMatchObject({ baseMinor: 0, commissionMinor: 150 });
    expect(result).toMatchObject({ commissionMinor: 0, capped: true, baseMinor: 0 });
  });

  it('uses a percent product override instead of the program rate', () => {
    const result = computeCommission({
      amountMinor: 20000,
      items: [item('tea', 1, 10000), item('pot', 1, 10000)],
      program: percent(1000),
      rules: rulesOf({ sku: 'pot', overrideKind: 'percent', overrideValue: 2500 }),
    });
    expect(result.lines).toEqual([
      {
        sku: 'tea',
        baseMinor: 10000,
        rule: 'percent',
        source: 'program',
        rateBps: 1000,
        flatMinor: null,
        commissionMinor: 1000,
      },
      {
        sku: 'pot',
        baseMinor: 10000,
        rule: 'percent',
        source: 'product_override',
        rateBps: 2500,
        flatMinor: null,
        commissionMinor: 2500,
      },
    ]);
    expect(result.commissionMinor).toBe(3500);
  });

  it('pays a flat product override per unit', () => {
    const result = computeCommission({
      amountMinor: 30000,
      items: [item('tea', 3, 10000)],
      program: percent(1000),
      rules: rulesOf({ sku: 'tea', overrideKind: 'flat', overrideValue: 700 }),
    });
    expect(result.lines).toEqual([
      {
        sku: 'tea',
        baseMinor: 30000,
        rule: 'flat',
        source: 'product_override',
        rateBps: null,
        flatMinor: 700,
        commissionMinor: 2100,
      },
    ]);
    expect(result.commissionMinor).toBe(2100);
  });

  it('a flat override is not scaled by an order discount (it is per unit), but the cap still holds', () => {
    const result = computeCommission({
      amountMinor: 5000,
      items: [item('tea', 2, 5000)],
      program: percent(1000, 1000),
      rules: rulesOf({ sku: 'tea', overrideKind: 'flat', overrideValue: 700 }),
    });
    expect(result.lines[0]).toMatchObject({ baseMinor: 5000, commissionMinor: 1400 });
    expect(result).toMatchObject({ commissionMinor: 1000, capped: true });
  });

  it('ignores an override without a kind or without a value', () => {
    const result = computeCommission({
      amountMinor: 20000,
      items: [item('a', 1, 10000), item('b', 1, 10000)],
      program: percent(1000),
      rules: rulesOf(
        { sku: 'a', overrideKind: null, overrideValue: 5000 },
        { sku: 'b', overrideKind: 'percent', overrideValue: null },
      ),
    });
    expect(result.lines.map((l) => l.source)).toEqual(['program', 'program']);
    expect(result.commissionMinor).toBe(2000);
  });

  it('a zero override pays nothing for that product', () => {
    const result = computeCommission({
      amountMinor: 20000,
      items: [item('a', 1, 10000), item('b', 1, 10000)],
      program: percent(1000),
      rules: rulesOf({ sku: 'a', overrideKind: 'percent', overrideValue: 0 }),
    });
    expect(result.lines.map((l) => l.commissionMinor)).toEqual([0, 1000]);
  });

  it('pays a flat program once per order on a single sku-less line', () => {
    const result = computeCommission({
      amountMinor: 30000,
      items: [item('tea', 2, 5000), item('pot', 1, 20000)],
      program: flat(1500),
      rules: noRules,
    });
    expect(result.lines).toEqual([
      {
        sku: null,
        baseMinor: 30000,
        rule: 'flat',
        source: 'program',
        rateBps: null,
        flatMinor: 1500,
        commissionMinor: 1500,
      },
    ]);
    expect(result.commissionMinor).toBe(1500);
  });

  it('a flat program plus overrides: overrides per item, the flat line once for the rest', () => {
    const result = computeCommission({
      amountMinor: 30000,
      items: [item('tea', 2, 5000), item('pot', 1, 20000)],
      program: flat(1500),
      rules: rulesOf({ sku: 'pot', overrideKind: 'percent', overrideValue: 1000 }),
    });
    expect(result.lines).toEqual([
      {
        sku: 'pot',
        baseMinor: 20000,
        rule: 'percent',
        source: 'product_override',
        rateBps: 1000,
        flatMinor: null,
        commissionMinor: 2000,
      },
      {
        sku: null,
        baseMinor: 10000,
        rule: 'flat',
        source: 'program',
        rateBps: null,
        flatMinor: 1500,
        commissionMinor: 1500,
      },
    ]);
    expect(result.commissionMinor).toBe(3500);
  });

  it('a flat program pays no flat line when every item has an override', () => {
    const result = computeCommission({
      amountMinor: 10000,
      items: [item('tea', 2, 5000)],
      program: flat(1500),
      rules: rulesOf({ sku: 'tea', overrideKind: 'flat', overrideValue: 100 }),
    });
    expect(result.lines).toHaveLength(1);
    expect(result.commissionMinor).toBe(200);
  });

  it('handles JPY and KWD items with a discount', () => {
    const jpy = computeCommission({
      amountMinor: 2999, // ¥3,000 of goods, ¥1 off
      items: [item('a', 1, 1000), item('b', 1, 2000)],
      program: percent(500),
      rules: noRules,
    });
    // bases 999.67 / 1999.33 → 1000 / 1999; 50 / 99.95 → 50 / 100
    expect(jpy.lines.map((l) => [l.baseMinor, l.commissionMinor])).toEqual([
      [1000, 50],
      [1999, 100],
    ]);
    const kwd = computeCommission({
      amountMinor: 9999,
      items: [item('a', 1, 5000), item('b', 1, 5001)],
      program: percent(1000),
      rules: noRules,
    });
    expect(kwd.lines.map((l) => l.baseMinor).reduce((a, b) => a + b)).toBe(9999);
    expect(kwd.commissionMinor).toBe(kwd.lines.reduce((a, l) => a + l.commissionMinor, 0));
  });

  it('refuses invalid money and quantities', () => {
    const run =
      (amountMinor: number, items: OrderItem[], program = percent(1000)) =>
      () =>
        computeCommission({ amountMinor, items, program, rules: noRules });
    expect(run(-1, [])).toThrow(RangeError);
    expect(run(10.5, [])).toThrow(RangeError);
    expect(run(Number.NaN, [])).toThrow(RangeError);
    expect(run(100, [item('a', 0, 100)])).toThrow(RangeError);
    expect(run(100, [item('a', 1.5, 100)])).toThrow(RangeError);
    expect(run(100, [item('a', -1, 100)])).toThrow(RangeError);
    expect(run(100, [item('a', 1, -100)])).toThrow(RangeError);
    expect(run(100, [item('a', 1, 1.5)])).toThrow(RangeError);
    expect(run(100, [item('a', 2 ** 30, 2 ** 30)])).toThrow(RangeError);
    expect(run(100, [], percent(-1))).toThrow(RangeError);
    expect(run(100, [], percent(1000, -1))).toThrow(RangeError);
    expect(run(100, [], flat(1.5))).toThrow(RangeError);
    expect(() =>
      computeCommission({
        amountMinor: 100,
        items: [item('a', 1, 100)],
        program: percent(1000),
        rules: rulesOf({ sku: 'a', overrideKind: 'percent', overrideValue: -5 }),
      }),
    ).toThrow(RangeError);
  });
});

describe('computeCommission properties', () => {
  const items = fc.array(
    fc.record({
      sku: fc.constantFrom('a', 'b', 'c', 'd'),
      quantity: fc.integer({ min: 1, max: 20 }),
      unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }),
    }),
    { maxLength: 6 },
  );
  const rule = (sku: string) =>
    fc.oneof(
      fc.constant(undefined),
      fc.record({
        sku: fc.constant(sku),
        overrideKind: fc.constantFrom('percent', 'flat', null),
        overrideValue: fc.option(fc.integer({ min: 0, max: 10000 }), { nil: null }),
      }),
    );
  const rules = fc
    .tuple(rule('a'), rule('b'), rule('c'), rule('d'))
    .map((rs) => new Map(rs.filter((r) => r !== undefined).map((r) => [r.sku, r] as const)));
  const program = fc.record({
    kind: fc.constantFrom('percent' as const, 'flat' as const),
    rateBps: fc.integer({ min: 0, max: 10000 }),
    flatMinor: fc.integer({ min: 0, max: 100_000 }),
    capMinor: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
    holdDays: fc.constant(30),
    windowDays: fc.constant(30),
    model: fc.constant('last_click' as const),
    friendRewardKind: fc.constant('none' as const),
    friendRewardValue: fc.constant(0),
  });

  it('never pays more than the cap, the amount or the lines; never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), items, program, rules, (a, it, p, r) => {
        const result = computeCommission({ amountMinor: a, items: it, program: p, rules: r });
        const sum = result.lines.reduce((s, l) => s + l.commissionMinor, 0);
        expect(result.uncappedMinor).toBe(sum);
        expect(result.commissionMinor).toBe(Math.min(sum, p.capMinor ?? Infinity, a));
        expect(result.capped).toBe(result.commissionMinor < sum);
        expect(result.commissionMinor).toBeGreaterThanOrEqual(0);
        expect(result.baseMinor).toBeLessThanOrEqual(a);
        expect(result.lines.reduce((s, l) => s + l.baseMinor, 0)).toBe(result.baseMinor);
        for (const line of result.lines) {
          if (line.rule === 'percent') {
            expect(line.commissionMinor).toBe(applyBps(line.baseMinor, line.rateBps as number));
          }
        }
        // deterministic
        expect(computeCommission({ amountMinor: a, items: it, program: p, rules: r })).toEqual(result);
      }),
    );
  });

  it('scaled bases sum to min(amount, list total) and stay within 1 of the exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), items, (a, it) => {
        fc.pre(it.length > 0);
        const result = computeCommission({
          amountMinor: a,
          items: it,
          program: percent(1000),
          rules: noRules,
        });
        const list = it.map((i) => i.quantity * i.unitPriceMinor);
        const listTotal = list.reduce((s, b) => s + b, 0);
        expect(result.baseMinor).toBe(Math.min(a, listTotal));
        result.lines.forEach((line, i) => {
          const exact = listTotal > a ? ((list[i] as number) * a) / listTotal : (list[i] as number);
          expect(Math.abs(line.baseMinor - exact)).toBeLessThan(1 + 1e-6);
        });
      }),
    );
  });
});

describe('earnPerUnit', () => {
  it('is the program rate on one unit at list price', () => {
    expect(earnPerUnit(15000, percent(1000))).toBe(1500);
    expect(earnPerUnit(1005, percent(1000))).toBe(100);
    expect(earnPerUnit(1015, percent(1000))).toBe(102);
  });

  it('is capped', () => {
    expect(earnPerUnit(100000, percent(1000, 5000))).toBe(5000);
  });

  it('uses the product override', () => {
    expect(
      earnPerUnit(15000, percent(1000), {
        sku: 'tea',
        overrideKind: 'percent',
        overrideValue: 2000,
      }),
    ).toBe(3000);
    expect(earnPerUnit(15000, percent(1000), { sku: 'tea', overrideKind: 'flat', overrideValue: 2000 })).toBe(2000);
    expect(earnPerUnit(15000, percent(1000), { sku: 'tea', overrideKind: null, overrideValue: null })).toBe(1500);
  });

  it('shows a flat program per order, never more than the price', () => {
    expect(earnPerUnit(15000, flat(2000))).toBe(2000);
    expect(earnPerUnit(1500, flat(2000))).toBe(1500);
    expect(earnPerUnit(0, flat(2000))).toBe(0);
  });

  it('matches computeCommission for a one-unit order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10000 }), (price, bps) => {
        expect(earnPerUnit(price, percent(bps))).toBe(
          computeCommission({
            amountMinor: price,
            items: [],
            program: percent(bps),
            rules: noRules,
          }).commissionMinor,
        );
      }),
    );
  });
});

describe('friendDiscountMinor', () => {
  const withReward = (friendRewardKind: Program['friendRewardKind'], friendRewardValue: number) => ({
    ...percent(1000),
    friendRewardKind,
    friendRewardValue,
  });

  it('percent applies basis points, half-even', () => {
    expect(friendDiscountMinor(10000, withReward('percent', 500))).toBe(500);
    expect(friendDiscountMinor(1005, withReward('percent', 1000))).toBe(100);
    expect(friendDiscountMinor(1015, withReward('percent', 1000))).toBe(102);
  });

  it('flat is the value, at most the amount', () => {
    expect(friendDiscountMinor(10000, withReward('flat', 500))).toBe(500);
    expect(friendDiscountMinor(300, withReward('flat', 500))).toBe(300);
    expect(friendDiscountMinor(0, withReward('flat', 500))).toBe(0);
  });

  it('none is zero', () => {
    expect(friendDiscountMinor(10000, withReward('none', 500))).toBe(0);
  });

  it('never exceeds the amount, even above 100%', () => {
    expect(friendDiscountMinor(10000, withReward('percent', 20000))).toBe(10000);
  });

  it('refuses invalid amounts', () => {
    expect(() => friendDiscountMinor(-1, withReward('flat', 5))).toThrow(RangeError);
    expect(() => friendDiscountMinor(1.5, withReward('none', 0))).toThrow(RangeError);
  });
});
