import { sendKeys } from '@web/test-runner-commands';
import type { ReferrerCreated, ReferrerStats } from '../../wire.js';
import { configure } from '../../internal/runtime.js';
import { TOKEN_KEY } from '../../internal/storage.js';
import {
  a11yProblems,
  api,
  apiRequests,
  axeViolations,
  deepActive,
  env,
  equal,
  expectQrFailure,
  match,
  mount,
  ok,
  resetSdk,
  shadow,
  waitFor,
  XSS,
} from '../../test/helpers.js';
import type { ReferrerDashboard } from './referrer-dashboard.component.js';
import './referrer-dashboard.js';

type Key = { key: string };

function setup({ key }: Key = env.shop, extra: Record<string, unknown> = {}) {
  configure({ key, api: env.api, ...extra });
}

/** A referrer made through the real API; its token kept as the SDK keeps it. */
async function referrer(shop: Key = env.shop): Promise<ReferrerCreated> {
  const created = await api<ReferrerCreated>('/v1/referrers', { key: shop.key, body: {} });
  localStorage.setItem(TOKEN_KEY, JSON.stringify(created.token));
  return created;
}

async function dashboard(html = '<sc-referrer-dashboard></sc-referrer-dashboard>', view = 'ready'): Promise<ReferrerDashboard> {
  const el = mount<ReferrerDashboard>(html);
  await waitFor(() => el.view == view, 8000, `the ${view} view`);
  await el.updateComplete;
  return el;
}

const text = (el: Element, selector: string) => (shadow(el, selector).textContent ?? '').replace(/\s+/g, ' ').trim();
const values = (el: Element, selector: string) =>
  [...el.shadowRoot!.querySelectorAll(selector)].map((n) => (n.textContent ?? '').replace(/\s+/g, ' ').trim());

describe('<sc-referrer-dashboard>', () => {
  beforeEach(() => resetSdk());
  afterEach(() => resetSdk());

  it('without a referrer in this browser, offers to make the link, then shows it', async () => {
    setup();
    const el = await dashboard(undefined, 'empty');
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe: empty');
    const loaded: string[] = [];
    el.addEventListener('sc-referrer', (e) => loaded.push(e.detail.referrer.code));
    shadow<HTMLButtonElement>(el, 'button[part=button]').click();
    await waitFor(() => el.view == 'ready', 8000, 'the ready view');
    await el.updateComplete;
    equal(loaded.length, 1);
    match(shadow<HTMLInputElement>(el, 'input[part=link]').value, new RegExp(`/r/${loaded[0]}$`));
    ok(localStorage.getItem(TOKEN_KEY), 'the token is kept');
    equal(values(el, '[part=stat] [part=value]').join(), '0,0,0');
    equal(values(el, '[part~=balance] [part=value]').join(), 'HK$0,HK$0,HK$0');
  });

  it("shows the referrer's clicks, orders and a browser-reported order's commission on hold", async () => {
    setup(env.browserShop);
    const { referrer: r } = await referrer(env.browserShop);
    const click = await api<{ clickId: string }>('/v1/clicks', { key: env.browserShop.key, body: { code: r.code } });
    await api('/v1/conversions/browser', {
      key: env.browserShop.key,
      body: {
        orderId: `DASH-${Date.now()}`,
        amountMinor: 15000,
        currency: 'HKD',
        clickId: click.clickId,
        items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 15000 }],
      },
    });
    const el = await dashboard();
    equal(values(el, '[part=stat] [part=value]').join(), '1,1,0', 'clicks, orders, shares');
    // unverified until the shop's server confirms it: held, never pending on its own
    equal(text(el, '[part~=balance-on-hold] [part=value]'), 'HK$15');
    equal(text(el, '[part~=balance-pending] [part=value]'), 'HK$0');
    equal(text(el, '[part~=balance-available] [part=value]'), 'HK$0');
    equal(text(el, '[part~=balance-paid] [part=value]'), 'HK$0');
    const orders = el.shadowRoot!.querySelectorAll('[part=order]');
    equal(orders.length, 1);
    ok(orders[0].textContent!.includes('HK$150'), orders[0].textContent!);
    ok(orders[0].textContent!.includes('+HK$15'), orders[0].textContent!);
    ok(orders[0].querySelector('[part=status]')!.classList.contains('on_hold'), orders[0].innerHTML);
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe: ready with an order');
  });

  it('reserves its height while loading, and says so to screen readers', async () => {
    setup();
    await referrer();
    const el = mount<ReferrerDashboard>('<sc-referrer-dashboard></sc-referrer-dashboard>');
    await el.updateComplete;
    equal(el.view, 'loading');
    equal(shadow(el, '[part=base]').getAttribute('aria-busy'), 'true');
    ok(el.getBoundingClientRect().height >= 300, `only ${el.getBoundingClientRect().height}px reserved`);
    ok(text(el, '[role=status]').length > 0, 'no loading announcement');
    equal((await axeViolations(el)).join('\n'), '', 'axe: loading');
    await waitFor(() => el.view == 'ready');
  });

  it('copies the link with its channel and records the share', async () => {
    setup();
    const { referrer: r } = await referrer();
    const el = await dashboard();
    const shares: string[] = [];
    el.addEventListener('sc-share', (e) => shares.push(`${e.detail.channel} ${e.detail.url}`));
    shadow<HTMLButtonElement>(el, 'button[part=copy]').click();
    await waitFor(() => shares.length == 1);
    match(shares[0], new RegExp(`^copy .*/r/${r.code}\\?c=copy$`));
    await waitFor(() => text(el, '.status').length > 0, 2000, 'the copy status');
    await waitFor(
      async () =>
        (await api<ReferrerStats>('/v1/referrers/me', { token: JSON.parse(localStorage.getItem(TOKEN_KEY)!) })).stats.shares == 1,
    );
  });

  it('shows the QR code of the link, loaded only when asked for', async () => {
    setup();
    await referrer();
    const el = await dashboard();
    const toggle = shadow<HTMLButtonElement>(el, 'button[part=qr-toggle]');
    equal(toggle.getAttribute('aria-expanded'), 'false');
    ok(shadow(el, '[part=qr]').hidden, 'the QR panel shows before it is asked for');
    toggle.click();
    await waitFor(() => el.shadowRoot!.querySelector('[part=qr] svg path'));
    equal(toggle.getAttribute('aria-expanded'), 'true');
    equal(shadow(el, '#' + toggle.getAttribute('aria-controls')), shadow(el, '[part=qr]'));
    ok(shadow(el, '[part=qr] svg').getAttribute('aria-label'), 'the QR code has no label');
    equal((await axeViolations(el)).join('\n'), '', 'axe: QR shown');
    toggle.click();
    await el.updateComplete;
    ok(shadow(el, '[part=qr]').hidden, 'the QR panel did not close');
  });

  it('reports a QR code that cannot be made as sc-error, and shows none', async () => {
    setup();
    await referrer();
    // a page longer than a QR code holds
    const el = await dashboard(
      `<sc-referrer-dashboard url="https://shop.example/?note=${'x'.repeat(4000)}"></sc-referrer-dashboard>`,
    );
    await expectQrFailure(el, shadow(el, 'button[part=qr-toggle]'));
  });

  it('claims the referrer with an email, refusing a malformed one', async () => {
    setup();
    await referrer();
    const el = await dashboard();
    const form = shadow<HTMLFormElement>(el, 'form[part=claim]');
    const input = shadow<HTMLInputElement>(el, 'input[part=input]');
    equal((await axeViolations(el)).join('\n'), '', 'axe: claim form');
    input.value = 'not an email';
    form.requestSubmit();
    await el.updateComplete;
    equal(input.getAttribute('aria-invalid'), 'true');
    ok(text(el, '[part=error]').length > 0, 'no error shown');
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe: claim form with an error');
    const claims: boolean[] = [];
    el.addEventListener('sc-referrer-claim', (e) => claims.push(e.detail.referrer.claimed));
    input.value = 'referrer.test@example.com';
    form.requestSubmit();
    await waitFor(() => claims.length == 1);
    equal(claims[0], true);
    await el.updateComplete;
    ok(!el.shadowRoot!.querySelector('form'), 'the form is still there');
    ok(text(el, '[role=status].muted').length > 0, 'no confirmation');
    equal((await axeViolations(el)).join('\n'), '', 'axe: claimed');
  });

  it('uses the page given in `url` for the link, and refuses anything but http(s)', async () => {
    setup();
    const { referrer: r } = await referrer();
    const el = await dashboard(
      '<sc-referrer-dashboard url="https://shop.example/hk/?utm_campaign=x#top"></sc-referrer-dashboard>',
    );
    equal(shadow<HTMLInputElement>(el, 'input[part=link]').value, `https://shop.example/hk/?utm_campaign=x&ref=${r.code}#top`);
    el.url = 'javascript:window.__scXss=1';
    await el.updateComplete;
    match(shadow<HTMLInputElement>(el, 'input[part=link]').value, new RegExp(`^http://[^/]+/r/${r.code}$`));
  });

  it('renders every attribute and API string inertly', async () => {
    setup();
    const created = await api<ReferrerCreated>('/v1/referrers', { body: { displayName: XSS[0] } });
    localStorage.setItem(TOKEN_KEY, JSON.stringify(created.token));
    for (const payload of XSS) {
      const el = await dashboard(
        `<sc-referrer-dashboard url="${payload.replace(/"/g, '&quot;')}" locale="${payload.replace(/"/g, '&quot;')}"></sc-referrer-dashboard>`,
      );
      ok(!el.shadowRoot!.querySelector('img, script, svg[onload]'), 'markup was injected');
      match(shadow<HTMLInputElement>(el, 'input[part=link]').value, /^https?:\/\//);
      el.remove();
    }
    await new Promise((r) => setTimeout(r, 100));
    equal((window as unknown as { __scXss?: number }).__scXss, undefined);
  });

  it('speaks en, zh-Hant-HK and zh-Hans, from its attribute or the page', async () => {
    setup();
    await referrer();
    const en = await dashboard('<sc-referrer-dashboard locale="en"></sc-referrer-dashboard>');
    equal(text(en, '[part=title]'), 'Your referral link');
    equal(text(en, 'button[part=copy]'), 'Copy link');
    const zhHant = mount<HTMLElement>('<div lang="zh-HK"><sc-referrer-dashboard></sc-referrer-dashboard></div>')
      .firstElementChild as ReferrerDashboard;
    await waitFor(() => zhHant.view == 'ready');
    await zhHant.updateComplete;
    equal(text(zhHant, '[part=title]'), '你的推介連結');
    equal(text(zhHant, 'button[part=copy]'), '複製連結');
    const zhHans = await dashboard('<sc-referrer-dashboard locale="zh-CN"></sc-referrer-dashboard>');
    equal(text(zhHans, '[part=title]'), '你的推荐链接');
    equal(text(zhHans, '[part~=balance-pending] dt'), '待确认');
    equal((await axeViolations(zhHans)).join('\n'), '', 'axe: zh-Hans');
    zhHans.locale = 'en';
    await zhHans.updateComplete;
    equal(text(zhHans, '[part~=balance-pending] dt'), 'Pending');
  });

  it('in consent mode stores nothing and calls nothing until consent', async () => {
    setup(env.shop, { consentRequired: true });
    const el = await dashboard(undefined, 'consent');
    ok(text(el, '.muted').length > 0, 'no explanation');
    equal((await axeViolations(el)).join('\n'), '', 'axe: consent');
    equal(apiRequests().length, 0, 'the API was called');
    equal(localStorage.length, 0, 'something was stored');
  });

  it('shows a readable error with a retry when the API cannot be reached', async () => {
    setup();
    await referrer();
    // the network is down (not a reconfiguration: configure() reloads every element by itself)
    const online = window.fetch;
    window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const errors: string[] = [];
    document.addEventListener('sc-error', (e) => errors.push(e.detail.code), { once: true });
    let el: ReferrerDashboard;
    try {
      el = await dashboard(undefined, 'error');
    } finally {
      window.fetch = online;
    }
    equal(errors[0], 'sc_network');
    equal(shadow(el, '[part=error]').getAttribute('role'), 'alert');
    ok(text(el, '[part=error]').length > 10, 'the error says nothing');
    equal((await axeViolations(el)).join('\n'), '', 'axe: error');
    shadow<HTMLButtonElement>(el, 'button[part=retry]').click();
    await waitFor(() => el.view == 'ready', 8000, 'recovery after retry');
  });

  it('forgets a token the API no longer accepts and offers a new link', async () => {
    setup();
    localStorage.setItem(TOKEN_KEY, JSON.stringify('rt_revoked_or_unknown_0000'));
    await dashboard(undefined, 'empty');
    equal(localStorage.getItem(TOKEN_KEY), null);
  });

  /** Opens "Your data" and waits for its lazily loaded controls. */
  async function openData(el: ReferrerDashboard) {
    shadow<HTMLElement>(el, '[part=data] summary').click();
    await waitFor(() => el.shadowRoot!.querySelector('button[part=export]'), 8000, 'the data controls');
    await el.updateComplete;
  }

  it('downloads everything the shop keeps about the referrer as a JSON file', async () => {
    setup();
    const { referrer: r, token } = await referrer();
    await api('/v1/referrers/me/claim', { body: { email: 'data.owner@example.com' }, token });
    await api('/v1/shares', { body: { channel: 'whatsapp' }, token });
    const el = await dashboard();
    ok(!shadow<HTMLDetailsElement>(el, '[part=data]').open, '"Your data" opens by itself');
    await openData(el);
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe: your data');
    // the file the browser would save: the anchor's name and its blob, read before it is revoked
    const saved = new Promise<{ name: string; text: Promise<string> }>((resolve) =>
      el.shadowRoot!.addEventListener(
        'click',
        (e) => {
          const a = e.target as HTMLAnchorElement;
          if (a.localName != 'a' || !a.download) return;
          e.preventDefault();
          resolve({ name: a.download, text: fetch(a.href).then((res) => res.text()) });
        },
        { capture: true },
      ),
    );
    shadow<HTMLButtonElement>(el, 'button[part=export]').click();
    const file = await saved;
    equal(file.name, `my-data-${r.code}.json`);
    const data = JSON.parse(await file.text);
    equal(data.referrer.id, r.id);
    equal(data.referrer.email, 'data.owner@example.com');
    equal(data.shares.length, 1);
    equal(data.shares[0].channel, 'whatsapp');
    equal(text(el, '[part=data] [part=error]'), '');
  });

  it('deletes the identity only after a confirmation that can be cancelled, then forgets it', async () => {
    setup();
    const { referrer: r, token } = await referrer();
    await api('/v1/referrers/me/claim', { body: { email: 'delete.me@example.com' }, token });
    const el = await dashboard();
    await openData(el);
    const ask = shadow<HTMLButtonElement>(el, 'button[part=delete]');
    const confirm = shadow<HTMLElement>(el, '[part=confirm]');
    ok(confirm.hidden, 'the confirmation shows before it is asked for');
    equal(ask.getAttribute('aria-expanded'), 'false');
    // asking: the confirmation opens and focus goes to its safe choice
    ask.click();
    await waitFor(() => !confirm.hidden);
    equal(ask.getAttribute('aria-expanded'), 'true');
    await waitFor(() => deepActive() == shadow(el, 'button[part=cancel]'), 2000, 'focus on cancel');
    ok(text(el, '[part=confirm]').includes('cannot be undone'), text(el, '[part=confirm]'));
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe: confirmation');
    // cancelling deletes nothing, and focus returns
    shadow<HTMLButtonElement>(el, 'button[part=cancel]').click();
    await waitFor(() => confirm.hidden);
    await waitFor(() => deepActive() == ask, 2000, 'focus back on the button');
    equal((await api<ReferrerStats>('/v1/referrers/me', { token })).referrer.claimed, true);

    // confirming: deleted on the server, forgotten here, announced
    const deleted: string[] = [];
    el.addEventListener('sc-referrer-delete', (e) => deleted.push(e.detail.referrerId));
    ask.click();
    await waitFor(() => !confirm.hidden);
    shadow<HTMLButtonElement>(el, 'button[part=confirm-delete]').click();
    await waitFor(() => el.view == 'deleted', 8000, 'the deleted view');
    await el.updateComplete;
    equal(deleted.join(), r.id);
    equal(localStorage.getItem(TOKEN_KEY), null, 'the token is still kept');
    equal(shadow(el, '#deleted').getAttribute('role'), 'status');
    await waitFor(() => deepActive() == shadow(el, '#deleted'), 2000, 'focus on the message');
    equal((await axeViolations(el)).join('\n'), '', 'axe: deleted');
    const refused = await fetch(`${env.api}/v1/referrers/me`, {
      headers: { authorization: `Bearer ${env.shop.key}`, 'x-referrer-token': token },
    });
    equal(refused.status, 401);
    // a new link can be made afresh
    shadow<HTMLButtonElement>(el, 'button[part=button]').click();
    await waitFor(() => el.view == 'ready', 8000, 'a new link');
    ok(el.shadowRoot!.querySelector('input[part=link]'), 'no link');
  });

  it('says so when the data cannot be downloaded or deleted, and keeps everything', async () => {
    setup();
    await referrer();
    const el = await dashboard();
    await openData(el);
    const online = window.fetch;
    window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const errors: string[] = [];
    el.addEventListener('sc-error', (e) => errors.push(e.detail.code));
    try {
      shadow<HTMLButtonElement>(el, 'button[part=export]').click();
      await waitFor(() => text(el, '[part=data] [part=error]').length > 0, 4000, 'the export error');
      shadow<HTMLButtonElement>(el, 'button[part=delete]').click();
      await waitFor(() => !shadow(el, '[part=confirm]').hidden);
      shadow<HTMLButtonElement>(el, 'button[part=confirm-delete]').click();
      await waitFor(() => errors.length == 2, 4000, 'the delete error');
    } finally {
      window.fetch = online;
    }
    equal(errors.join(), 'sc_network,sc_network');
    equal(shadow(el, '[part=data] [part=error]').getAttribute('role'), 'alert');
    equal(el.view, 'ready');
    ok(localStorage.getItem(TOKEN_KEY), 'the token was dropped');
  });

  it('speaks the three languages in "Your data"', async () => {
    setup();
    await referrer();
    const el = await dashboard('<sc-referrer-dashboard locale="zh-Hant-HK"></sc-referrer-dashboard>');
    equal(text(el, '[part=data] summary'), '你的資料');
    await openData(el);
    equal(text(el, 'button[part=export]'), '下載我的資料');
    el.locale = 'zh-Hans';
    await el.updateComplete;
    equal(text(el, '[part=data] summary'), '你的数据');
    equal(text(el, 'button[part=delete]'), '删除我的身份');
    el.locale = 'en';
    await el.updateComplete;
    equal(text(el, 'button[part=delete]'), 'Delete my identity');
  });

  it('is operable with the keyboard', async () => {
    setup();
    await referrer();
    const el = await dashboard();
    shadow<HTMLInputElement>(el, 'input[part=link]').focus();
    await sendKeys({ press: 'Tab' });
    equal(deepActive(), shadow(el, 'button[part=copy]'));
    await sendKeys({ press: 'Tab' });
    equal(deepActive(), shadow(el, 'button[part=qr-toggle]'));
    await sendKeys({ press: 'Enter' });
    await waitFor(() => el.shadowRoot!.querySelector('[part=qr] svg'), 4000, 'the QR code after Enter');
    shadow<HTMLInputElement>(el, 'input[part=input]').focus();
    await sendKeys({ type: 'keyboard.user@example.com' });
    const claimed = new Promise((r) => el.addEventListener('sc-referrer-claim', r, { once: true }));
    await sendKeys({ press: 'Enter' });
    await claimed;
  });

  it('is themable through custom properties and parts', async () => {
    setup();
    await referrer();
    const style = document.createElement('style');
    style.textContent = `
      .sc-test { --sc-referrer-dashboard-accent: rgb(1, 2, 3); }
      .sc-test sc-referrer-dashboard::part(base) { border-width: 3px; }`;
    document.head.append(style);
    try {
      const el = await dashboard();
      equal(getComputedStyle(shadow(el, 'button[part=copy]')).backgroundColor, 'rgb(1, 2, 3)');
      equal(getComputedStyle(shadow(el, '[part=base]')).borderTopWidth, '3px');
    } finally {
      style.remove();
    }
  });
});
