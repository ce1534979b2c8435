/**
 * Team-buy (拼團) in the demo shop, as two people would live it, each in a fresh browser: the leader
 * starts a team of 2 for oolong on its product page and shares the team link (copy link); the friend
 * opens it, sees the invitation with the leader's masked name and joins; the team completes, and both
 * pages show it live (the leader's through the team's WebSocket, without a reload). Each then checks
 * out through the shop's merchant backend, which prices the team line from ShareCart's team and
 * reports the order with the member token: both conversions carry the team, and the shop's record of
 * the team has each member's order and one `team.completed` event.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, freshContext, launch, merchant, secretApi, shop, watchErrors } from './support/browser.js';

const SKU = 'oolong-250g';
/** The seeded offer (seeds/catalog.ts): HK$168 alone, HK$148 in a team of 2. */
const TEAM_PRICE = 14_800;

let browser: Browser;
let leader: BrowserContext;
let friend: BrowserContext;
let leaderPage: Page;
let friendPage: Page;
let errors: string[][] = [];

let link = '';
let teamId = '';
const orderIds: string[] = [];

beforeAll(async () => {
  browser = await launch();
  leader = await freshContext(browser);
  friend = await freshContext(browser);
  leaderPage = await leader.newPage();
  friendPage = await friend.newPage();
  errors = [watchErrors(leaderPage), watchErrors(friendPage)];
});

afterAll(async () => {
  await browser?.close();
});

const teamBuy = (page: Page) => page.locator('sc-team-buy');

async function checkOut(page: Page, name: string, email: string, amountMinor: number): Promise<string> {
  await page.goto(`${shop}checkout`);
  await expect.poll(() => page.locator('#place-order').isEnabled()).toBe(true);
  // the cart line is at the team price, and the loader filled the member token into the form
  await expect.poll(() => page.locator('#checkout-lines').textContent()).toContain('拼團價');
  expect(await page.locator('#checkout-lines').textContent()).toContain('HK$148');
  const token = await page.locator('input[name=sharecart_team]').inputValue();
  expect(token).toBe(await page.evaluate(() => window.ShareCart?.team()?.memberToken));
  expect(token).toMatch(new RegExp(`^tmt_${teamId.slice(5)}_`));
  await page.fill('#name', name);
  await page.fill('#email', email);
  await page.fill('#address', '香港上環文咸東街 50 號');
  await Promise.all([page.waitForURL(/\/thank-you(\.html)?\?/), page.locator('#place-order').click()]);
  const orderId = new URL(page.url()).searchParams.get('order') ?? '';
  expect(orderId).toMatch(/^HL-[0-9A-F]{10}$/);
  expect(new URL(page.url()).searchParams.get('amount')).toBe(String(amountMinor));
  return orderId;
}

describe('two people fill a team of 2', () => {
  test('the leader sees the team price against the solo price and the honest rules, and starts a team', async () => {
    const page = leaderPage;
    await page.goto(`${shop}product?sku=${SKU}`);
    const card = teamBuy(page);
    await expect.poll(() => card.locator('[part=team-price]').textContent()).toBe('HK$148');
    expect(await card.locator('[part=solo-price]').textContent()).toContain('HK$168');
    expect(await card.locator('[part=saving]').textContent()).toContain('HK$20');
    expect(await card.locator('[part=rules]').textContent()).toContain('絕不虛構團員');
    expect((await card.locator('[part=start]').textContent())?.trim()).toBe('發起 2 人團');

    await card.locator('[part=name]').fill('Ka Yan Chan');
    await card.locator('[part=start]').click();
    await card.locator('[part~=share]').waitFor({ state: 'visible' });
    const membership = await page.evaluate(() => window.ShareCart?.team());
    teamId = membership!.teamId;
    expect(teamId).toMatch(/^team_/);
    // only the leader, masked, and one empty seat: nobody is added for show
    expect(await card.locator('[part~=avatar]').count()).toBe(1);
    expect(await card.locator('[part~=leader]').getAttribute('title')).toBe('Ka C.');
    expect(await card.locator('[part=seat]').count()).toBe(1);
    expect(await card.locator('[part=countdown]').textContent()).toMatch(/剩餘 (23:59:\d\d|1日 00:00:00)/);
    // starting is the purchase at the team price: the product is in the cart
    await expect.poll(() => page.locator('.cart-count').first().textContent()).toBe('1');
    const cookies = await leader.cookies(api);
    expect(decodeURIComponent(cookies.find((c) => c.name == 'sc_team')?.value ?? '')).toContain(membership!.memberToken);
  });

  test('the leader shares the team link with the share sheet', async () => {
    const page = leaderPage;
    await teamBuy(page).locator('[part~=share]').click();
    const sheet = page.locator('sc-team-buy sc-share-sheet dialog');
    await sheet.waitFor({ state: 'visible' });
    await page.locator('sc-team-buy sc-share-sheet button[part=copy]').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('sc_team=');
    link = await page.evaluate(() => navigator.clipboard.readText());
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe(`${shop}product`);
    expect(url.searchParams.get('sku')).toBe(SKU);
    expect(url.searchParams.get('sc_team')).toBe(teamId);
    // the team link is also the leader's referral link (share-to-earn)
    expect(url.searchParams.get('ref')).toMatch(/^[\w-]{3,32}$/);
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });
    // a mark on this document: still there when the team completes, so no reload brought the news
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  });

  test('the friend opens the link in a fresh browser, is invited to the leader’s team and joins: both see it complete', async () => {
    const page = friendPage;
    await page.goto(link);
    const card = teamBuy(page);
    await card.locator('[part=invite]').waitFor({ state: 'visible' });
    expect(await card.locator('[part=invite]').textContent()).toBe('Ka C.邀請你加入拼團');
    expect(await card.locator('[part=status]').textContent()).toBe('尚欠 1 人');
    await card.locator('.team [part~=join]').click();

    // the friend's page: complete, two members, no empty seat
    await expect.poll(() => card.locator('.team').getAttribute('class')).toContain('complete');
    expect(await card.locator('[part~=avatar]').count()).toBe(2);
    expect(await card.locator('[part=seat]').count()).toBe(0);
    expect(await card.locator('[part=status]').textContent()).toContain('HK$148');
    expect(await page.evaluate(() => window.ShareCart?.team()?.teamId)).toBe(teamId);
    await expect.poll(() => page.locator('.cart-count').first().textContent()).toBe('1');

    // the leader's page, untouched since: the join arrived over the WebSocket
    const lead = teamBuy(leaderPage);
    await expect.poll(() => lead.locator('.team').getAttribute('class'), { timeout: 10_000 }).toContain('complete');
    expect(await lead.locator('[part~=avatar]').count()).toBe(2);
    expect(await lead.locator('[part=status]').textContent()).toBe('成團！商店現會收取你的 HK$148。');
    expect(await lead.locator('[role=status]').textContent()).toContain('成團');
    expect(await leaderPage.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  test('each checks out at the team price; the shop’s conversions carry the team', async () => {
    // the leader pays HK$148; the friend came through the leader's link, so the friend discount
    // (10 %) applies on top and the leader earns the commission, as on any referred order
    const paid = [TEAM_PRICE, TEAM_PRICE - TEAM_PRICE / 10];
    orderIds.push(await checkOut(leaderPage, '陳嘉欣', 'ka.yan.e2e@example.com', paid[0]!));
    orderIds.push(await checkOut(friendPage, '黃偉明', 'wai.ming.e2e@example.com', paid[1]!));

    const { data: taken } = (await (await fetch(`${merchant}/orders`)).json()) as { data: Array<Record<string, unknown>> };
    const conversions = [];
    for (const [i, orderId] of orderIds.entries()) {
      const order = taken.find((o) => o.orderId == orderId)!;
      expect(order).toMatchObject({
        amountMinor: paid[i],
        teamId,
        items: [{ sku: SKU, quantity: 1, unitPriceMinor: TEAM_PRICE }],
      });
      const { conversion } = await secretApi<{ conversion: Record<string, unknown> }>(`/v1/conversions/${order.conversionId}`);
      expect(conversion).toMatchObject({ orderId, amountMinor: paid[i], verified: true, teamId });
      conversions.push(conversion);
    }
    expect(conversions[0]!.referrerId).toBeNull();
    expect(conversions[1]!.clickId).toMatch(/^clk_/);
    expect(conversions[1]!.referrerId).toMatch(/^ref_/);

    // the shop's record of the team: both members with their orders, one completion event
    const { team } = await secretApi<{
      team: {
        status: string;
        orderedCount: number;
        memberRecords: Array<{ name: string; orderId: string | null; paidMinor: number | null }>;
        events: Array<{ type: string; payload: { tier: { priceMinor: number }; members: unknown[] } }>;
      };
    }>(`/v1/teams/${teamId}/record`);
    expect(team.status).toBe('complete');
    expect(team.memberRecords.map((m) => [m.name, m.orderId, m.paidMinor])).toEqual([
      ['Ka C.', orderIds[0], paid[0]],
      [null, orderIds[1], paid[1]], // the friend gave no name: shown as "a buyer", never invented
    ]);
    expect(team.events.map((e) => e.type)).toEqual(['team.completed']);
    expect(team.events[0]!.payload.tier.priceMinor).toBe(TEAM_PRICE);
    expect(team.events[0]!.payload.members).toHaveLength(2);
  });

  test('no page logged an error or got a failed response', () => {
    expect(errors.flat().filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
