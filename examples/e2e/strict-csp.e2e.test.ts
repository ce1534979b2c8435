/**
 * The demo shop's strict-CSP page (examples/shop/csp): every ShareCart widget under
 * `script-src 'self'`, no inline style, and Trusted Types required. Using them — the banner after a
 * referral click, the share sheet and its WeChat QR code, the dashboard with its QR code and its
 * "Your data" controls, a team started with its live feed, the order tracker — must not raise a single
 * `securitypolicyviolation`. A control proves the page's recorder does count a violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshContext, launch, shop, watchErrors } from './support/browser.js';

let browser: Browser;
let page: Page;
let errors: string[];

const violations = () => page.evaluate(() => (window as unknown as { __cspViolations: unknown[] }).__cspViolations);

beforeAll(async () => {
  browser = await launch();
  page = await (await freshContext(browser)).newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('the strict-CSP page', () => {
  test('the policy is the strict one, delivered before any script', async () => {
    await page.goto(`${shop}csp?ref=maggie`);
    const policy = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("require-trusted-types-for 'script'");
    expect(policy).not.toContain('unsafe');
  });

  test('every widget renders and works with zero securitypolicyviolation events', async () => {
    // the banner greets the visitor who came through Maggie's link
    await page.locator('sc-referral-banner [part=message]').waitFor({ state: 'visible' });
    expect(await page.locator('sc-referral-banner [part=message]').textContent()).toContain('Maggie');

    // share button → sheet → WeChat QR code (the uqr chunk) → close
    const share = page.locator('sc-share-button button[part=button]');
    await expect.poll(() => share.textContent()).toContain('HK$');
    await share.click();
    await page.locator('sc-share-button sc-share-sheet dialog').waitFor({ state: 'visible' });
    await page.locator('sc-share-button sc-share-sheet button[part~=channel-wechat]').click();
    await page.locator('sc-share-button sc-share-sheet [part=qr] svg').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.locator('sc-share-button sc-share-sheet dialog').waitFor({ state: 'hidden' });

    // the dashboard picks up the referrer the share created, copies and shows its QR code
    const dashboard = page.locator('sc-referrer-dashboard');
    await expect.poll(() => dashboard.locator('.base').getAttribute('class'), { timeout: 10_000 }).toContain('ready');
    await dashboard.locator('button[part=copy]').click();
    await dashboard.locator('button[part=qr-toggle]').click();
    await dashboard.locator('[part=qr] svg').waitFor({ state: 'visible' });
    // "Your data": its controls come in their own chunk, under the same policy
    await dashboard.locator('[part=data] summary').click();
    await dashboard.locator('button[part=export]').waitFor({ state: 'visible' });

    // team-buy: the offer, a team started, its live feed (a WebSocket to the page's own origin)
    const team = page.locator('sc-team-buy');
    await team.locator('[part=start]').click();
    await team.locator('[part~=share]').waitFor({ state: 'visible' });
    await expect.poll(() => team.locator('[part=countdown]').textContent()).toMatch(/\d\d:\d\d:\d\d/);

    // the order tracker's offer, from the shop config
    await expect.poll(() => page.locator('sc-order-tracker [part=text]').textContent()).toContain('HK$');

    expect(await violations()).toEqual([]);
    expect(await page.locator('#csp-status').getAttribute('data-violations')).toBe('0');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  test('control: an inline script is refused and counted', async () => {
    const blocked = await page.evaluate(() => {
      try {
        const script = document.createElement('script');
        script.textContent = 'window.__inline = 1';
        document.body.append(script);
        return false;
      } catch {
        return true; // Trusted Types refuse the string
      }
    });
    expect(blocked).toBe(true);
    await expect.poll(async () => (await violations()).length).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
  });
});
