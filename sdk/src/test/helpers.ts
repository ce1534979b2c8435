/**
 * Small helpers for the component tests (run in Chromium by @web/test-runner with mocha): plain
 * assertions, mounting, waiting, resetting the SDK between tests, and calls to the real worker.
 */
import type { AxeResults, NodeResult, RunOptions } from 'axe-core';
import { runtime } from '../internal/runtime.js';

/** What web-test-runner.config.mjs created for this run: the worker's URL and fresh shops' keys. */
export interface TestEnv {
  api: string;
  shop: { shopId: string; key: string };
  flatShop: { shopId: string; key: string };
  verifiedOnlyShop: { shopId: string; key: string };
  /** Accepts browser order reports; `claimToken` is the buyer claim token of an order its server reported. */
  browserShop: { shopId: string; key: string; claimToken: string };
  /** Team offers: oolong-250g in a team of 2 (HK$138), egg-rolls on a ladder; one expired and one complete team. */
  teamShop: { shopId: string; key: string; expiredTeamId: string; completeTeamId: string };
}
const ENV_URL: string = '/__sc_env.js';
export const env: TestEnv = (await import(ENV_URL)).default;

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new Error(message);
}

export function equal<T>(actual: T, expected: T, message?: string): void {
  if (actual !== expected)
    throw new Error(`${message ? message + ': ' : ''}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function match(actual: string | null | undefined, re: RegExp, message?: string): void {
  if (actual == null || !re.test(actual))
    throw new Error(`${message ? message + ': ' : ''}${JSON.stringify(actual)} does not match ${re}`);
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
export const apiRequests = () => performance.getEntriesByType('resource').filter((e) => e.name.startsWith(env.api));

/** Calls the real worker from the page (the shop's publishable key; optional referrer token). */
export async function api<T>(
  path: string,
  { key = env.shop.key, body, token }: { key?: string; body?: unknown; token?: string } = {},
): Promise<T> {
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

/** Desktop Chromium without the Web Share API, whatever the machine: the share flow opens the sheet. Returns the undo. */
export function withoutWebShare(): () => void {
  const had = Object.getOwnPropertyDescriptor(Navigator.prototype, 'share');
  Object.defineProperty(Navigator.prototype, 'share', { value: undefined, configurable: true, writable: true });
  return () =>
    had ? Object.defineProperty(Navigator.prototype, 'share', had) : delete (Navigator.prototype as { share?: unknown }).share;
}

/**
 * Clicks `toggle` to show a QR code that cannot be made (its link is too long): expects exactly one
 * `sc-error` `sc_qr_failed` from `el`, and the QR panel still hidden and the toggle collapsed.
 */
export async function expectQrFailure(
  el: HTMLElement & { updateComplete: Promise<unknown> },
  toggle: HTMLElement,
): Promise<void> {
  const errors: string[] = [];
  el.addEventListener('sc-error', (e) => errors.push(e.detail.code));
  toggle.click();
  await waitFor(() => errors.length, 4000, 'the sc-error');
  await el.updateComplete;
  equal(errors.join(), 'sc_qr_failed');
  ok(shadow(el, '[part=qr]').hidden, 'the QR panel shows');
  equal(toggle.getAttribute('aria-expanded'), 'false');
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
 * What axe's WCAG 2.1 A/AA rules (see `axeViolations`) leave out, checked in a component's shadow
 * tree: every ARIA id reference resolves (axe only asks for a review), dialogs and regions are named
 * (axe has no such WCAG rule for a native `<dialog>` or `role=region`), and no tabindex is positive
 * (a best-practice rule in axe). Returns the problems found (empty when clean).
 */
export function a11yProblems(el: Element): string[] {
  const root = el.shadowRoot!;
  const problems: string[] = [];
  const text = (n: Element | null) => (n?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const ids = (n: Element, attr: string) => (n.getAttribute(attr) ?? '').split(' ').filter(Boolean);
  for (const n of root.querySelectorAll('dialog, [role=dialog], [role=region]')) {
    const name =
      n.getAttribute('aria-label')?.trim() ||
      ids(n, 'aria-labelledby')
        .map((id) => text(root.getElementById(id)))
        .join('');
    if (!name)
      problems.push(`<${n.localName}${n.getAttribute('part') ? ` part=${n.getAttribute('part')}` : ''}> has no accessible name`);
  }
  for (const n of root.querySelectorAll('[aria-labelledby], [aria-describedby], [aria-controls]')) {
    for (const attr of ['aria-labelledby', 'aria-describedby', 'aria-controls']) {
      for (const id of ids(n, attr))
        if (!root.getElementById(id)) problems.push(`${attr}="${id}" on <${n.localName}> points nowhere`);
    }
  }
  for (const n of root.querySelectorAll('[tabindex]'))
    if (Number(n.getAttribute('tabindex')) > 0) problems.push(`positive tabindex on <${n.localName}>`);
  return problems;
}

declare global {
  interface Window {
    axe?: typeof import('axe-core');
  }
}

/** axe-core (a devDependency), served from node_modules by the test runner: loaded once, never bundled. */
let axeLoaded: Promise<NonNullable<Window['axe']>> | undefined;
function loadAxe(): Promise<NonNullable<Window['axe']>> {
  return (axeLoaded ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => (window.axe ? resolve(window.axe) : reject(new Error('axe-core did not load')));
    script.onerror = () => {
      axeLoaded = undefined;
      reject(new Error(`could not load ${script.src}`));
    };
    document.head.append(script);
  }));
}

/** WCAG 2.0 and 2.1, levels A and AA. */
const WCAG21_AA: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
};

/**
 * Runs axe-core's WCAG 2.1 A/AA rules on `el` and everything inside it, through open shadow roots.
 * Returns one line per failing node, `rule (impact) at target: help. why`; empty when clean.
 * @example equal((await axeViolations(el)).join('\n'), '');
 */
export async function axeViolations(el: Element): Promise<string[]> {
  const axe = await loadAxe();
  const results: AxeResults = await axe.run(el, WCAG21_AA);
  const where = (target: NodeResult['target']) => target.map((t) => (Array.isArray(t) ? t.join(' >> ') : t)).join(' | ');
  return results.violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${v.id} (${v.impact}) at ${where(n.target)}: ${v.help}. ${(n.failureSummary ?? '')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .join(' ')}`,
    ),
  );
}

/** Payloads that must render as text, never as markup or script. */
export const XSS = [
  '<img src=x onerror="window.__scXss=1">',
  '"><svg onload="window.__scXss=1">',
  'javascript:window.__scXss=1',
  '</p><script>window.__scXss=1</script>',
];
