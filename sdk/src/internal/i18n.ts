/**
 * Localisation for the components: en, zh-Hant-HK (Hong Kong, Traditional) and zh-Hans (Simplified).
 * Each component keeps its own message catalogue beside it (so a chunk carries only its strings) and
 * translates through `translate()`. Money is always integer minor units, formatted with
 * `Intl.NumberFormat` using the currency's exponent (HKD 2, JPY 0, KWD 3).
 *
 * Locale of an element, first found: its `locale` attribute, the nearest `lang` around it (in its
 * own tree: an element inside a shadow root gets `locale` from its host), the script tag's
 * `data-locale`, the browser's language.
 */
import type { Locale } from '../wire.js';
import { runtime } from './runtime.js';

export type { Locale };

/** A locale's messages loaded on demand, e.g. `() => import('./share-button.zh-Hans.js')`. */
export type LazyMessages<K extends string> = () => Promise<{ default: Partial<Record<K, string>> }>;

/**
 * A component's messages: complete in English, optionally partial in the others (falls back to
 * en). A locale may be lazy (a function importing its table), which keeps first-paint chunks small:
 * call `loadLocale()` before rendering in it (English shows until it arrives).
 */
export type Catalog<K extends string> = { en: Record<K, string> } & Partial<
  Record<Locale, Partial<Record<K, string>> | LazyMessages<K>>
>;

/** Loads a lazy locale into its catalog; resolves at once when there is nothing to load. */
export async function loadLocale<K extends string>(catalog: Catalog<K>, locale: Locale): Promise<void> {
  const table = catalog[locale];
  if (typeof table == 'function') (catalog as Record<string, unknown>)[locale] = (await table()).default;
}

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

/** The locale an element renders in (see the module comment for the order; `locale` is the property). */
export function localeOf(el: Element): Locale {
  return resolveLocale(
    (el as Element & { locale?: string }).locale ||
      el.closest('[lang]')?.getAttribute('lang') ||
      runtime().settings?.locale ||
      navigator.language,
  );
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
  const table = catalog[locale];
  const text = (typeof table == 'object' && table[key]) || catalog.en[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/**
 * Formats integer minor units as money; whole amounts drop their zero decimals ("HK$15", not
 * "HK$15.00"). `exponent` defaults to the currency's own (pass the shop config's `currencyExponent`).
 * @example formatMoney(1500, 'HKD', 'en') // 'HK$15'
 * @example formatMoney(1234, 'KWD', 'en') // 'KWD 1.234'
 */
export function formatMoney(minor: number, currency: string, locale: Locale, exponent?: number): string {
  const options: Intl.NumberFormatOptions = { style: 'currency', currency };
  // The currency's own decimals (ISO 4217, from the browser's Intl data) unless the shop says.
  exponent ??= new Intl.NumberFormat('en', options).resolvedOptions().maximumFractionDigits!;
  const scale = 10 ** exponent;
  options.minimumFractionDigits = minor % scale ? exponent : 0;
  options.maximumFractionDigits = exponent;
  return new Intl.NumberFormat(locale, options).format(minor / scale);
}
