/**
 * The SDK's one piece of shared state: settings (key, API base, locale…), consent and memoised
 * remote calls. It lives on `globalThis` under a registered symbol rather than in module scope, so
 * that two copies of the SDK on one page (the script tag twice with different URLs, or the script
 * tag plus the npm package) share one configuration instead of drifting apart.
 */
import type { Locale } from '../wire.js';

/** How the SDK is configured: `data-*` on the script tag, or `configure()` from the npm package. */
export interface Settings {
  /** Publishable key, `pk_…`. */
  key: string;
  /** API base URL without a trailing slash, e.g. `https://shop-worker.example`. */
  api: string;
  /** UI locale override (else each element's `lang`, the page's `lang`, the browser's). */
  locale?: Locale | string;
  /** Query parameter that carries a referral code. Default `ref`. */
  refParam: string;
  /** When true nothing is stored or sent until `consent(true)`. */
  consentRequired: boolean;
}

export interface Runtime {
  settings: Settings | null;
  /** Consent given in this page (never persisted by the SDK itself). */
  consent: boolean;
  /** Memoised in-flight or settled remote calls, by name. */
  memo: Map<string, Promise<unknown>>;
  /** The real `window.ShareCart` API has been installed by a loader. */
  booted?: string;
}

const KEY = Symbol.for('sharecart.runtime');

/** The page-wide runtime, created on first use. */
export function runtime(): Runtime {
  const g = globalThis as unknown as Record<symbol, Runtime>;
  return (g[KEY] ??= { settings: null, consent: false, memo: new Map() });
}

/**
 * Configures the SDK (the npm-package path; the script tag calls it from its `data-*`).
 * @example
 * configure({ key: 'pk_test_123', api: 'https://shop-worker.example' });
 */
export function configure(settings: Partial<Settings> & { key: string }): Settings {
  const rt = runtime();
  const s: Settings = {
    api: location.origin,
    refParam: 'ref',
    consentRequired: false,
    ...settings,
  };
  s.api = s.api.replace(/\/+$/, '');
  rt.settings = s;
  rt.memo.clear();
  // elements that connected before configuration (the npm path) load now
  document.dispatchEvent(new Event('sc-configured'));
  return s;
}

/** May the SDK store data or call the API right now? */
export function allowed(): boolean {
  const rt = runtime();
  return !!rt.settings && (!rt.settings.consentRequired || rt.consent);
}

/**
 * Memoises one remote call by name: concurrent and later callers share the promise; a failure
 * forgets it so the next caller retries.
 */
export function memo<T>(name: string, call: () => Promise<T>): Promise<T> {
  const cache = runtime().memo;
  let p = cache.get(name) as Promise<T> | undefined;
  if (!p) {
    p = call();
    cache.set(name, p);
    p.catch(() => cache.get(name) === p && cache.delete(name));
  }
  return p;
}
