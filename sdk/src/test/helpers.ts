/**
 * Small helpers for the component tests (run in Chromium by @web/test-runner with mocha): plain
 * assertions, mounting, waiting, resetting the SDK between tests, and calls to the real worker.
 */
import { runtime } from '../internal/runtime.js';

/** What web-test-runner.config.mjs created for this run: the worker's URL and fresh shops' keys. */
export interface TestEnv {
  api: string;
  shop: { shopId: string; key: string };
  flatShop: { shopId: string; key: string };
  verifiedOnlyShop: { shopId: string; key: string };
  /** Accepts browser order reports; `claimToken` is the buyer claim token of an order its server reported. */
  browserShop: { shopId: string; key: string; claimToken: string };
}
const ENV_URL: string = '/__sc_env.js';
export const env: TestEnv = (await import(ENV_URL)).default;

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new Error(message);
}

export function equal<T>(actual: T, expected: T, message?: string): void {
  if (actual !== expected) throw new Error(`${message ? message + ': ' : ''}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function match(actual: string | null | undefined, re: RegExp, message?: string): void {
  if (actual == null || !re.test(actual)) throw new Error(`${message ? message + ': ' : ''}${JSON.stringify(actual)} does not match ${re}`);
}

/** Waits until `check` returns a truthy value (or throws the last error after `timeout` ms). */
export async function waitFor<T>(check: () => T | Promise<T>, timeout = 8000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

/** Mounts HTML into a fresh container in the body (parsed by the browser, like a shop page). */
export function mount<T extends Element = HTMLElement>(html: string): T {
  const host = document.createElement('div');
  host.className = 'sc-test';
  const template = document.createElement('template');
  template.innerHTML = html; // test-authored markup only
  host.append(template.content);
  document.body.append(host);
  return host.firstElementChild as T;
}

/** Everything the SDK keeps in this page and browser, erased; the URL's query reset. */
export function resetSdk(query = ''): void {
  for (const el of document.querySelectorAll('.sc-test')) el.remove();
  const rt = runtime();
  rt.settings = null;
  rt.consent = false;
  rt.memo.clear();
  delete rt.booted;
  delete window.ShareCart;
  localStorage.clear();
  for (const c of document.cookie.split(';')) {
    const name = c.split('=')[0].trim();
    if (name) document.cookie = `${name}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  }
  setQuery(query);
  performance.clearResourceTimings();
}

/** Replaces the page's query, keeping @web/test-runner's own session parameter. */
export function setQuery(query: string): void {
  const url = new URL(location.href);
  const session = url.searchParams.get('wtr-session-id');
  url.search = query;
  if (session) url.searchParams.set('wtr-session-id', session);
  history.replaceState(history.state, '', url);
}

/** Resource requests made to the API since the last reset. */
export const apiRequests = () =>
  performance.getEntriesByType('resource').filter((e) => e.name.startsWith(env.api));

/** Calls the real worker from the page (the shop's publishable key; optional referrer token). */
export async function api<T>(path: string, { key = env.shop.key, body, token }: { key?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const res = await fetch(env.api + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { 'x-referrer-token': token } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

/** The first element matching `selector` in `el`'s shadow root. */
export function shadow<T extends Element = HTMLElement>(el: Element, selector: string): T {
  const found = el.shadowRoot?.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector} in <${el.localName}>'s shadow root`);
  return found;
}

/** The deepest focused element, through shadow roots. */
export function deepActive(): Element | null {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}

/**
 * A small accessibility check of a component's shadow tree: every button, link and form field has
 * an accessible name; every ARIA id reference resolves; dialogs are labelled; no positive tabindex.
 * Returns the problems found (empty when clean).
 */
export function a11yProblems(el: Element): string[] {
  const root = el.shadowRoot!;
  const problems: string[] = [];
  const text = (n: Element) => (n.textContent ?? '').replace(/\s+/g, ' ').trim();
  const name = (n: Element) => {
    const labelledby = n.getAttribute('aria-labelledby');
    if (labelledby) return labelledby.split(' ').map((id) => text(root.getElementById(id) ?? document.createElement('x'))).join(' ').trim();
    const label = n.id ? root.querySelector(`label[for="${n.id}"]`) : null;
    if (label && text(label)) return text(label);
    const slot = n.querySelector('slot');
    return (n.getAttribute('aria-label') ?? '') || text(n) || (slot ? slot.assignedNodes({ flatten: true }).map((x) => x.textContent).join('') : '') || (n.getAttribute('title') ?? '');
  };
  for (const n of root.querySelectorAll('button, a[href], input, select, textarea, dialog, [role=img], [role=region]')) {
    if (n.closest('[hidden]')) continue;
    if (n.localName == 'input' && (n as HTMLInputElement).type == 'hidden') continue;
    if (!name(n)) problems.push(`<${n.localName}${n.getAttribute('part') ? ` part=${n.getAttribute('part')}` : ''}> has no accessible name`);
  }
  for (const n of root.querySelectorAll('[aria-labelledby], [aria-describedby], [aria-controls]')) {
    for (const attr of ['aria-labelledby', 'aria-describedby', 'aria-controls']) {
      for (const id of (n.getAttribute(attr) ?? '').split(' ').filter(Boolean)) {
        if (!root.getElementById(id)) problems.push(`${attr}="${id}" on <${n.localName}> points nowhere`);
      }
    }
  }
  for (const n of root.querySelectorAll('[tabindex]')) if (Number(n.getAttribute('tabindex')) > 0) problems.push(`positive tabindex on <${n.localName}>`);
  return problems;
}

/** Payloads that must render as text, never as markup or script. */
export const XSS = [
  '<img src=x onerror="window.__scXss=1">',
  '"><svg onload="window.__scXss=1">',
  "javascript:window.__scXss=1",
  '</p><script>window.__scXss=1</script>',
];
