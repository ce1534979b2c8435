/**
 * Money: integer minor units, ISO-4217 currencies and their exponents, exact basis-point maths
 * with round-half-even, largest-remainder allocation, and display formatting.
 *
 * Every amount in ShareCart is a safe integer count of a currency's minor unit (cents for HKD,
 * yen for JPY, fils for KWD). Nothing here touches floating point for arithmetic: products and
 * quotients are computed with BigInt and rounded once, half-even, on the minor unit.
 */

/**
 * Active ISO-4217 codes (List One, as published 2026-01-01) with their minor-unit exponents.
 * Funds codes that have a minor unit (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW, XAD) are
 * included; codes whose minor unit is "N.A." (precious metals XAU/XAG/XPD/XPT, bond units
 * XBA–XBD, XDR, XSU, XUA, the testing code XTS and XXX) are not. Withdrawn codes (ANG, BGN, CUC,
 * HRK, SLL, ZWL…) are not listed.
 */
// prettier-ignore
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2, AFN: 2, ALL: 2, AMD: 2, AOA: 2, ARS: 2, AUD: 2, AWG: 2, AZN: 2,
  BAM: 2, BBD: 2, BDT: 2, BHD: 3, BIF: 0, BMD: 2, BND: 2, BOB: 2, BOV: 2, BRL: 2, BSD: 2,
  BTN: 2, BWP: 2, BYN: 2, BZD: 2,
  CAD: 2, CDF: 2, CHE: 2, CHF: 2, CHW: 2, CLF: 4, CLP: 0, CNY: 2, COP: 2, COU: 2, CRC: 2,
  CUP: 2, CVE: 2, CZK: 2,
  DJF: 0, DKK: 2, DOP: 2, DZD: 2,
  EGP: 2, ERN: 2, ETB: 2, EUR: 2,
  FJD: 2, FKP: 2,
  GBP: 2, GEL: 2, GHS: 2, GIP: 2, GMD: 2, GNF: 0, GTQ: 2, GYD: 2,
  HKD: 2, HNL: 2, HTG: 2, HUF: 2,
  IDR: 2, ILS: 2, INR: 2, IQD: 3, IRR: 2, ISK: 0,
  JMD: 2, JOD: 3, JPY: 0,
  KES: 2, KGS: 2, KHR: 2, KMF: 0, KPW: 2, KRW: 0, KWD: 3, KYD: 2, KZT: 2,
  LAK: 2, LBP: 2, LKR: 2, LRD: 2, LSL: 2, LYD: 3,
  MAD: 2, MDL: 2, MGA: 2, MKD: 2, MMK: 2, MNT: 2, MOP: 2, MRU: 2, MUR: 2, MVR: 2, MWK: 2,
  MXN: 2, MXV: 2, MYR: 2, MZN: 2,
  NAD: 2, NGN: 2, NIO: 2, NOK: 2, NPR: 2, NZD: 2,
  OMR: 3,
  PAB: 2, PEN: 2, PGK: 2, PHP: 2, PKR: 2, PLN: 2, PYG: 0,
  QAR: 2,
  RON: 2, RSD: 2, RUB: 2, RWF: 0,
  SAR: 2, SBD: 2, SCR: 2, SDG: 2, SEK: 2, SGD: 2, SHP: 2, SLE: 2, SOS: 2, SRD: 2, SSP: 2,
  STN: 2, SVC: 2, SYP: 2, SZL: 2,
  THB: 2, TJS: 2, TMT: 2, TND: 3, TOP: 2, TRY: 2, TTD: 2, TWD: 2, TZS: 2,
  UAH: 2, UGX: 0, USD: 2, USN: 2, UYI: 0, UYU: 2, UYW: 4, UZS: 2,
  VED: 2, VES: 2, VND: 0, VUV: 0,
  WST: 2,
  XAD: 2, XAF: 0, XCD: 2, XCG: 2, XOF: 0, XPF: 0,
  YER: 2,
  ZAR: 2, ZMW: 2, ZWG: 2,
});

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * Whether `code` is an active ISO-4217 code this module knows: exactly three upper-case ASCII
 * letters and present in {@link CURRENCY_EXPONENTS}. Lower-case codes are rejected, not fixed.
 *
 * @example
 * isCurrency('HKD'); // true
 * isCurrency('hkd'); // false
 * isCurrency('XAU'); // false (no minor unit)
 */
export function isCurrency(code: string): boolean {
  return typeof code === 'string' && CURRENCY_CODE.test(code) && Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, code);
}

/**
 * The number of decimal places of a currency's minor unit.
 *
 * @throws RangeError for a code that {@link isCurrency} rejects.
 * @example
 * currencyExponent('HKD'); // 2
 * currencyExponent('JPY'); // 0
 * currencyExponent('KWD'); // 3
 */
export function currencyExponent(code: string): number {
  if (!isCurrency(code)) throw new RangeError(`unknown currency: ${String(code)}`);
  return CURRENCY_EXPONENTS[code] as number;
}

/**
 * Whether `x` is a valid amount of minor units: a safe, non-negative integer (so not a float,
 * not a string, not NaN, not -0's sign-only cousins like -1).
 *
 * @example
 * isMinorAmount(1500); // true
 * isMinorAmount(15.5); // false
 * isMinorAmount('1500'); // false
 */
export function isMinorAmount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * The most one order may be, in minor units of its currency (10^15: HK$10 trillion, ¥1 quadrillion):
 * its amount, the total of its item lines, a refund, a price, a flat rate or a cap. Larger values
 * are a 400 at the API.
 */
export const MAX_ORDER_MINOR = 1_000_000_000_000_000;

/**
 * The most a shop may report in orders over its life (the sum of its order amounts; a server
 * report that supersedes a browser report adds any increase). 9 × 10^15 < 2^53 − 1, and a
 * commission never exceeds its order's amount, so every sum the ledger makes for the shop or any
 * of its referrers — a balance, a total, a day's figures — stays an exact integer. An order past
 * the limit is a 422 `shop_limit_reached` and writes nothing.
 */
export const MAX_SHOP_ORDERS_MINOR = 9_000_000_000_000_000;

/**
 * `numerator / denominator` rounded to the nearest integer, ties to the even neighbour
 * (banker's rounding). Exact for any BigInt inputs of either sign.
 *
 * @throws RangeError when `denominator` is 0.
 * @example
 * roundHalfEvenDiv(1005n, 10n); // 100n  (100.5 → 100)
 * roundHalfEvenDiv(1015n, 10n); // 102n  (101.5 → 102)
 * roundHalfEvenDiv(-25n, 10n);  // -2n
 */
export function roundHalfEvenDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  const twiceRemainder = (n % d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} is outside the safe integer range`);
  }
  return Number(value);
}

/**
 * `amountMinor × bps / 10 000`, rounded half-even on the minor unit. Exact (BigInt) for every
 * safe integer amount, so 2^53 − 1 at 100 % gives back 2^53 − 1.
 *
 * @param amountMinor a non-negative safe integer
 * @param bps basis points, a non-negative safe integer (10 000 = 100 %; more is allowed as long
 *   as the result stays a safe integer)
 * @throws RangeError for an invalid amount, rate or an unsafe result.
 * @example
 * applyBps(1005, 1000); // 100 (100.5 rounds to even)
 * applyBps(1015, 1000); // 102 (101.5 rounds to even)
 * applyBps(15000, 750); // 1125
 */
export function applyBps(amountMinor: number, bps: number): number {
  if (!isMinorAmount(amountMinor)) throw new RangeError(`invalid amount: ${String(amountMinor)}`);
  if (!isMinorAmount(bps)) throw new RangeError(`invalid basis points: ${String(bps)}`);
  return toSafeNumber(roundHalfEvenDiv(BigInt(amountMinor) * BigInt(bps), 10_000n), 'applyBps result');
}

/**
 * Splits `total` into integer parts proportional to `weights` by the largest-remainder method:
 * each part gets the floor of its exact share, and the units left over go one each to the parts
 * with the largest fractional remainders (ties to the lower index). Parts always sum to `total`
 * and each is within 1 of its exact share. A weight of 0 gets 0. If every weight is 0 the total
 * is split as evenly as possible, the extra units going to the lowest indexes.
 *
 * @throws RangeError for a non-integer or negative total or weight, or a positive total with no
 *   weights to give it to.
 * @example
 * allocate(100, [1, 1, 1]); // [34, 33, 33]
 * allocate(1000, [700, 300]); // [700, 300]
 * allocate(5, [0, 0]); // [3, 2]
 */
export function allocate(total: number, weights: number[]): number[] {
  if (!isMinorAmount(total)) throw new RangeError(`invalid total: ${String(total)}`);
  if (!Array.isArray(weights)) throw new RangeError('weights must be an array');
  for (const w of weights) {
    if (!isMinorAmount(w)) throw new RangeError(`invalid weight: ${String(w)}`);
  }
  const n = weights.length;
  if (n === 0) {
    if (total === 0) return [];
    throw new RangeError('cannot allocate a positive total over no weights');
  }
  const big = weights.map((w) => BigInt(w));
  const sum = big.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    const base = Math.floor(total / n);
    const extra = total - base * n;
    return weights.map((_, i) => base + (i < extra ? 1 : 0));
  }
  const t = BigInt(total);
  const floors = big.map((w) => (t * w) / sum);
  const remainders = big.map((w) => (t * w) % sum);
  let left = t - floors.reduce((a, b) => a + b, 0n);
  const order = remainders.map((r, i) => ({ r, i })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    floors[i] = (floors[i] as bigint) + 1n;
    left -= 1n;
  }
  return floors.map((f) => Number(f));
}

/** `Intl.NumberFormat#format` also takes an exact decimal string (Intl.NumberFormat v3, ES2023). */
type DecimalFormat = (value: string) => string;

/**
 * Formats an amount of minor units for display, with exactly the currency's number of decimals.
 * The value is handed to Intl as an exact decimal string, so large amounts keep every digit.
 * Negative amounts (e.g. a clawed-back balance) are allowed.
 *
 * @throws RangeError for an unknown currency or a non-safe-integer amount.
 * @example
 * formatMinor(1500, 'HKD');        // "HK$15.00"
 * formatMinor(1500, 'JPY');        // "¥1,500"
 * formatMinor(1500, 'KWD', 'en');  // "KWD 1.500"
 */
export function formatMinor(amountMinor: number, currency: string, locale = 'en'): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`invalid amount: ${String(amountMinor)}`);
  }
  const exponent = currencyExponent(currency);
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  return (format.format as unknown as DecimalFormat)(minorToDecimalString(amountMinor, exponent));
}

/**
 * An amount of minor units as an exact decimal string in major units.
 *
 * @example
 * minorToDecimalString(1500, 2); // "15.00"
 * minorToDecimalString(-5, 3);   // "-0.005"
 */
export function minorToDecimalString(amountMinor: number, exponent: number): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`invalid amount: ${String(amountMinor)}`);
  }
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(amountMinor));
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}
