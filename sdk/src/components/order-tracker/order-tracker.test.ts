import type { ReferrerStats } from '../../wire.js';
import { configure } from '../../internal/runtime.js';
import { TOKEN_KEY } from '../../internal/storage.js';
import {
  a11yProblems,
  api,
  apiRequests,
  axeViolations,
  env,
  equal,
  match,
  mount,
  ok,
  resetSdk,
  shadow,
  waitFor,
  withoutWebShare,
  XSS,
} from '../../test/helpers.js';
import type { OrderTracker } from './order-tracker.component.js';
import './order-tracker.js';

/**
 * Configures the SDK for one of the test shops. GET /v1/config is cacheable for 60 s and the worker
 * answers `Vary: Origin` only (not Authorization), so the browser would serve the previous shop's
 * config: refresh the cached entry with this shop's first.
 */
async function setup({ key }: { key: string } = env.browserShop, extra: Record<string, unknown> = {}) {
  await (await fetch(`${env.api}/v1/config`, { cache: 'reload', headers: { authorization: `Bearer ${key}` } })).text();
  await new Promise((r) => setTimeout(r, 50));
  performance.clearResourceTimings();
  configure({ key, api: env.api, ...extra });
}

const orderId = (tag: string) => `OT-${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const text = (el: Element, selector: string) => (shadow(el, selector).textContent ?? '').replace(/\s+/g, ' ').trim();
const browserReports = () => apiRequests().filter((e) => e.name.endsWith('/v1/conversions/browser'));

async function tracker(html: string): Promise<OrderTracker> {
  const el = mount<OrderTracker>(html);
  // wait for the config too (no HTTP cache in the test browser: the first render is "Loading…")
  await waitFor(
    () => !(el as unknown as { loading: boolean }).loading && el.shadowRoot?.querySelector('[part=text]')?.textContent?.trim(),
    8000,
    'the offer',
  );
  return el;
}

async function closeSheet(el: OrderTracker) {
  const sheet = (await waitFor(() => el.shadowRoot!.querySelector('sc-share-sheet'), 8000, 'the share sheet'))!;
  await waitFor(() => sheet.shadowRoot?.querySelector<HTMLDialogElement>('dialog')?.open, 4000, 'the dialog to open');
  (sheet as unknown as { hide(): void }).hide();
}

describe('<sc-order-tracker>', () => {
  let restore: () => void = () => {};
  beforeEach(() => {
    resetSdk();
    restore = withoutWebShare();
  });
  afterEach(() => {
    restore();
    resetSdk();
  });

  it('reports the order from the browser when the shop allows it, once, as unverified', async () => {
    await setup();
    const id = orderId('browser');
    const reports: unknown[] = [];
    document.addEventListener('sc-order-report', (e) => reports.push(e.detail));
    const el = await tracker(
      `<sc-order-tracker order-id="${id}" amount="15000" currency="HKD" items="oolong-250g:1" product="oolong-250g"></sc-order-tracker>`,
    );
    await waitFor(() => el.status == 'reported', 8000, 'the report');
    equal(JSON.stringify(reports), JSON.stringify([{ orderId: id, verified: false }]));
    equal(el.getAttribute('status'), 'reported');
    el.amount = 15000;
    el.requestUpdate();
    await el.updateComplete;
    equal(browserReports().length, 1, 'reported twice');
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe: reported');
  });

  it('does not report when the shop does not accept browser reports', async () => {
    await setup(env.shop);
    const el = await tracker(`<sc-order-tracker order-id="${orderId('off')}" amount="15000" currency="HKD"></sc-order-tracker>`);
    await waitFor(() => el.status == 'not-reported');
    equal(browserReports().length, 0);
  });

  it('does not report an order the shop server already reported (claim-token)', async () => {
    await setup();
    const el = await tracker(
      `<sc-order-tracker order-id="SERVER-1" amount="15000" claim-token="${env.browserShop.claimToken}"></sc-order-tracker>`,
    );
    await waitFor(() => el.status == 'reported-by-shop');
    equal(browserReports().length, 0);
  });

  it('with a claim token, one tap makes the buyer a verified-buyer referrer and opens the share sheet', async () => {
    await setup();
    const el = await tracker(
      `<sc-order-tracker order-id="SERVER-1" claim-token="${env.browserShop.claimToken}" product="oolong-250g"></sc-order-tracker>`,
    );
    const referrers: boolean[] = [];
    el.addEventListener('sc-referrer', (e) => referrers.push(e.detail.referrer.verifiedBuyer));
    shadow<HTMLButtonElement>(el, 'button[part=button]').click();
    await closeSheet(el);
    equal(referrers.join(), 'true');
    await el.updateComplete;
    ok(shadow(el, '[part=badge]').textContent!.includes('Verified buyer'));
    equal((await axeViolations(el)).join('\n'), '', 'axe: verified, shared');
    const token = JSON.parse(localStorage.getItem(TOKEN_KEY)!);
    const me = await api<ReferrerStats>('/v1/referrers/me', { key: env.browserShop.key, token });
    equal(me.referrer.verifiedBuyer, true);
  });

  it('a claim token already used (another browser, cleared storage): sharing makes an ordinary referrer', async () => {
    await setup();
    // claim tokens are single-use: make sure this one is spent, whatever ran before
    await api('/v1/referrers', { key: env.browserShop.key, body: { claimToken: env.browserShop.claimToken } }).catch(() => {});
    const el = await tracker(
      `<sc-order-tracker order-id="SERVER-1" claim-token="${env.browserShop.claimToken}" product="oolong-250g"></sc-order-tracker>`,
    );
    const errors: string[] = [];
    el.addEventListener('sc-error', (e) => errors.push(e.detail.code));
    shadow<HTMLButtonElement>(el, 'button[part=button]').click();
    await closeSheet(el);
    equal(errors.join(), '', 'sc-error');
    ok(localStorage.getItem(TOKEN_KEY), 'an ordinary referrer was created');
    ok(!el.shadowRoot!.querySelector('[part=badge]'), 'shown as verified');
  });

  it('after a browser report, sharing makes a referrer that is not a verified buyer', async () => {
    await setup();
    const el = await tracker(
      `<sc-order-tracker order-id="${orderId('share')}" amount="15000" product="oolong-250g"></sc-order-tracker>`,
    );
    await waitFor(() => el.status == 'reported');
    const referrers: boolean[] = [];
    el.addEventListener('sc-referrer', (e) => referrers.push(e.detail.referrer.verifiedBuyer));
    shadow<HTMLButtonElement>(el, 'button[part=button]').click();
    await closeSheet(el);
    equal(referrers.join(), 'false');
    ok(!el.shadowRoot!.querySelector('[part=badge]'), 'shown as verified');
  });

  it('keeps an existing referrer instead of replacing it', async () => {
    await setup();
    const created = await api<{ token: string; referrer: { code: string } }>('/v1/referrers', {
      key: env.browserShop.key,
      body: {},
    });
    localStorage.setItem(TOKEN_KEY, JSON.stringify(created.token));
    const el = await tracker(`<sc-order-tracker claim-token="${env.browserShop.claimToken}"></sc-order-tracker>`);
    shadow<HTMLButtonElement>(el, 'button[part=button]').click();
    await closeSheet(el);
    equal(JSON.parse(localStorage.getItem(TOKEN_KEY)!), created.token);
  });

  it('reports a readable error for a bad amount', async () => {
    await setup();
    const errors: string[] = [];
    document.addEventListener('sc-error', (e) => errors.push(e.detail.code), { once: true });
    const el = await tracker(`<sc-order-tracker order-id="${orderId('bad')}" amount="12.5"></sc-order-tracker>`);
    await waitFor(() => el.status == 'error');
    equal(errors[0], 'sc_invalid_amount');
    equal((await axeViolations(el)).join('\n'), '', 'axe: error');
    equal(browserReports().length, 0);
  });

  it('offers the program in en, zh-Hant-HK and zh-Hans, with the product’s earn amount', async () => {
    await setup(env.shop);
    const en = await tracker('<sc-order-tracker locale="en" product="oolong-250g"></sc-order-tracker>');
    equal(text(en, '[part=text]'), 'Friends get 10% off their first order; you earn HK$15 when they buy it.');
    equal(text(en, 'button[part=button]'), 'Share & earn');
    const hk = await tracker('<sc-order-tracker locale="zh-HK"></sc-order-tracker>');
    equal(text(hk, '[part=title]'), '曬單分享');
    equal((await axeViolations(hk)).join('\n'), '', 'axe: zh-Hant-HK');
    equal(text(hk, '[part=text]'), '朋友首單 9 折，你可賺取他們消費的 10%。');
    const hans = await tracker('<sc-order-tracker locale="zh-Hans" product="oolong-250g"></sc-order-tracker>');
    equal(text(hans, '[part=text]'), '朋友首单 9 折，他们买了，你赚 HK$15。');
  });

  it('shows a flat friend reward in money', async () => {
    await setup(env.flatShop);
    const el = await tracker('<sc-order-tracker locale="en"></sc-order-tracker>');
    match(text(el, '[part=text]'), /^Friends get HK\$20 off their first order; you earn HK\$25 when they buy it\.$/);
  });

  it('reserves its height while loading', async () => {
    await setup();
    const el = mount<OrderTracker>('<sc-order-tracker></sc-order-tracker>');
    await el.updateComplete;
    const before = el.getBoundingClientRect().height;
    ok(before >= 100, `only ${before}px reserved`);
    equal((await axeViolations(el)).join('\n'), '', 'axe: loading');
    await waitFor(() => text(el, '[part=text]').includes('HK$') || text(el, '[part=text]').includes('%'));
    ok(
      Math.abs(el.getBoundingClientRect().height - before) <= 24,
      `moved from ${before} to ${el.getBoundingClientRect().height}`,
    );
  });

  it('in consent mode sends nothing and stores nothing', async () => {
    await setup(env.browserShop, { consentRequired: true });
    const el = mount<OrderTracker>(`<sc-order-tracker order-id="${orderId('consent')}" amount="15000"></sc-order-tracker>`);
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    equal(el.status, 'idle');
    equal(apiRequests().length, 0);
    equal(localStorage.length, 0);
  });

  it('renders every attribute and API string inertly', async () => {
    await setup(env.shop);
    for (const payload of XSS) {
      const attr = payload.replace(/"/g, '&quot;');
      const el = await tracker(
        `<sc-order-tracker order-id="${attr}" product="xss-product" currency="${attr}" items="${attr}" url="${attr}" locale="${attr}"></sc-order-tracker>`,
      );
      ok(!el.shadowRoot!.querySelector('img, script, svg[onload]'), 'markup was injected');
      el.remove();
    }
    await new Promise((r) => setTimeout(r, 100));
    equal((window as unknown as { __scXss?: number }).__scXss, undefined);
  });

  it('is themable through custom properties and parts', async () => {
    await setup(env.shop);
    const style = document.createElement('style');
    style.textContent = `
      .sc-test { --sc-order-tracker-accent: rgb(4, 5, 6); --sc-order-tracker-bg: rgb(250, 250, 250); }
      .sc-test sc-order-tracker::part(title) { letter-spacing: 2px; }`;
    document.head.append(style);
    try {
      const el = await tracker('<sc-order-tracker></sc-order-tracker>');
      equal(getComputedStyle(shadow(el, 'button[part=button]')).backgroundColor, 'rgb(4, 5, 6)');
      equal(getComputedStyle(shadow(el, '[part=base]')).backgroundColor, 'rgb(250, 250, 250)');
      equal(getComputedStyle(shadow(el, '[part=title]')).letterSpacing, '2px');
    } finally {
      style.remove();
    }
  });
});
