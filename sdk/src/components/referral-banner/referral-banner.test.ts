import type { ReferrerCreated } from '../../wire.js';
import { a11yProblems, api, axeViolations, equal, env, mount, ok, resetSdk, shadow, waitFor } from '../../test/helpers.js';
import { boot } from '../../loader/boot.js';
import type { ReferralBanner } from './referral-banner.component.js';
import './referral-banner.js';

const message = (el: Element) => el.shadowRoot?.querySelector('[part=message]')?.textContent ?? '';

/** Lands on the page through `code`'s link, with a banner, and waits for the greeting. */
async function land(code: string, { html = '<sc-referral-banner></sc-referral-banner>', key = env.shop.key, query = '' } = {}) {
  resetSdk(`?ref=${code}${query}`);
  const captured = new Promise((r) => window.addEventListener('sc-click-captured', r, { once: true }));
  boot({ key, api: env.api });
  const host = mount(html);
  const el = (host.localName == 'sc-referral-banner' ? host : host.querySelector('sc-referral-banner')) as ReferralBanner;
  await captured;
  await waitFor(() => message(el), 5000, 'the greeting');
  return el;
}

describe('<sc-referral-banner> (real worker)', () => {
  let maggie: ReferrerCreated;
  before(async () => {
    maggie = await api<ReferrerCreated>('/v1/referrers', { body: { displayName: 'Maggie' } });
  });
  afterEach(() => resetSdk());

  it('greets the friend by the referrer’s name with the friend reward', async () => {
    const el = await land(maggie.referrer.code);
    equal(message(el), 'Maggie sent you: 10% off your first order');
    equal(shadow(el, '[part=base]').getAttribute('role'), 'region');
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe');
  });

  it('speaks Hong Kong and Simplified Chinese (首單 9 折)', async () => {
    const hk = await land(maggie.referrer.code, { html: '<div lang="zh-HK"><sc-referral-banner></sc-referral-banner></div>' });
    equal(message(hk), 'Maggie 推介你：首單 9 折');
    equal(shadow(hk, '[part=dismiss]').getAttribute('aria-label'), '關閉');
    equal((await axeViolations(hk)).join('\n'), '', 'axe: zh-Hant-HK');
    hk.locale = 'zh-Hans';
    await hk.updateComplete;
    equal(message(hk), 'Maggie 推荐你：首单 9 折');
  });

  it('greets an anonymous friend link with a flat reward in the shop currency', async () => {
    const anon = await api<ReferrerCreated>('/v1/referrers', { key: env.flatShop.key, body: {} });
    const el = await land(anon.referrer.code, { key: env.flatShop.key });
    equal(message(el), 'A friend sent you: HK$20 off your first order');
  });

  it('is dismissible, and the dismissal is remembered', async () => {
    const el = await land(maggie.referrer.code);
    let dismissed = '';
    el.addEventListener('sc-banner-dismiss', (e) => (dismissed = e.detail.code));
    shadow<HTMLButtonElement>(el, '[part=dismiss]').click();
    await el.updateComplete;
    equal(dismissed, maggie.referrer.code);
    equal(message(el), '');
    // a later page of the same visit
    const again = mount<ReferralBanner>('<sc-referral-banner></sc-referral-banner>');
    await again.updateComplete;
    await new Promise((r) => setTimeout(r, 200));
    equal(message(again), '');
  });

  it('shows nothing to a visitor without a referral', async () => {
    resetSdk();
    boot({ key: env.shop.key, api: env.api });
    const el = mount<ReferralBanner>('<sc-referral-banner></sc-referral-banner>');
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    equal(el.shadowRoot!.querySelector('[part=base]'), null);
    equal(el.getBoundingClientRect().height, 0);
  });

  it('reserves its height while a referral in the URL is being captured', async () => {
    resetSdk(`?ref=${maggie.referrer.code}`);
    boot({ key: env.shop.key, api: env.api });
    const el = mount<ReferralBanner>('<sc-referral-banner></sc-referral-banner>');
    await el.updateComplete;
    const reserved = el.getBoundingClientRect().height;
    ok(reserved > 0, 'no space reserved');
    equal((await axeViolations(el)).join('\n'), '', 'axe: capturing');
    await waitFor(() => message(el), 5000, 'the greeting');
    await el.updateComplete;
    equal(Math.round(el.getBoundingClientRect().height), Math.round(reserved), 'the banner changed height');
  });

  it('renders a hostile display name as text', async () => {
    (window as unknown as { __scXss?: number }).__scXss = 0;
    const evil = await api<ReferrerCreated>('/v1/referrers', { body: { displayName: '<img src=x onerror="window.__scXss=1">' } });
    const el = await land(evil.referrer.code);
    equal(message(el), '<img src=x onerror="window.__scXss=1"> sent you: 10% off your first order');
    equal(el.shadowRoot!.querySelectorAll('img, [onerror]').length, 0);
    await new Promise((r) => setTimeout(r, 50));
    equal((window as unknown as { __scXss?: number }).__scXss, 0);
  });
});
