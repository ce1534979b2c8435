/**
 * Localisation for the components: en, zh-Hant-HK (Hong Kong, Traditional) and zh-Hans (Simplified).
 * Each component keeps its own message catalogue beside it (so a chunk carries only its strings) and
 * translates through `translate()`. Money is always integer minor units, formatted with
 * `Intl.NumberFormat` using the currency's exponent (HKD 2, JPY 0, KWD 3).
 *
 * Locale of an element, first found: its `locale` attribute, the nearest `lang` in its tree, the
 * script tag's `data-locale`, `<html lang>`, the browser's language.
 */
import type { Locale } from '../wire.js';
import { runtime } from './runtime.js';

export type { Locale };
export const LOCALES: readonly Locale[] = ['en', 'zh-Hant-HK', 'zh-Hans'];

/** A component's messages: complete in English, optionally partial in the others (falls back to en). */
export type Catalog<K extends string> = { en: Record<K, string> } & Partial<Record<Locale, Partial<Record<K, string>>>>;

/**
 * Maps any BCP-47 tag to a supported locale: Chinese in Hong Kong, Macau or Taiwan, or written
 * `Hant`, is zh-Hant-HK; any other Chinese is zh-Hans; everything else is en.
 * @example resolveLocale('zh-TW') // 'zh-Hant-HK'
 */
export function resolveLocale(tag: string | null | undefined): Locale {
  const t = (tag ?? '').toLowerCase();
  if (!/^zh\b/.test(t)) return 'en';
  return /hant|-hk|-mo|-tw/.test(t) ? 'zh-Hant-HK' : 'zh-Hans';
}

/** The locale an element renders in (see the module comment for the order). */
export function localeOf(el: Element): Locale {
  const own = el.getAttribute('locale');
  if (own) return resolveLocale(own);
  let node: Node | null = el;
  while (node) {
    const lang = node instanceof Element ? node.closest('[lang]')?.getAttribute('lang') : null;
    if (lang) return resolveLocale(lang);
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return resolveLocale(runtime().settings?.locale || document.documentElement.lang || navigator.language);
}

/**
 * Looks a message up and fills `{name}` placeholders. The result is plain text: render it with a
 * Lit text binding, never as HTML.
 * @example translate(messages, 'zh-Hans', 'earn', { amount: 'HK$15' }) // '分享赚 HK$15'
 */
export function translate<K extends string>(
  catalog: Catalog<K>,
  locale: Locale,
  key: K,
  vars: Record<string, string | number> = {},
): string {
  const text = catalog[locale]?.[key] ?? catalog.en[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Decimal places of a currency per ISO 4217, as the browser's Intl data knows them. */
export function currencyExponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Formats integer minor units as money; whole amounts drop their zero decimals ("HK$15", not
 * "HK$15.00"). `exponent` defaults to the currency's own (pass the shop config's `currencyExponent`).
 * @example formatMoney(1500, 'HKD', 'en') // 'HK$15'
 * @example formatMoney(1234, 'KWD', 'en') // 'KWD 1.234'
 */
export function formatMoney(minor: number, currency: string, locale: Locale, exponent = currencyExponent(currency)): string {
  const scale = 10 ** exponent;
  const whole = minor % scale == 0;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: whole ? 0 : exponent,
      maximumFractionDigits: exponent,
    }).format(minor / scale);
  } catch {
    return `${currency} ${(minor / scale).toFixed(exponent)}`;
  }
}

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
