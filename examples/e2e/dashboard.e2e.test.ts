/**
 * The shop dashboard at /dashboard/ in Chromium (issue 7 §2, §5): sign-in with a dashboard token
 * (the HttpOnly, Secure, SameSite=Strict session cookie on http://127.0.0.1, a secure context), every
 * view rendering the demo shop's seeded data, a payout batch whose PayPal and bank/FPS files are
 * checked line by line and whose "mark paid" writes the ledger once however often it is clicked,
 * CSRF refused, another shop's session refused, the webhook URL and a dead letter sent again,
 * axe-core clean in the three languages, and a phone (in Hong Kong Chinese).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, api, launch } from './support/browser.js';
import { axeViolations } from './support/axe.js';
import { call, executeSql, newShop, signInUrl } from './support/shops.js';
import { verifyWebhook } from '../../sdk/src/webhooks/verify-webhook.js';

const DEMO_TOKEN = 'dt_demo_harbourleaf00000000000000000000';
const VIEWS = ['funnel', 'leaderboard', 'orders', 'teams', 'ledger', 'referrers', 'payouts', 'webhooks', 'settings'] as const;

/** A fresh shop with two referrers whose commissions are available (hold 0), and its sign-in link. */
async function payoutShop() {
  const shop = await newShop('Dash Test 茶, "E2E"');
  const sk = shop.secretKey;
  const referrers: Array<{ id: string; code: string }> = [];
  for (const [i, r] of [
    { displayName: 'Ka Yan', email: 'kayan.e2e@example.com', payout: { paypalEmail: 'kayan.e2e@example.com' } },
    { displayName: '陳美琪', phone: '+852 9123 4567', payout: { fpsId: '+852 9123 4567' } },
  ].entries()) {
    const { referrer } = await call('/v1/referrers', sk, {
      body: { displayName: r.displayName, email: r.email, phone: r.phone },
    });
    await call(`/v1/referrers/${referrer.id}`, sk, { method: 'PATCH', body: r.payout });
    await call('/v1/conversions', sk, {
      body: { orderId: `DASH-${i}`, amountMinor: 150_000 + i * 10_000, currency: 'HKD', referralCode: referrer.code },
    });
    referrers.push(referrer);
  }
  // the shop object's alarm releases the commissions at once (hold 0)
  const deadline = Date.now() + 20_000;
  for (const r of referrers) {
    while ((await call(`/v1/referrers/${r.id}/balances`, sk)).balances.available <= 0) {
      if (Date.now() > deadline) throw new Error('commissions were not released');
      await new Promise((done) => setTimeout(done, 250));
    }
  }
  return { shopId: shop.shopId, sk, referrers, signInUrl: await signInUrl(shop) };
}

async function signIn(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('sc-shop-dashboard nav').waitFor();
  return page;
}

/** Opens a view and waits until it has loaded. */
async function open(page: Page, view: (typeof VIEWS)[number]) {
  await page.locator(`sc-shop-dashboard nav button[data-view="${view}"]`).click();
  const el = page.locator(`sc-shop-dashboard main > [data-view="${view}"]`);
  await el.locator('h2').waitFor();
  await page.waitForFunction((v) => {
    const host = document.querySelector('sc-shop-dashboard')?.shadowRoot?.querySelector(`main > [data-view="${v}"]`);
    return (
      !!host?.shadowRoot && !host.shadowRoot.querySelector('[role="status"].muted') && host.shadowRoot.textContent!.length > 40
    );
  }, view);
  return el;
}

let browser: Browser;
let demo: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  demo = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
  page = await signIn(demo, `${api}/dashboard/#token=${DEMO_TOKEN}`);
});

afterAll(async () => {
  await browser?.close();
});

describe('sign-in', () => {
  test('the token leaves the address bar; the session cookie is HttpOnly, Secure, SameSite=Strict', async () => {
    expect(new URL(page.url()).hash).toBe('');
    await expect.poll(() => page.locator('sc-shop-dashboard header h1').textContent()).toContain('Harbour Leaf');
    const cookies = await demo.cookies(api);
    expect(
      cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite, path: c.path })),
    ).toEqual([{ name: '__Host-sc_session', httpOnly: true, secure: true, sameSite: 'Strict', path: '/' }]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // a reload keeps the session
    await page.reload();
    await page.locator('sc-shop-dashboard nav').waitFor();
  });

  test('a wrong token is refused with a message, and nothing is signed in', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${api}/dashboard/#token=dt_wrong0000000000000000000000000000`);
    await expect.poll(() => p.locator('sc-shop-dashboard [role="alert"]').textContent()).toContain('unknown, expired or revoked');
    expect(await context.cookies(api)).toEqual([]);
    await context.close();
  });
});

describe('every view renders the seeded data', () => {
  test('funnel: totals, the channel table (WhatsApp first) and both uPlot charts', async () => {
    const view = await open(page, 'funnel');
    const clicks = Number(await view.locator('[data-figure="clicks"]').textContent());
    expect(clicks).toBeGreaterThan(100);
    expect(Number(await view.locator('[data-figure="orders"]').textContent())).toBeGreaterThan(20);
    await expect
      .poll(() => view.locator('table[data-testid="channels"] tbody tr').first().getAttribute('data-channel'))
      .toBe('whatsapp');
    expect(await view.locator('table[data-testid="channels"] tr[data-channel="instagram"] th').textContent()).toBe('Instagram');
    expect(await view.locator('#over-time canvas').count()).toBe(1);
    expect(await view.locator('#by-channel canvas').count()).toBe(1);
    // the same numbers as the API's funnel for the same period
    const sum = await view.locator('table[data-testid="channels"] tbody tr td:nth-child(3)').allTextContents();
    expect(sum.reduce((n, t) => n + Number(t), 0)).toBe(clicks);
  });

  test('leaderboard: Maggie first', async () => {
    const view = await open(page, 'leaderboard');
    expect(await view.locator('table[data-testid="leaderboard"] tbody tr').first().locator('th').textContent()).toContain(
      'Maggie',
    );
  });

  test('orders: each with its attribution explained', async () => {
    const view = await open(page, 'orders');
    const first = view.locator('[data-testid="conversions"] li[data-order]').first();
    expect(await first.getAttribute('data-order')).toMatch(/^HL-/);
    const clickOrder = view.locator('li[data-order]', { hasText: 'Pending' }).first();
    await clickOrder.locator('summary').click();
    // (other end-to-end files may have added newer orders before this one runs: any channel)
    expect(await clickOrder.locator('.explanation').textContent()).toMatch(
      /Click on .+’s link via [^;]+ on [^;]+; last click in the 30-day window|code/,
    );
    // the seeded orders name the social channel their click came from
    const explanations = await view.locator('.explanation').allTextContents();
    expect(explanations.filter((t) => /link via WhatsApp on /.test(t)).length).toBeGreaterThan(0);
  });

  test('teams: the seeded open, complete and expired teams, each with what to do with the payments', async () => {
    const view = await open(page, 'teams');
    const statuses = await view
      .locator('[data-testid="teams"] li[data-team]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['open', 'complete', 'expired']));
    const complete = view.locator('li[data-status="complete"]').first();
    expect(await complete.textContent()).toContain('capture each member’s payment at HK$');
    await complete.locator('summary').click();
    expect(await complete.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await view.locator('li[data-status="expired"]').first().textContent()).toContain('release or refund');
    await view.locator('select#team-status').selectOption('open');
    await expect
      .poll(async () => [
        ...new Set(await view.locator('li[data-team]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))),
      ])
      .toEqual(['open']);
  });

  test('ledger: entries, filtered by type', async () => {
    const view = await open(page, 'ledger');
    expect(await view.locator('table[data-testid="ledger"] tbody tr').count()).toBeGreaterThan(50);
    await view.locator('select#type').selectOption('payout');
    await view.locator('form button').click();
    await expect
      .poll(async () => [
        ...new Set(await view.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))),
      ])
      .toEqual(['payout']);
  });

  test('referrers: Maggie with her vanity code; payouts: who is due; settings: the program and the script tag', async () => {
    const referrers = await open(page, 'referrers');
    expect(await referrers.locator('table[data-testid="referrers"] tbody').textContent()).toContain('maggie');
    const payouts = await open(page, 'payouts');
    expect(await payouts.locator('p.muted').first().textContent()).toContain('HK$100');
    const settings = await open(page, 'settings');
    expect(await settings.locator('input#rate').inputValue()).toBe('10');
    expect(await settings.locator('[data-testid="snippet"]').textContent()).toBe(
      `<script type="module" src="${api}/sdk/sharecart.js" data-shop="${DEMO.publishableKey}"></script>`,
    );
  });
});

describe('payouts', () => {
  test('a batch: the PayPal and bank/FPS files line by line, then mark paid writes the ledger once', async () => {
    const shop = await payoutShop();
    const context = await browser.newContext({ acceptDownloads: true });
    const p = await signIn(context, shop.signInUrl);
    const view = await open(p, 'payouts');
    expect(await view.locator('table[data-testid="due"] tbody tr').count()).toBe(2);
    await view.locator('button[data-action="create-batch"]').click();
    const batch = view.locator('[data-testid="batch"]');
    await batch.waitFor();
    const batchId = (await batch.getAttribute('data-batch'))!;
    const { batch: api_ } = await call(`/v1/payouts/batches/${batchId}`, shop.sk);
    const item = (name: string) => api_.items.find((i: { displayName: string }) => i.displayName === name);
    const download = async (action: string) => {
      const [file] = await Promise.all([p.waitForEvent('download'), batch.locator(`button[data-action="${action}"]`).click()]);
      return readFileSync((await file.path())!, 'utf8');
    };
    expect((await download('paypal')).split('\r\n')).toEqual([
      `kayan.e2e@example.com,150.00,HKD,${item('Ka Yan').payoutId},"Dash Test 茶, ""E2E"" referral commission",PAYPAL`,
      '',
    ]);
    expect((await download('bank')).split('\r\n')).toEqual([
      'payout_id,referrer_code,name,amount,currency,rail,fps_id,phone,email,bank_account,reference',
      `${item('陳美琪').payoutId},${shop.referrers[1]!.code},陳美琪,160.00,HKD,fps,+852 9123 4567,+85291234567,,,"Dash Test 茶, ""E2E"" ${item('陳美琪').payoutId}"`,
      '',
    ]);

    // "mark paid": the button, and at the same time ten more clicks' worth of requests from the page
    const csrf = await p.evaluate(async () => (await (await fetch('/v1/sessions/current')).json()).session.csrfToken);
    const [statuses] = await Promise.all([
      p.evaluate(
        async ({ id, token }) =>
          Promise.all(
            Array.from({ length: 10 }, () =>
              fetch(`/v1/payouts/batches/${id}/mark-paid`, { method: 'POST', headers: { 'x-csrf-token': token } }).then(
                (r) => r.status,
              ),
            ),
          ),
        { id: batchId, token: csrf },
      ),
      batch
        .locator('button[data-action="mark-paid"]')
        .click()
        .then(() => view.locator('dialog.ask button[data-answer="yes"]').click()),
    ]);
    expect(statuses).toEqual(Array(10).fill(200));
    await expect.poll(() => batch.locator('[data-status]').getAttribute('data-status')).toBe('paid');
    const payouts = (await call(`/v1/ledger?type=payout`, shop.sk)).data;
    expect(payouts).toHaveLength(4);
    for (const r of shop.referrers) {
      const { balances } = await call(`/v1/referrers/${r.id}/balances`, shop.sk);
      expect(balances.available).toBe(0);
      expect(balances.paid).toBeGreaterThan(0);
    }
    expect(await view.locator('[data-testid="nothing-due"]').count()).toBe(1);

    // CSRF: without the token, or from another site, a change is refused
    const refused = await p.evaluate(async () => {
      const res = await fetch('/v1/shop', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"x"}',
      });
      return [res.status, (await res.json()).error.code];
    });
    expect(refused).toEqual([403, 'csrf_failed']);
    const other = await context.newPage();
    await other.goto(`http://localhost:${new URL(api).port}/shop/`);
    const crossSite = await other.evaluate(async (u) => {
      const res = await fetch(`${u}/v1/shop`, { credentials: 'include' }).catch(() => null);
      return res ? res.status : 'blocked';
    }, api);
    // SameSite=Strict: the cookie never rides a cross-site request (and CORS refuses the read)
    expect(crossSite === 'blocked' || crossSite === 401).toBe(true);

    // another shop's session: the demo shop's session cannot read or pay this shop's batch
    const demoStatus = await page.evaluate(async (id) => (await fetch(`/v1/payouts/batches/${id}`)).status, batchId);
    expect(demoStatus).toBe(404);
    const maggieId = (await call('/v1/referrers?limit=500', DEMO.secretKey)).data.find(
      (r: { vanityCode: string }) => r.vanityCode === 'maggie',
    ).id;
    expect(await p.evaluate(async (id) => (await fetch(`/v1/referrers/${id}`)).status, maggieId)).toBe(404);
    await context.close();
  });
});

describe('webhooks', () => {
  test('the URL set in the dashboard; a failed delivery, dead-lettered, sent again from the dashboard and verified', async () => {
    // the shop's server: fails while `failing`, records every delivery
    const received: Array<{ headers: Record<string, string>; body: string }> = [];
    let failing = true;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(failing ? 500 : 200).end(failing ? 'down' : 'ok');
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sharecart`;
    const context = await browser.newContext({ locale: 'en-GB' });
    try {
      const shop = await newShop('Hooked 茶');
      const { referrer } = await call('/v1/referrers', shop.secretKey, { body: { displayName: 'Hook' } });
      const p = await signIn(context, await signInUrl(shop));
      const view = await open(p, 'webhooks');
      expect(await view.locator('[data-testid="no-deliveries"]').count()).toBe(1);
      await view.locator('input#url').fill(url);
      await view.locator('[data-testid="webhook-form"] button').click();
      await expect.poll(() => view.locator('p[role="status"]').textContent()).toBe('Saved.');
      expect((await call('/v1/webhooks', shop.secretKey)).endpoint.url).toBe(url);

      // an order: its events go to the server, which fails them
      await call('/v1/conversions', shop.secretKey, {
        body: { orderId: 'HOOK-1', amountMinor: 10_000, currency: 'HKD', referralCode: referrer.code },
      });
      await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
      const eventId = received[0]!.headers['webhook-id']!;
      // what 3 days of failed retries end in (the sender's backoff is tested in worker/test/webhooks.test.ts)
      await executeSql(
        `UPDATE outbox_events SET dead_at = ${Date.now()} WHERE shop_id = '${shop.shopId}' AND delivered_at IS NULL`,
      );
      failing = false;

      await view.locator('select#status').selectOption('dead');
      const row = view.locator(`tr[data-event="${eventId}"]`);
      await expect.poll(() => row.getAttribute('data-status')).toBe('dead');
      expect(await row.textContent()).toContain('HTTP 500');
      expect(await row.locator('th').textContent()).toBe('conversion.attributed');
      expect(await axeViolations(p)).toEqual([]);
      await row.locator('button[data-action="retry"]').click();
      await expect.poll(() => view.locator('p[role="status"]').textContent()).toContain('Sent again');
      // delivered: the same webhook-id once more, signed with the shop's secret
      await expect.poll(() => received.filter((r) => r.headers['webhook-id'] === eventId).length, { timeout: 15_000 }).toBe(2);
      const delivery = received.filter((r) => r.headers['webhook-id'] === eventId).at(-1)!;
      expect(await verifyWebhook(delivery.body, delivery.headers, shop.webhookSecret)).toMatchObject({
        id: eventId,
        type: 'conversion.attributed',
      });
      await view.locator('select#status').selectOption('delivered');
      await expect.poll(() => view.locator(`tr[data-event="${eventId}"]`).getAttribute('data-status')).toBe('delivered');

      // the URL is a change: refused without the session's CSRF token
      const refused = await p.evaluate(async () => {
        const res = await fetch('/v1/webhooks', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: '{"url":null}',
        });
        return [res.status, (await res.json()).error.code];
      });
      expect(refused).toEqual([403, 'csrf_failed']);
      expect((await call('/v1/webhooks', shop.secretKey)).endpoint.url).toBe(url);
    } finally {
      await context.close();
      server.close();
    }
  });
});

describe('accessibility and the phone', () => {
  test('every view has no WCAG 2.1 A/AA violations, in each of the three languages', async () => {
    const words = { en: 'Settings', 'zh-Hant-HK': '設定', 'zh-Hans': '设置' } as const;
    for (const lang of ['en', 'zh-Hant-HK', 'zh-Hans'] as const) {
      await page.locator('sc-shop-dashboard select#lang').selectOption(lang);
      expect(await page.locator('sc-shop-dashboard nav button[data-view="settings"]').textContent()).toContain(words[lang]);
      // the page and the dashboard's parts say which language they are in
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      expect(await page.locator('sc-shop-dashboard main').getAttribute('lang')).toBe(lang);
      for (const view of VIEWS) {
        await open(page, view);
        expect({ lang, view, violations: await axeViolations(page) }).toEqual({ lang, view, violations: [] });
      }
    }
    await page.locator('sc-shop-dashboard select#lang').selectOption('en');
  });

  test('on a phone every view fits the screen width and the navigation scrolls', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'zh-HK',
    });
    const p = await signIn(phone, `${api}/dashboard/#token=${DEMO_TOKEN}`);
    // a phone set to Hong Kong Chinese opens the dashboard in 繁體中文
    expect(await p.locator('sc-shop-dashboard nav button[data-view="payouts"]').textContent()).toContain('付款');
    expect(await p.evaluate(() => document.documentElement.lang)).toBe('zh-Hant-HK');
    for (const view of VIEWS) {
      await open(p, view);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ view, overflow }).toEqual({ view, overflow: 0 });
    }
    await phone.close();
  });

  test('sign-out ends the session', async () => {
    await page.locator('sc-shop-dashboard header button', { hasText: 'Sign out' }).click();
    await page.locator('sc-shop-dashboard form input#token').waitFor();
    expect(await page.evaluate(async () => (await fetch('/v1/sessions/current')).status)).toBe(401);
  });
});
