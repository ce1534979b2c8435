/**
 * The whole share-to-earn flow in the demo shop, as two people would live it: a referrer shares a
 * product (copy link); a friend, in a fresh browser, opens the link, is greeted by the banner, buys
 * through the shop's checkout and its merchant backend (which reports the order with the secret
 * key); the referrer's dashboard then shows the order and a pending commission; and the buyer
 * shares what they bought (曬單) as a verified buyer in one tap.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, freshContext, launch, merchant, secretApi, shop, watchErrors } from './support/browser.js';

let browser: Browser;
let referrer: BrowserContext;
let friend: BrowserContext;
let referrerPage: Page;
let friendPage: Page;
let errors: string[][] = [];

let link = '';
let code = '';
let orderId = '';

beforeAll(async () => {
  browser = await launch();
  referrer = await freshContext(browser);
  friend = await freshContext(browser);
  referrerPage = await referrer.newPage();
  friendPage = await friend.newPage();
  errors = [watchErrors(referrerPage), watchErrors(friendPage)];
});

afterAll(async () => {
  await browser?.close();
});

describe('share → click → order → commission', () => {
  test('the referrer shares a product: the button shows what they earn and the sheet copies their link', async () => {
    const page = referrerPage;
    await page.goto(`${shop}product?sku=oolong-250g`);
    await expect.poll(() => page.locator('#product-name').textContent()).toContain('凍頂烏龍茶');
    // 10 % of HK$168, computed by the worker
    const button = page.locator('sc-share-button button[part=button]');
    await expect.poll(() => button.textContent()).toContain('HK$16.80');

    await button.click();
    const sheet = page.locator('sc-share-sheet dialog');
    await sheet.waitFor({ state: 'visible' });
    await page.locator('sc-share-sheet button[part=copy]').click();
    await expect.poll(() => page.locator('sc-share-sheet [part=status]').textContent()).not.toBe('');

    link = await page.evaluate(() => navigator.clipboard.readText());
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe(`${shop}product`);
    expect(url.searchParams.get('sku')).toBe('oolong-250g');
    expect(url.searchParams.get('utm_source')).toBe('copy');
    code = url.searchParams.get('ref') ?? '';
    expect(code).toMatch(/^[\w-]{3,32}$/);
    expect(url.hash).toBe('');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });
  });

  test('the friend opens the link in a fresh browser: the click is captured, the banner greets them', async () => {
    const page = friendPage;
    await page.goto(link);
    const banner = page.locator('sc-referral-banner [part=message]');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toContain('9 折'); // 10 % off the first order, the Hong Kong way
    // the referral parameters leave the address bar; the click stays first-party
    await expect.poll(() => new URL(page.url()).searchParams.has('ref')).toBe(false);
    expect(new URL(page.url()).searchParams.get('sku')).toBe('oolong-250g');
    const attribution = await page.evaluate(() => window.ShareCart?.attribution());
    expect(attribution?.code).toBe(code);
    expect(attribution?.clickId).toMatch(/^clk_/);
    const cookies = await friend.cookies(api);
    expect(cookies.find((c) => c.name == 'sc_ref')?.value).toContain(attribution!.clickId);
  });

  test('the friend adds two to the cart and sees the friend discount', async () => {
    const page = friendPage;
    await page.locator('#qty-plus').click();
    await page.locator('#add-to-cart').click();
    await expect.poll(() => page.locator('.cart-count').first().textContent()).toBe('2');
    await page.goto(`${shop}cart`);
    await expect.poll(() => page.locator('#cart-summary').textContent()).toContain('HK$336');
    expect(await page.locator('#cart-summary .discount').first().textContent()).toBeTruthy();
    await expect.poll(() => page.locator('#cart-summary .grand').last().textContent()).toContain('HK$302.40');
  });

  test('the friend checks out through the merchant backend, which reports the order with its secret key', async () => {
    const page = friendPage;
    await page.locator('#to-checkout').click();
    await page.waitForURL(/\/checkout(\.html)?$/);
    await expect.poll(() => page.locator('#place-order').isEnabled()).toBe(true);
    // the loader filled the hidden field with the click id
    const clickId = await page.locator('input[name=sharecart_click]').inputValue();
    expect(clickId).toMatch(/^clk_/);
    expect(await page.locator('#checkout-form').getAttribute('action')).toBe(`${merchant}/checkout`);

    await page.fill('#name', '陳小明');
    await page.fill('#email', 'siu.ming.e2e@example.com');
    await page.fill('#phone', '+852 9123 4567');
    await page.fill('#address', '九龍旺角彌敦道 700 號 12 樓');
    await Promise.all([page.waitForURL(/\/thank-you(\.html)?\?/), page.locator('#place-order').click()]);

    const thankYou = new URL(page.url());
    orderId = thankYou.searchParams.get('order') ?? '';
    expect(orderId).toMatch(/^HL-[0-9A-F]{10}$/);
    expect(thankYou.searchParams.get('amount')).toBe('30240'); // 2 × HK$168 − 10 %
    expect(thankYou.searchParams.get('claim')).toMatch(/^bct_/);
    await expect.poll(() => page.locator('#order-number').textContent()).toBe(orderId);
    // the server reported it: the tracker does not report again
    await expect.poll(() => page.locator('sc-order-tracker').getAttribute('status')).toBe('reported-by-shop');
    expect(await page.evaluate(() => localStorage.getItem('hl_cart'))).toBe('[]');

    // the shop's backend and ShareCart agree on the order, its click and its commission
    const orders = (await (await fetch(`${merchant}/orders`)).json()) as { data: Array<Record<string, unknown>> };
    const order = orders.data.find((o) => o.orderId == orderId)!;
    expect(order).toMatchObject({ amountMinor: 30240, clickId, commissionMinor: 3024, commissionStatus: 'pending' });
    const { conversion } = await secretApi<{ conversion: Record<string, unknown> }>(`/v1/conversions/${order.conversionId}`);
    expect(conversion).toMatchObject({
      orderId,
      amountMinor: 30240,
      verified: true,
      clickId,
      commissionMinor: 3024,
      commissionStatus: 'pending',
    });
    // credited once: one conversion for the order, one commission entry, verified by the shop's server
    const { data: all } = await secretApi<{ data: Array<{ orderId: string }> }>('/v1/conversions?limit=500');
    expect(all.filter((c) => c.orderId == orderId)).toHaveLength(1);
    const { data: entries } = await secretApi<{ data: Array<Record<string, unknown>> }>(
      `/v1/ledger?limit=500&referrerId=${conversion.referrerId}`,
    );
    expect(entries.filter((e) => e.conversionId == conversion.id)).toEqual([
      expect.objectContaining({ type: 'commission', bucket: 'pending', amountMinor: 3024 }),
    ]);
  });

  test("the referrer's dashboard shows the click, the order and a pending commission", async () => {
    const page = referrerPage;
    await page.goto(`${shop}earnings`);
    const dashboard = page.locator('sc-referrer-dashboard');
    await expect.poll(() => dashboard.locator('.base').getAttribute('class')).toContain('ready');
    const figures = await dashboard.locator('[part=stat] [part=value]').allTextContents();
    expect(figures.map(Number)).toEqual([1, 1, 1]); // clicks, orders, shares
    expect(await dashboard.locator('[part~=balance-pending] [part=value]').textContent()).toBe('HK$30.24');
    expect(await dashboard.locator('[part~=balance-available] [part=value]').textContent()).toBe('HK$0');
    const order = dashboard.locator('[part=order]').first();
    expect(await order.textContent()).toContain('HK$302.40');
    expect(await order.textContent()).toContain('+HK$30.24');
    expect(await order.locator('[part=status]').getAttribute('class')).toContain('pending');
    // the dashboard's link is the referrer's own
    expect(await dashboard.locator('input[part=link]').inputValue()).toContain(`/r/${code}`);
  });

  test('the buyer shares what they bought (曬單) and becomes a verified-buyer referrer in one tap', async () => {
    const page = friendPage;
    const tracker = page.locator('sc-order-tracker');
    await expect.poll(() => tracker.locator('[part=text]').textContent()).toContain('HK$16.80');
    await tracker.locator('button[part=button]').click();
    await page.locator('sc-order-tracker sc-share-sheet dialog').waitFor({ state: 'visible' });
    await expect.poll(() => tracker.locator('[part=badge]').isVisible()).toBe(true);
    const buyerLink = await page.locator('sc-order-tracker sc-share-sheet input[part=link]').inputValue();
    const buyerCode = new URL(buyerLink).searchParams.get('ref');
    expect(buyerCode).toBeTruthy();
    expect(buyerCode).not.toBe(code);
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('sc_rt') ?? 'null'));
    const me = await fetch(`${api}/v1/referrers/me`, {
      headers: {
        authorization: 'Bearer pk_demo_harbourleaf0000000000000',
        'x-referrer-token': token,
        origin: new URL(api).origin,
      },
    }).then((r) => r.json());
    expect(me.referrer).toMatchObject({ code: buyerCode, verifiedBuyer: true });
  });

  test('the referrer buys through their own link in their own browser: the commission is held as self-referral', async () => {
    const page = referrerPage;
    await page.goto(link);
    await expect.poll(() => new URL(page.url()).searchParams.has('ref')).toBe(false);
    await page.locator('#add-to-cart').click();
    await page.goto(`${shop}checkout`);
    await expect.poll(() => page.locator('#place-order').isEnabled()).toBe(true);
    await page.fill('#name', 'Referrer Self');
    await page.fill('#email', 'someone.else.e2e@example.com');
    await page.fill('#phone', '+852 9876 5432');
    await page.fill('#address', '香港中環皇后大道中 1 號');
    await Promise.all([page.waitForURL(/\/thank-you(\.html)?\?/), page.locator('#place-order').click()]);
    const ownOrder = new URL(page.url()).searchParams.get('order');
    const orders = (await (await fetch(`${merchant}/orders`)).json()) as { data: Array<Record<string, unknown>> };
    const order = orders.data.find((o) => o.orderId == ownOrder)!;
    const { conversion } = await secretApi<{ conversion: { commissionStatus: string; explanation: { hold: unknown } } }>(
      `/v1/conversions/${order.conversionId}`,
    );
    // another e-mail and phone: only the browser gives it away (the visitor id it shared and clicked from)
    expect(conversion.commissionStatus).toBe('on_hold');
    expect(conversion.explanation.hold).toEqual({ reason: 'self_referral:visitor' });
  });

  test('no page logged an error', () => {
    const unexpected = errors.flat().filter((e) => !/favicon/.test(e));
    expect(unexpected).toEqual([]);
  });
});
