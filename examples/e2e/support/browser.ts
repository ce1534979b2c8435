/**
 * Browser helpers for the end-to-end tests: Debian's Chromium through playwright-core (never a
 * downloaded browser), fresh contexts, and the demo checkout page pointed at the merchant backend
 * the tests started (its address comes from `<meta name="sharecart-merchant">`).
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { DEMO } from './demo.js';
import { CHROMIUM_ARGS } from '../../../scripts/lib/prepare.mjs';

export const api = inject('api');
export const merchant = inject('merchant');
export const shop = `${api}/shop/`;

export { DEMO };

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('chromePath'),
    args: CHROMIUM_ARGS,
  });
}

/**
 * A fresh browser profile (its own storage and cookies) whose checkout page posts to the test's
 * merchant backend. `navigator.share` is removed so the share sheet (copy link…) is what opens, as
 * on desktop browsers without the Web Share API.
 */
export async function freshContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-HK', ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(api).origin });
  await context.addInitScript(() => {
    delete (Navigator.prototype as { share?: unknown }).share;
    delete (Navigator.prototype as { canShare?: unknown }).canShare;
  });
  await context.route(/\/shop\/checkout(\.html)?(\?|$)/, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('content="http://127.0.0.1:8788"', `content="${merchant}"`);
    await route.fulfill({ response, body });
  });
  return context;
}

/** Collects console errors and uncaught exceptions of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()} (${m.location().url})`));
  page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.request().method()} ${r.url()}`));
  return errors;
}

/** Calls the API with the demo shop's secret key (what the shop's server does). */
export async function secretApi<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${DEMO.secretKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
