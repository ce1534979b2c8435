/**
 * Every demo page passes the same accessibility bar as the components: axe-core's WCAG 2.0/2.1 A and
 * AA rules (plus the label-in-name rule, WCAG 2.5.3, which axe still ships as experimental) report
 * zero violations, through the widgets' open shadow roots, in each language the page offers — the
 * start page (/), the shop's home, all eight product pages, the cart and the checkout with goods in
 * them, the thank-you page after a real order through the merchant backend, "my earnings" empty and
 * with a referrer, the strict-CSP page (axe evaluated by the DevTools protocol, which the page's
 * policy and Trusted Types do not govern), the extension example, and the API reference at /docs.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, freshContext, launch, shop } from './support/browser.js';
import { axeViolations } from './support/axe.js';

const SKUS = [
  'oolong-250g',
  'jasmine-pearls',
  'pu-erh-cake',
  'egg-rolls',
  'almond-cookies',
  'xo-sauce',
  'rose-face-mist',
  'tea-gift-set',
];
const LANGUAGES = ['zh-Hant-HK', 'en'] as const;

/** Waits until every ShareCart element on the page is defined and has rendered. */
async function widgetsSettled(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(async () => {
    const widgets = [...document.querySelectorAll('*')].filter((el) => /^(sc|hl)-/.test(el.localName));
    if (widgets.some((el) => !customElements.get(el.localName))) return false;
    await Promise.all(widgets.map((el) => (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete));
    return true;
  });
}

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe('the start page (/)', () => {
  test('has no WCAG 2.1 A/AA violations (English with 繁體 labels)', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${api}/`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
});

describe('the API reference (/docs), linked from the start page', () => {
  test('has no WCAG 2.1 A/AA violations', async () => {
    const context = await freshContext(browser);
    const page = await context.newPage();
    await page.goto(`${api}/docs`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('the extension example (/extend/)', () => {
  test('has no WCAG 2.1 A/AA violations', async () => {
    const context = await freshContext(browser);
    const page = await context.newPage();
    await page.goto(`${api}/extend/`);
    await expect.poll(() => page.locator('hl-gift-share-button button[part=button]').textContent()).toMatch(/HK\$/);
    await widgetsSettled(page);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe.each(LANGUAGES)('the demo shop in %s', (lang) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await freshContext(browser);
    // the visitor's language choice, as the 繁 / EN switch stores it
    await context.addInitScript((chosen) => localStorage.setItem('hl_lang', chosen), lang);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
  });

  async function check(path: string, ready: () => Promise<unknown>) {
    await page.goto(`${shop}${path}`);
    await ready();
    await widgetsSettled(page);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    expect(await axeViolations(page), `${path} in ${lang}`).toEqual([]);
  }

  test('the home page, reached through a referral link (banner shown)', async () => {
    await check('?ref=maggie', async () => {
      await expect.poll(() => page.locator('#products .card:not(.skeleton)').count()).toBe(SKUS.length);
      await page.locator('sc-referral-banner [part=message]').waitFor({ state: 'visible' });
    });
  });

  test.each(SKUS)('the product page of %s', async (sku) => {
    await check(`product?sku=${sku}`, async () => {
      await expect.poll(() => page.locator('#add-to-cart').isEnabled()).toBe(true);
      await expect.poll(() => page.locator('sc-share-button button[part=button]').textContent()).toMatch(/HK\$/);
    });
  });

  test('the cart with goods in it', async () => {
    await page.goto(`${shop}product?sku=oolong-250g`);
    await expect.poll(() => page.locator('#add-to-cart').isEnabled()).toBe(true);
    await page.locator('#add-to-cart').click();
    await page.goto(`${shop}product?sku=egg-rolls`);
    await expect.poll(() => page.locator('#add-to-cart').isEnabled()).toBe(true);
    await page.locator('#add-to-cart').click();
    await check('cart', async () => {
      await expect.poll(() => page.locator('.line-item').count()).toBe(2);
      await expect.poll(() => page.locator('#cart-summary .grand').last().textContent()).toMatch(/HK\$/);
    });
  });

  test('the checkout, then the thank-you page after a real order', async () => {
    await check('checkout', () => expect.poll(() => page.locator('#place-order').isEnabled()).toBe(true));
    await page.fill('#name', lang === 'en' ? 'Chan Siu Ming' : '陳小明');
    await page.fill('#email', `a11y.${lang.toLowerCase()}@example.com`);
    await page.fill('#address', '九龍旺角彌敦道 700 號 12 樓');
    await Promise.all([page.waitForURL(/\/thank-you(\.html)?\?/), page.locator('#place-order').click()]);
    const thankYou = new URL(page.url());
    await check(`thank-you${thankYou.search}`, () =>
      expect.poll(() => page.locator('sc-order-tracker').getAttribute('status')).toBe('reported-by-shop'),
    );
  });

  test('my earnings, before and after the visitor becomes a referrer', async () => {
    const dashboard = page.locator('sc-referrer-dashboard .base');
    await check('earnings', () => expect.poll(() => dashboard.getAttribute('class')).toMatch(/\b(empty|ready)\b/));
    if ((await dashboard.getAttribute('class'))?.includes('empty')) {
      await page.locator('sc-referrer-dashboard button[part=button]').click();
      await expect.poll(() => dashboard.getAttribute('class'), { timeout: 10_000 }).toContain('ready');
      await widgetsSettled(page);
      expect(await axeViolations(page), `earnings (ready) in ${lang}`).toEqual([]);
    }
  });

  test('the strict-CSP page, and axe did not break its policy', async () => {
    await check('csp?ref=maggie', async () => {
      await page.locator('sc-referral-banner [part=message]').waitFor({ state: 'visible' });
      await expect.poll(() => page.locator('sc-order-tracker [part=text]').textContent()).toContain('HK$');
    });
    expect(await page.locator('#csp-status').getAttribute('data-violations')).toBe('0');
  });
});
