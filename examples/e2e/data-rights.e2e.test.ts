/**
 * A referrer's data rights end to end (issue 7 §4, §5), in Chromium against the local worker: on the
 * shop's "my earnings" page (`<sc-referrer-dashboard>`) the referrer downloads their data as JSON and
 * deletes their identity after a confirmation; the shop does the same for another referrer from its
 * dashboard. Afterwards each ledger keeps every amount under the now anonymous id, the person's
 * details are gone, and the token and the link stop working.
 * A fresh shop (its publishable key put into the demo page), so the demo shop's referrers stay as seeded.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, api, launch, shop as shopPages } from './support/browser.js';
import { axeViolations } from './support/axe.js';
import { call, newShop, signInUrl, type TestShop } from './support/shops.js';

interface Entry {
  type: string;
  bucket: string;
  amountMinor: number;
  conversionId: string | null;
}

let browser: Browser;
let shop: TestShop;

beforeAll(async () => {
  browser = await launch();
  shop = await newShop('Data Rights 茶莊');
});

afterAll(async () => {
  await browser?.close();
});

const readJson = async (download: Download) => JSON.parse(readFileSync((await download.path())!, 'utf8'));

/** The referrer's ledger as the shop's server reads it: what must survive a deletion unchanged. */
async function ledgerOf(referrerId: string): Promise<Entry[]> {
  const { data } = await call<{ data: Entry[] }>(`/v1/ledger?limit=100&referrerId=${referrerId}`, shop.secretKey);
  return data.map(({ type, bucket, amountMinor, conversionId }) => ({ type, bucket, amountMinor, conversionId }));
}

/** Waits for the shop object to release the commissions (the program holds for 0 days). */
async function released(referrerId: string) {
  const deadline = Date.now() + 20_000;
  while ((await call(`/v1/referrers/${referrerId}/balances`, shop.secretKey)).balances.available <= 0) {
    if (Date.now() > deadline) throw new Error('the commission was not released');
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** What the referrer and the shop see afterwards: no person, every amount, no token, no link. */
async function expectAnonymized(referrerId: string, code: string, ledger: unknown) {
  const { referrer } = await call(`/v1/referrers/${referrerId}`, shop.secretKey);
  expect(referrer).toMatchObject({ id: referrerId, displayName: null, email: null, phone: null, status: 'blocked' });
  expect(referrer.deletedAt).toBeGreaterThan(0);
  expect(await ledgerOf(referrerId)).toEqual(ledger);
  const click = await fetch(`${api}/v1/clicks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shop.publishableKey}`, 'content-type': 'application/json', origin: new URL(api).origin },
    body: JSON.stringify({ code }),
  });
  expect(click.status).toBe(404);
}

describe('from <sc-referrer-dashboard>', () => {
  let page: Page;

  test('the referrer downloads their data, cancels a deletion, then deletes their identity', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 430, height: 900 }, locale: 'zh-HK' });
    // the demo "my earnings" page, for this test's shop
    await context.route(/\/shop\/earnings(\.html)?$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()).replace(DEMO.publishableKey, shop.publishableKey) });
    });
    page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${shopPages}earnings`);
    const dashboard = page.locator('sc-referrer-dashboard');
    await expect.poll(() => dashboard.locator('.base').getAttribute('class')).toContain('empty');
    await dashboard.locator('button[part=button]').click();
    await expect.poll(() => dashboard.locator('.base').getAttribute('class')).toContain('ready');
    await dashboard.locator('input[part=input]').fill('ada.e2e@example.com');
    await dashboard.locator('input[part=input]').press('Enter');
    await dashboard.locator('form[part=claim]').waitFor({ state: 'detached' });

    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('sc_rt') ?? 'null'));
    const { referrer } = await call('/v1/referrers/me', shop.publishableKey, {
      headers: { 'x-referrer-token': token, origin: new URL(api).origin },
    });
    // a friend's order through the link, reported by the shop's server; the commission is released at once
    await call('/v1/conversions', shop.secretKey, {
      body: { orderId: 'DR-E2E-1', amountMinor: 25_000, currency: 'HKD', referralCode: referrer.code },
    });
    await released(referrer.id);
    const before = await ledgerOf(referrer.id);
    expect(before.filter((e) => e.type === 'commission')).toEqual([
      expect.objectContaining({ type: 'commission', amountMinor: 2_500 }),
    ]);

    await page.reload();
    await expect.poll(() => dashboard.locator('.base').getAttribute('class')).toContain('ready');
    expect(await dashboard.locator('[part~=balance-available] [part=value]').textContent()).toBe('HK$25');

    // "你的資料": the controls arrive with their chunk on first opening
    await dashboard.locator('[part=data] summary').click();
    const exportButton = dashboard.locator('button[part=export]');
    await exportButton.waitFor();
    expect(await exportButton.textContent()).toContain('下載我的資料');
    const [download] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
    expect(download.suggestedFilename()).toBe(`my-data-${referrer.code}.json`);
    const data = await readJson(download);
    expect(data).toMatchObject({
      shop: { id: shop.shopId, name: 'Data Rights 茶莊' },
      referrer: { id: referrer.id, code: referrer.code, email: 'ada.e2e@example.com', deletedAt: null },
      devices: 1,
      conversions: [{ amountMinor: 25_000, currency: 'HKD', commissionMinor: 2_500 }],
    });
    expect(data.ledger.map((e: Entry) => e.amountMinor).sort()).toEqual(before.map((e) => e.amountMinor).sort());

    // asking opens the confirmation (axe-clean); cancelling keeps everything
    await dashboard.locator('button[part=delete]').click();
    await dashboard.locator('[part=confirm]').waitFor({ state: 'visible' });
    expect(await dashboard.locator('[part=confirm]').textContent()).toContain('此操作無法復原');
    expect(await axeViolations(page)).toEqual([]);
    await dashboard.locator('button[part=cancel]').click();
    await dashboard.locator('[part=confirm]').waitFor({ state: 'hidden' });
    expect((await call(`/v1/referrers/${referrer.id}`, shop.secretKey)).referrer.email).toBe('ada.e2e@example.com');

    // confirming deletes: the page forgets the token and says so
    await dashboard.locator('button[part=delete]').click();
    await dashboard.locator('button[part=confirm-delete]').click();
    await expect.poll(() => dashboard.locator('.base').getAttribute('class')).toContain('deleted');
    expect(await dashboard.locator('#deleted').textContent()).toContain('你的身份已刪除');
    expect(await page.evaluate(() => localStorage.getItem('sc_rt'))).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    const me = await fetch(`${api}/v1/referrers/me`, {
      headers: { authorization: `Bearer ${shop.publishableKey}`, 'x-referrer-token': token, origin: new URL(api).origin },
    });
    expect(me.status).toBe(401);
    await expectAnonymized(referrer.id, referrer.code, before);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('from the shop dashboard', () => {
  test("the shop downloads a referrer's data and deletes their identity on their request", async () => {
    const { referrer } = await call('/v1/referrers', shop.secretKey, {
      body: { displayName: 'Wing 詠', email: 'wing.e2e@example.com', phone: '+852 6123 4567' },
    });
    await call('/v1/conversions', shop.secretKey, {
      body: { orderId: 'DR-E2E-2', amountMinor: 40_000, currency: 'HKD', referralCode: referrer.code },
    });
    await released(referrer.id);
    const before = await ledgerOf(referrer.id);

    const context = await browser.newContext({ acceptDownloads: true, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(await signInUrl(shop));
    await page.locator('sc-shop-dashboard nav button[data-view="referrers"]').click();
    const row = page.locator(`sc-shop-dashboard main > [data-view="referrers"] tr[data-referrer="${referrer.id}"]`);
    await row.waitFor();
    expect(await row.locator('th').textContent()).toContain('Wing 詠');

    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('button[data-action="export"]').click()]);
    expect(download.suggestedFilename()).toBe(`referrer-${referrer.id}.json`);
    expect(await readJson(download)).toMatchObject({
      referrer: { id: referrer.id, displayName: 'Wing 詠', email: 'wing.e2e@example.com', phone: '+85261234567' },
      conversions: [{ amountMinor: 40_000, commissionMinor: 4_000 }],
    });

    // the dashboard's own confirmation (a modal <dialog>, not window.confirm(), which a sandboxed
    // embedding iframe may block): Escape deletes nothing, Confirm deletes
    const ask = page.locator('sc-shop-dashboard main > [data-view="referrers"] dialog.ask');
    await row.locator('button[data-action="delete"]').click();
    await ask.waitFor({ state: 'visible' });
    expect(await ask.textContent()).toContain('Wing 詠');
    await page.keyboard.press('Escape');
    await ask.waitFor({ state: 'detached' });
    expect((await call(`/v1/referrers/${referrer.id}`, shop.secretKey)).referrer.deletedAt).toBeNull();
    await row.locator('button[data-action="delete"]').click();
    await ask.locator('button[data-answer="yes"]').click();
    await expect.poll(() => row.locator('th').textContent()).toBe('Deleted');
    expect(await row.locator('button').count()).toBe(0);
    expect(await row.textContent()).not.toMatch(/wing|6123/i);
    await expectAnonymized(referrer.id, referrer.code, before);
    await context.close();
  });
});
