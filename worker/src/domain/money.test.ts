import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CURRENCY_EXPONENTS,
  allocate,
  applyBps,
  currencyExponent,
  formatMinor,
  isCurrency,
  isMinorAmount,
  minorToDecimalString,
  roundHalfEvenDiv,
} from './money.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('currency table', () => {
  // prettier-ignore
  it.each([
    ['HKD', 2], ['JPY', 0], ['KWD', 3], ['BHD', 3], ['CLP', 0], ['TWD', 2], ['CNY', 2],
    ['USD', 2], ['EUR', 2], ['VND', 0], ['KRW', 0], ['ISK', 0], ['JOD', 3], ['OMR', 3],
    ['TND', 3], ['LYD', 3], ['IQD', 3], ['UYI', 0], ['CLF', 4], ['UYW', 4], ['XCG', 2],
    ['ZWG', 2], ['SLE', 2], ['VED', 2], ['XAF', 0], ['XOF', 0], ['XPF', 0], ['UGX', 0],
    ['PYG', 0], ['RWF', 0], ['KMF', 0], ['GNF', 0], ['DJF', 0], ['BIF', 0], ['VUV', 0],
  ])('%s has exponent %i', (code, exponent) => {
    expect(isCurrency(code)).toBe(true);
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('holds the active list: about 170 codes, every exponent 0, 2, 3 or 4', () => {
    const codes = Object.keys(CURRENCY_EXPONENTS);
    expect(codes.length).toBeGreaterThanOrEqual(165);
    expect(codes.length).toBeLessThanOrEqual(175);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(CURRENCY_EXPONENTS[code]);
    }
  });

  it.each(['XAU', 'XAG', 'XPD', 'XPT', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX', 'XBA', 'XBD'])(
    'excludes %s, which has no minor unit',
    (code) => {
      expect(isCurrency(code)).toBe(false);
      expect(() => currencyExponent(code)).toThrow(RangeError);
    },
  );

  it.each(['ANG', 'BGN', 'CUC', 'HRK', 'SLL', 'ZWL', 'VEF', 'MRO', 'STD'])('excludes the withdrawn code %s', (code) =>
    expect(isCurrency(code)).toBe(false),
  );

  it.each(['hkd', 'Hkd', 'HK', 'HKDD', ' HKD', 'HKD ', '', 'H1D', 'toString', '__proto__', 'constructor'])(
    'rejects %j',
    (code) => {
      expect(isCurrency(code)).toBe(false);
      expect(() => currencyExponent(code)).toThrow(RangeError);
    },
  );

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(CURRENCY_EXPONENTS)).toBe(true);
  });

  it('agrees with Intl on the exponent of every code Intl knows', () => {
    // CLDR (and so Intl) shows these without decimals because their minor unit is not used in
    // cash; ISO-4217 List One is the authority for minor units here, so they keep ISO's value.
    // (RSD: workerd's newer ICU/CLDR shows it without decimals; Node 20's does not.)
    // prettier-ignore
    const cldrCashDigits = new Set(['AFN', 'ALL', 'COP', 'HUF', 'IDR', 'IQD', 'IRR', 'KPW', 'LAK', 'LBP', 'MGA', 'MMK', 'PKR', 'RSD', 'SOS', 'SYP', 'YER']);
    for (const [code, exponent] of Object.entries(CURRENCY_EXPONENTS)) {
      if (cldrCashDigits.has(code)) continue;
      const digits = new Intl.NumberFormat('en', {
        style: 'currency',
        currency: code,
      }).resolvedOptions().maximumFractionDigits;
      expect({ code, exponent }).toEqual({ code, exponent: digits });
    }
  });
});

describe('isMinorAmount', () => {
  it.each([0, 1, 1500, MAX])('accepts %p', (x) => expect(isMinorAmount(x)).toBe(true));
  it.each([-1, 1.5, 0.1, MAX + 1, NaN, Infinity, -Infinity, '1500', null, undefined, 10n, {}, [1]])('rejects %p', (x) =>
    expect(isMinorAmount(x)).toBe(false),
  );
  it('accepts -0 as zero', () => expect(isMinorAmount(-0)).toBe(true));
});

describe('roundHalfEvenDiv', () => {
  it.each([
    [1005n, 10n, 100n],
    [1015n, 10n, 102n],
    [1025n, 10n, 102n],
    [1035n, 10n, 104n],
    [1004n, 10n, 100n],
    [1006n, 10n, 101n],
    [5n, 10n, 0n],
    [15n, 10n, 2n],
    [25n, 10n, 2n],
    [-5n, 10n, 0n],
    [-15n, 10n, -2n],
    [-25n, 10n, -2n],
    [-26n, 10n, -3n],
    [25n, -10n, -2n],
    [-25n, -10n, 2n],
    [0n, 7n, 0n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [7n, 1n, 7n],
  ])('%s / %s = %s', (n, d, q) => expect(roundHalfEvenDiv(n, d)).toBe(q));

  it('refuses division by zero', () => {
    expect(() => roundHalfEvenDiv(1n, 0n)).toThrow(RangeError);
  });

  it('is the nearest integer, ties to even (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt(),
        fc.bigInt().filter((d) => d !== 0n),
        (n, d) => {
          const q = roundHalfEvenDiv(n, d);
          // |n - q·d| ≤ |d| / 2, i.e. 2|n - q·d| ≤ |d|
          const err = n - q * d;
          const twice = 2n * (err < 0n ? -err : err);
          const ad = d < 0n ? -d : d;
          expect(twice <= ad).toBe(true);
          if (twice === ad) expect(q % 2n).toBe(0n);
          expect(roundHalfEvenDiv(-n, d)).toBe(-q);
        },
      ),
    );
  });
});

describe('applyBps', () => {
  it.each([
    [1005, 1000, 100], // 100.5 → 100
    [1015, 1000, 102], // 101.5 → 102
    [1025, 1000, 102],
    [15000, 750, 1125],
    [1, 5000, 0], // 0.5 → 0
    [3, 5000, 2], // 1.5 → 2
    [0, 1000, 0],
    [12345, 0, 0],
    [12345, 10000, 12345],
    [99, 1, 0],
    [5000, 1, 0], // 0.5 → 0
    [15000, 1, 2], // 1.5 → 2
  ])('%i × %i bps = %i', (amount, bps, result) => expect(applyBps(amount, bps)).toBe(result));

  it('is exact at 2^53 − 1', () => {
    expect(applyBps(MAX, 10000)).toBe(MAX);
    expect(applyBps(MAX, 5000)).toBe(4503599627370496); // 4503599627370495.5 → even
    expect(applyBps(MAX, 1)).toBe(900719925474); // 900719925474.0991
    expect(applyBps(MAX, 9999)).toBe(9006298534815517); // …517.0009
  });

  it('refuses invalid input and unsafe results', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, MAX + 1]) {
      expect(() => applyBps(bad, 100)).toThrow(RangeError);
      expect(() => applyBps(100, bad)).toThrow(RangeError);
    }
    expect(() => applyBps(MAX, 10001)).toThrow(RangeError);
    expect(applyBps(100, 20000)).toBe(200);
  });

  it('matches an exact rational reference (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 10000 }), (a, bps) => {
        const r = applyBps(a, bps);
        expect(Number.isSafeInteger(r)).toBe(true);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(a);
        const exact = BigInt(a) * BigInt(bps);
        const err = exact - BigInt(r) * 10000n;
        expect(err >= -5000n && err <= 5000n).toBe(true);
        if (err === 5000n || err === -5000n) expect(r % 2).toBe(0);
      }),
    );
  });

  it('is monotone in the amount and in the rate (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 0, max: 10000 }),
        (a, more, bps) => {
          expect(applyBps(a + more, bps)).toBeGreaterThanOrEqual(applyBps(a, bps));
          if (bps < 10000) expect(applyBps(a, bps + 1)).toBeGreaterThanOrEqual(applyBps(a, bps));
        },
      ),
    );
  });
});

describe('allocate', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [1000, [700, 300], [700, 300]],
    [10, [1, 2, 3, 4], [1, 2, 3, 4]],
    [1, [1, 1], [1, 0]],
    [2, [1, 1, 1], [1, 1, 0]],
    [5, [0, 0], [3, 2]],
    [7, [0, 0, 0], [3, 2, 2]],
    [0, [0, 0], [0, 0]],
    [0, [3, 5], [0, 0]],
    [0, [], []],
    [9, [5], [9]],
    [9, [0, 5, 0], [0, 9, 0]],
    [100, [1, 0, 1], [50, 0, 50]],
    [101, [1, 0, 1], [51, 0, 50]],
    [10, [3, 3, 4], [3, 3, 4]],
    [10, [1, 1, 1], [4, 3, 3]],
    [8, [1, 2, 2], [2, 3, 3]], // shares 1.6, 3.2, 3.2: the largest remainder (.6) gets the unit
  ])('allocate(%i, %j) = %j', (total, weights, parts) => {
    expect(allocate(total, weights)).toEqual(parts);
  });

  it('gives lower indexes the unit on a tie of remainders', () => {
    expect(allocate(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(allocate(2, [2, 1, 1])).toEqual([1, 1, 0]);
  });

  it('is exact near 2^53', () => {
    expect(allocate(MAX, [1, 1])).toEqual([4503599627370496, 4503599627370495]);
    expect(allocate(MAX, [MAX, MAX, 1])).toEqual([4503599627370495, 4503599627370495, 1]);
  });

  it('refuses invalid input', () => {
    expect(() => allocate(1, [])).toThrow(RangeError);
    expect(() => allocate(-1, [1])).toThrow(RangeError);
    expect(() => allocate(1.5, [1])).toThrow(RangeError);
    expect(() => allocate(10, [1, -1])).toThrow(RangeError);
    expect(() => allocate(10, [1, 0.5])).toThrow(RangeError);
    expect(() => allocate(10, [NaN])).toThrow(RangeError);
  });

  const totals = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: MAX }));
  const weightLists = fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: MAX })), {
    minLength: 1,
    maxLength: 12,
  });

  it('parts sum to the total, each within 1 of its exact share, deterministically (property)', () => {
    fc.assert(
      fc.property(totals, weightLists, (total, weights) => {
        const parts = allocate(total, weights);
        expect(parts).toHaveLength(weights.length);
        expect(allocate(total, [...weights])).toEqual(parts);
        expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
        const sum = weights.reduce((a, b) => a + BigInt(b), 0n);
        parts.forEach((part, i) => {
          expect(Number.isSafeInteger(part) && part >= 0).toBe(true);
          // |part − total·w/sum| < 1  ⇔  |part·sum − total·w| < sum
          const w = sum === 0n ? 1n : BigInt(weights[i] as number);
          const s = sum === 0n ? BigInt(weights.length) : sum;
          const diff = BigInt(part) * s - BigInt(total) * w;
          expect((diff < 0n ? -diff : diff) < s).toBe(true);
          if (sum !== 0n && weights[i] === 0) expect(part).toBe(0);
        });
      }),
    );
  });

  it('follows the weights: a larger weight never gets a smaller part (property)', () => {
    fc.assert(
      fc.property(totals, weightLists, (total, weights) => {
        const parts = allocate(total, weights);
        for (let i = 0; i < weights.length; i++) {
          for (let j = 0; j < weights.length; j++) {
            if ((weights[i] as number) > (weights[j] as number)) {
              expect(parts[i]).toBeGreaterThanOrEqual(parts[j] as number);
            }
          }
        }
      }),
    );
  });
});

describe('formatMinor', () => {
  const nbsp = (s: string): string => s.replace(/\u00a0/g, ' ');

  it.each([
    [1500, 'HKD', 'en', 'HK$15.00'],
    [1500, 'USD', 'en', '$15.00'],
    [1500, 'JPY', 'en', '¥1,500'],
    [1500, 'KWD', 'en', 'KWD 1.500'],
    [123456789, 'CLF', 'en', 'CLF 12,345.6789'],
    [5, 'HKD', 'en', 'HK$0.05'],
    [0, 'HKD', 'en', 'HK$0.00'],
    [-250, 'HKD', 'en', '-HK$2.50'],
    [MAX, 'HKD', 'en', 'HK$90,071,992,547,409.91'],
    [MAX, 'KWD', 'en', 'KWD 9,007,199,254,740.991'],
  ])('formatMinor(%i, %s, %s) = %s', (amount, currency, locale, text) => {
    expect(nbsp(formatMinor(amount, currency, locale))).toBe(text);
  });

  it('defaults to English and follows the locale', () => {
    expect(formatMinor(1500, 'HKD')).toBe('HK$15.00');
    expect(formatMinor(1500, 'HKD', 'zh-Hant-HK')).toBe('HK$15.00');
    expect(formatMinor(1500, 'EUR', 'de')).toMatch(/^15,00\s€$/);
  });

  it('formats currencies Intl may not know with the ISO exponent', () => {
    expect(nbsp(formatMinor(12345, 'UYW', 'en'))).toBe('UYW 1.2345');
  });

  it('refuses unknown currencies and non-integer amounts', () => {
    expect(() => formatMinor(100, 'XAU')).toThrow(RangeError);
    expect(() => formatMinor(100, 'hkd')).toThrow(RangeError);
    expect(() => formatMinor(1.5, 'HKD')).toThrow(RangeError);
    expect(() => formatMinor(MAX + 1, 'HKD')).toThrow(RangeError);
  });
});

describe('minorToDecimalString', () => {
  it.each([
    [1500, 2, '15.00'],
    [5, 2, '0.05'],
    [5, 3, '0.005'],
    [-5, 3, '-0.005'],
    [1500, 0, '1500'],
    [0, 4, '0.0000'],
    [12345, 4, '1.2345'],
    [-0, 2, '0.00'],
  ])('minorToDecimalString(%i, %i) = %s', (amount, exponent, text) => {
    expect(minorToDecimalString(amount, exponent)).toBe(text);
  });
});
