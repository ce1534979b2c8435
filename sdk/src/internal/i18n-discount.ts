/**
 * Discounts in words: a percentage ("10%") and the Chinese 折 ("9 折" = pay 90%). Apart from
 * `i18n.ts` so that first paint does not carry them.
 */
import type { Locale } from '../wire.js';

/** Formats basis points as a percentage: 1000 → "10%". */
export function formatPercent(bps: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10000);
}

/**
 * A percentage discount the Chinese way (折, the share of the price you pay): 1000 bps (10% off) →
 * "9", 1500 bps → "85", 500 → "95".
 */
export function zhe(bps: number): string {
  const pay = (10000 - bps) / 100; // percent paid, e.g. 90, 85
  return String(pay % 10 == 0 ? pay / 10 : pay);
}
