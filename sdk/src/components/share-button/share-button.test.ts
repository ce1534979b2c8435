import type { ReferrerStats } from '../../wire.js';
import {
  a11yProblems,
  api,
  axeViolations,
  equal,
  env,
  match,
  mount,
  ok,
  resetSdk,
  shadow,
  waitFor,
  XSS,
} from '../../test/helpers.js';
import { boot } from '../../loader/boot.js';
import { configure } from '../../internal/runtime.js';
import type { ShareButton } from './share-button.component.js';
import './share-button.js';

async function button(html: string, key = env.shop.key): Promise<ShareButton> {
  boot({ key, api: env.api });
  const host = mount(html);
  const el = (host.localName == 'sc-share-button' ? host : host.querySelector('sc-share-button')) as ShareButton;
  await waitFor(() => el.shadowRoot?.querySelector('button') && !el.hasAttribute('loading'), 8000, 'the button to load');
  await el.updateComplete;
  return el;
}
const label = (el: ShareButton) => shadow(el, '[part=label]').textContent!.trim();
const sheetOf = async (el: ShareButton) =>
  (await waitFor(() => el.shadowRoot!.querySelector('sc-share-sheet'), 8000, 'the share sheet'))!;
const noNavigation = (e: Event) => e.preventDefault();

describe('<sc-share-button> (real worker)', () => {
  beforeEach(() => resetSdk());
  afterEach(() => {
    document.removeEventListener('click', noNavigation);
    resetSdk();
  });

  it('shows what the sharer earns, computed server-side, with the disclosure', async () => {
    const el = await button('<sc-share-button product="oolong-250g"></sc-share-button>');
    equal(label(el), 'Share & earn HK$15');
    match(shadow(el, '[part=disclosure]').textContent, /commission/);
    equal(shadow(el, 'button').getAttribute('aria-describedby'), 'disclosure');
    equal(a11yProblems(el).join('; '), '');
    equal((await axeViolations(el)).join('\n'), '', 'axe');
  });

  it('speaks en, zh-Hant-HK and zh-Hans (attribute or inherited lang)', async () => {
    const hk = await button('<sc-share-button product="oolong-250g" locale="zh-Hant-HK"></sc-share-button>');
    await waitFor(() => label(hk) == '分享賺 HK$15', 3000, 'Traditional Chinese');
    match(shadow(hk, '[part=disclosure]').textContent, /佣金/);
    const cn = await button('<div lang="zh-CN"><sc-share-button product="oolong-250g"></sc-share-button></div>');
    await waitFor(() => label(cn) == '分享赚 HK$15', 3000, 'Simplified Chinese');
    cn.locale = 'en';
    await cn.updateComplete;
    equal(label(cn), 'Share & earn HK$15');
  });

  it('shows the shop’s disclosure, or the page’s own', async () => {
    const shop = await button('<sc-share-button product="oolong-250g"></sc-share-button>', env.flatShop.key);
    equal(label(shop), 'Share & earn HK$25');
    equal(shop.shadowRoot!.querySelector('[part=disclosure]')!.textContent, 'Paid partnership — custom disclosure');
    equal(label(shop), 'Share & earn HK$25');
    shop.disclosure = '#ad — I earn from this link';
    await shop.updateComplete;
    equal(shadow(shop, '[part=disclosure]').textContent, '#ad — I earn from this link');
  });

  it('loads when configure() comes after the element connected (the npm path)', async () => {
    const el = mount<ShareButton>('<sc-share-button product="oolong-250g"></sc-share-button>');
    await el.updateComplete;
    equal(label(el), 'Share', 'nothing to show before configuration');
    configure({ key: env.shop.key, api: env.api });
    await waitFor(() => label(el) == 'Share & earn HK$15', 8000, 'the earnings after configure()');
  });

  it('says just "Share" for a product the shop does not know', async () => {
    const el = await button('<sc-share-button product="no-such-sku"></sc-share-button>');
    equal(label(el), 'Share');
  });

  it('reserves its space while loading', async () => {
    boot({ key: env.shop.key, api: env.api });
    const el = mount<ShareButton>('<sc-share-button product="oolong-250g"></sc-share-button>');
    await el.updateComplete;
    const loadingBox = shadow(el, 'button').getBoundingClientRect();
    ok(el.hasAttribute('loading'), 'no loading state');
    equal((await axeViolations(el)).join('\n'), '', 'axe: loading');
    await waitFor(() => !el.hasAttribute('loading'), 8000, 'loaded');
    await el.updateComplete;
    const box = shadow(el, 'button').getBoundingClientRect();
    equal(Math.round(box.height), Math.round(loadingBox.height), 'height changed');
    ok(loadingBox.width >= 100, 'no width reserved');
  });

  it('creates the referrer, opens the sheet with the personal link and records the share', async () => {
    const el = await button('<sc-share-button product="oolong-250g"></sc-share-button>');
    const shares: string[] = [];
    document.addEventListener('sc-share', (e) => shares.push(e.detail.channel));
    shadow(el, 'button').click();
    const sheet = await sheetOf(el);
    await waitFor(() => sheet.shadowRoot?.querySelector('dialog')?.open, 4000, 'the dialog');
    equal((await axeViolations(el)).join('\n'), '', 'axe: with the sheet open');
    const token = JSON.parse(localStorage.getItem('sc_rt')!);
    match(token, /^rt_/);
    const me = await api<ReferrerStats>('/v1/referrers/me', { token });
    const link = new URL(sheet.shadowRoot!.querySelector<HTMLInputElement>('[part=link]')!.value);
    equal(link.searchParams.get('ref'), me.referrer.code);
    equal(link.origin + link.pathname, location.origin + location.pathname, 'shares the current page');
    document.addEventListener('click', noNavigation);
    sheet.shadowRoot!.querySelector<HTMLAnchorElement>('a[part~=channel-telegram]')!.click();
    equal(shares.join(), 'telegram');
    await waitFor(
      async () => (await api<ReferrerStats>('/v1/referrers/me', { token })).stats.shares >= 1,
      8000,
      'the share to be recorded',
    );
  });

  it('uses navigator.share when the browser has it, and a cancel is not an error', async () => {
    const el = await button('<sc-share-button product="oolong-250g" text="Best oolong in town"></sc-share-button>');
    const calls: ShareData[] = [];
    let cancel = false;
    Object.defineProperty(navigator, 'share', {
      configurable: true,
      value: async (data: ShareData) => {
        calls.push(data);
        if (cancel) throw new DOMException('cancelled', 'AbortError');
      },
    });
    Object.defineProperty(navigator, 'canShare', { configurable: true, value: (data: ShareData) => !!data.url });
    try {
      const shares: string[] = [];
      el.addEventListener('sc-share', (e) => shares.push(e.detail.channel));
      shadow(el, 'button').click();
      await waitFor(() => shares.length, 8000, 'the native share');
      equal(shares.join(), 'native');
      equal(calls[0].text, 'Best oolong in town');
      const url = new URL(calls[0].url!);
      ok(url.searchParams.get('ref'), 'no referral in the shared link');
      equal(url.searchParams.get('utm_source'), 'native');
      equal(el.shadowRoot!.querySelector('sc-share-sheet'), null, 'the sheet opened as well');
      cancel = true;
      shadow(el, 'button').click();
      await waitFor(() => calls.length == 2, 4000, 'the second share');
      await new Promise((r) => setTimeout(r, 100));
      equal(shadow(el, '[part=error]').textContent, '', 'cancelling showed an error');
      equal(shares.length, 1);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).share;
      delete (navigator as unknown as Record<string, unknown>).canShare;
    }
  });

  it('shows a readable error when the link cannot be made', async () => {
    const el = await button('<sc-share-button product="oolong-250g"></sc-share-button>', env.verifiedOnlyShop.key);
    let code = '';
    el.addEventListener('sc-error', (e) => (code = e.detail.code));
    shadow(el, 'button').click();
    await waitFor(() => shadow(el, '[part=error]').textContent, 8000, 'the error message');
    equal(shadow(el, '[part=error]').getAttribute('role'), 'alert');
    equal((await axeViolations(el)).join('\n'), '', 'axe: error');
    ok(code, 'no sc-error');
    equal(el.shadowRoot!.querySelector('sc-share-sheet'), null);
  });

  it('renders hostile attributes inertly and never shares a javascript: URL', async () => {
    (window as unknown as { __scXss?: number }).__scXss = 0;
    for (const payload of XSS) {
      const el = await button('<sc-share-button></sc-share-button>');
      el.product = payload;
      el.disclosure = payload;
      el.text = payload;
      el.url = payload;
      el.setAttribute('locale', payload);
      await el.updateComplete;
      equal(shadow(el, '[part=disclosure]').textContent, payload);
      equal(el.shadowRoot!.querySelectorAll('img, script, [onerror], [onload]').length, 0);
      shadow(el, 'button').click();
      const sheet = await sheetOf(el);
      await waitFor(() => sheet.shadowRoot?.querySelector('dialog')?.open, 4000, 'the dialog');
      const link = sheet.shadowRoot!.querySelector<HTMLInputElement>('[part=link]')!.value;
      match(link, /^http:\/\/(localhost|127\.0\.0\.1):\d+\//);
      equal(sheet.shadowRoot!.querySelectorAll('img, script, [onerror], [onload]').length, 0);
      resetSdk();
    }
    equal((window as unknown as { __scXss?: number }).__scXss, 0);
  });

  it('renders hostile product names from the API inertly', async () => {
    (window as unknown as { __scXss?: number }).__scXss = 0;
    const el = await button('<sc-share-button product="xss-product"></sc-share-button>');
    const calls: ShareData[] = [];
    Object.defineProperty(navigator, 'share', { configurable: true, value: async (d: ShareData) => void calls.push(d) });
    try {
      shadow(el, 'button').click();
      await waitFor(() => calls.length, 8000, 'the share');
      equal(calls[0].title, '<img src=x onerror="window.__scXss=1">');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).share;
    }
    equal((window as unknown as { __scXss?: number }).__scXss, 0);
  });
});
