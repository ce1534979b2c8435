/**
 * `<sc-order-tracker>` on the demo shop's thank-you page without a server report (no claim token):
 * the demo shop allows browser reports, so the tracker reports the order itself — unverified,
 * priced from the catalogue, attributed to the browser's referral click — once, however often the
 * page is reloaded. The post-purchase share then works with the claim token the report returned,
 * but the buyer is not a verified buyer (the order was not confirmed by the shop's server).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshContext, launch, secretApi, shop, watchErrors } from './support/browser.js';

let browser: Browser;
let page: Page;
let errors: string[];
const orderId = `WEB-${Date.now().toString(36).toUpperCase()}`;

beforeAll(async () => {
  browser = await launch();
  page = await (await freshContext(browser)).newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
});

type Conversion = {
  id: string;
  orderId: string;
  verified: boolean;
  amountMinor: number;
  referrerId: string | null;
  clickId: string | null;
};

async function conversionsFor(id: string): Promise<Conversion[]> {
  const { data } = await secretApi<{ data: Conversion[] }>('/v1/conversions?limit=100');
  return data.filter((c) => c.orderId == id);
}

describe('the order tracker on a thank-you page without a server report', () => {
  test('reports the order from the browser, unverified and attributed to the referral click', async () => {
    await page.goto(`${shop}index?ref=maggie`);
    await page.locator('sc-referral-banner [part=message]').waitFor({ state: 'visible' });
    const clickId = await page.evaluate(() => window.ShareCart?.attribution()?.clickId);
    expect(clickId).toMatch(/^clk_/);

    const events: unknown[] = [];
    await page.exposeFunction('__onReport', (detail: unknown) => events.push(detail));
    await page.addInitScript(() =>
      document.addEventListener('sc-order-report', (e) =>
        (window as unknown as { __onReport(d: unknown): void }).__onReport((e as CustomEvent).detail),
      ),
    );
    await page.goto(`${shop}thank-you?order=${orderId}&amount=16800&total=19800&currency=HKD&sku=oolong-250g`);
    const tracker = page.locator('sc-order-tracker');
    await expect.poll(() => tracker.getAttribute('status')).toBe('reported');
    expect(events).toEqual([{ orderId, verified: false }]);

    const [conversion] = await conversionsFor(orderId);
    expect(conversion).toMatchObject({ orderId, verified: false, amountMinor: 16800, clickId });
    expect(conversion!.referrerId).toBeTruthy();
  });

  test('a reload does not report the order twice', async () => {
    await page.reload();
    await expect.poll(() => page.locator('sc-order-tracker').getAttribute('status')).toBe('reported');
    expect(await conversionsFor(orderId)).toHaveLength(1);
  });

  test('sharing after a browser report makes a referrer, but not a verified buyer', async () => {
    const tracker = page.locator('sc-order-tracker');
    await tracker.locator('button[part=button]').click();
    await page.locator('sc-order-tracker sc-share-sheet dialog').waitFor({ state: 'visible' });
    expect(await tracker.locator('[part=badge]').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('sc_rt'))).toMatch(/rt_/);
    await page.keyboard.press('Escape');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
