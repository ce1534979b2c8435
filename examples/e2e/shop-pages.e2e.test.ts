/**
 * The demo shop's pages as a visitor meets them: one ShareCart script tag and no inline script on
 * every page, every product page rendered from the shop config with its image, the cart, and the
 * language switch (繁 / EN) that the ShareCart widgets follow.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, freshContext, launch, shop, watchErrors } from './support/browser.js';

const SHOP_DIR = resolve(import.meta.dirname, '../shop');
const pages = readdirSync(SHOP_DIR).filter((f) => f.endsWith('.html'));
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

let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launch();
  page = await (await freshContext(browser)).newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('the demo shop', () => {
  test.each(pages)('%s has the one ShareCart script tag and no inline script or handler', (file) => {
    const html = readFileSync(resolve(SHOP_DIR, file), 'utf8');
    const tags = html.match(/<script\b[^>]*>/g) ?? [];
    expect(tags.filter((t) => t.includes('/sdk/sharecart.js'))).toEqual([
      `<script type="module" src="/sdk/sharecart.js" data-shop="${DEMO.publishableKey}">`,
    ]);
    for (const tag of tags) expect(tag).toMatch(/\bsrc="/);
    expect(html).not.toMatch(/\son[a-z]+="/i);
    expect(html).not.toMatch(/\sstyle="/i);
    expect(html).not.toContain('sk_');
  });

  test('the home page lists every product from the shop config', async () => {
    await page.goto(`${shop}index`);
    await expect.poll(() => page.locator('#products .card:not(.skeleton)').count()).toBe(SKUS.length);
    expect(await page.locator('#products').getAttribute('aria-busy')).toBeNull();
  });

  test.each(SKUS)('product page %s renders its name, price, image, share button and related products', async (sku) => {
    await page.goto(`${shop}product?sku=${sku}`);
    await expect.poll(() => page.locator('#add-to-cart').isEnabled()).toBe(true);
    expect(await page.locator('#product-price').textContent()).toMatch(/^HK\$\d/);
    expect(await page.locator('#product-desc').textContent()).not.toBe('');
    const image = page.locator('#product-image');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await image.getAttribute('src')).toBe(`/shop/img/${sku}.svg`);
    expect(await page.locator(`sc-share-button[product="${sku}"]`).count()).toBe(1);
    await expect.poll(() => page.locator('sc-share-button button[part=button]').textContent()).toMatch(/HK\$/);
    expect(await page.locator('#related .card').count()).toBe(4);
  });

  test('an unknown product says so', async () => {
    await page.goto(`${shop}product?sku=no-such-thing`);
    await page.locator('#product-error').waitFor({ state: 'visible' });
    expect(await page.locator('#product').isHidden()).toBe(true);
  });

  test('the cart adds, changes and removes lines, and prices them', async () => {
    await page.goto(`${shop}index`);
    await page.locator('.card[data-sku="almond-cookies"] button').click();
    await page.locator('.card[data-sku="almond-cookies"] button').click();
    await page.locator('.card[data-sku="egg-rolls"] button').click();
    await expect.poll(() => page.locator('.cart-count').first().textContent()).toBe('3');
    await page.goto(`${shop}cart`);
    await expect.poll(() => page.locator('.line-item').count()).toBe(2);
    // 2 × HK$78 + HK$98 = HK$254, under HK$300: HK$30 delivery
    await expect.poll(() => page.locator('#cart-summary .grand').last().textContent()).toBe('HK$284');
    await page.locator('.line-item[data-sku="egg-rolls"] .link-btn').click();
    await expect.poll(() => page.locator('.line-item').count()).toBe(1);
    await page.locator('.line-item[data-sku="almond-cookies"] button[aria-label]').first().click(); // −1
    await page.locator('.line-item[data-sku="almond-cookies"] .link-btn').click();
    await page.locator('#cart-empty').waitFor({ state: 'visible' });
  });

  test('the language switch changes the page and the ShareCart widgets', async () => {
    await page.goto(`${shop}product?sku=oolong-250g`);
    const button = page.locator('sc-share-button button[part=button]');
    await expect.poll(() => button.textContent()).toContain('分享賺');
    expect(await page.locator('#product-name').textContent()).toBe('凍頂烏龍茶 250克');
    await page.locator('[data-lang-toggle]').click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.locator('#product-name').textContent()).toBe('Dong Ding Oolong Tea 250g');
    await expect.poll(() => button.textContent()).toContain('Share & earn HK$16.80');
    expect(await page.locator('#add-to-cart .t[lang=en]').isVisible()).toBe(true);
    expect(await page.locator('#add-to-cart .t[lang=zh-Hant-HK]').isVisible()).toBe(false);
    // remembered on the next page
    await page.goto(`${shop}earnings`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.locator('sc-referrer-dashboard [part=title]').textContent()).toBe('Your referral link');
    await page.locator('[data-lang-toggle]').click();
    await expect.poll(() => page.locator('sc-referrer-dashboard [part=title]').textContent()).toBe('你的推介連結');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
