import type { ReferrerCreated } from '../wire.js';
import { api, apiRequests, equal, env, match, mount, ok, resetSdk, waitFor } from '../test/helpers.js';
import type { ScEventDetails } from '../internal/events.js';
import { boot } from './boot.js';

let maggie: ReferrerCreated;
before(async () => {
  maggie = await api<ReferrerCreated>('/v1/referrers', { body: { displayName: 'Maggie' } });
});

const captured = () =>
  new Promise<ScEventDetails['sc-click-captured']>((resolve) =>
    window.addEventListener('sc-click-captured', (e) => resolve((e as CustomEvent).detail), { once: true }),
  );
const cookie = () => {
  const m = /(?:^|;\s*)sc_ref=([^;]*)/.exec(document.cookie);
  return m ? JSON.parse(decodeURIComponent(m[1])) : null;
};

describe('referral capture (real worker)', () => {
  afterEach(() => resetSdk());

  it('records the click, keeps it first-party, cleans the address bar and tells the page', async () => {
    resetSdk(`?ref=${maggie.referrer.code}&utm_source=whatsapp&size=250`);
    const field = mount<HTMLFormElement>('<form><input type="hidden" name="sharecart_click"></form>').querySelector('input')!;
    const event = captured();
    const sc = boot({ key: env.shop.key, api: env.api });
    const detail = await event;
    match(detail.clickId, /^clk_/);
    equal(detail.code, maggie.referrer.code);
    equal(detail.referrer.displayName, 'Maggie');
    equal(detail.friendReward?.kind, 'percent');
    ok(detail.expiresAt > Date.now() + 29 * 864e5, 'the attribution window');
    // first-party storage: localStorage and the cookie the shop's server reads
    const stored = JSON.parse(localStorage.getItem('sc_ref')!);
    equal(stored.clickId, detail.clickId);
    equal(JSON.stringify(cookie()), JSON.stringify({ clickId: detail.clickId, code: detail.code, expires: detail.expiresAt }));
    equal(sc.attribution()!.clickId, detail.clickId);
    equal(field.value, detail.clickId);
    // the referral parameter is gone, the page's own parameters stay
    const url = new URL(location.href);
    equal(url.searchParams.get('ref'), null);
    equal(url.searchParams.get('size'), '250');
    equal(url.searchParams.get('utm_source'), 'whatsapp');
    ok(url.searchParams.get('wtr-session-id'));
    equal(apiRequests().filter((e) => e.name.endsWith('/v1/clicks')).length, 1);
  });

  it('adopts the click a short link already recorded instead of posting another', async () => {
    resetSdk(`?ref=${maggie.referrer.code}&sc_click=clk_fromshortlink01`);
    const event = captured();
    boot({ key: env.shop.key, api: env.api });
    const detail = await event;
    equal(detail.clickId, 'clk_fromshortlink01');
    equal(JSON.parse(localStorage.getItem('sc_ref')!).clickId, 'clk_fromshortlink01');
    equal(cookie().clickId, 'clk_fromshortlink01');
    equal(apiRequests().filter((e) => e.name.endsWith('/v1/clicks')).length, 0, 'a second click was posted');
    const url = new URL(location.href);
    equal(url.searchParams.get('ref'), null);
    equal(url.searchParams.get('sc_click'), null);
  });

  it('drops an unknown code with a readable sc-error and stores nothing', async () => {
    resetSdk('?ref=NoSuchCode123');
    const error = new Promise<ScEventDetails['sc-error']>((r) =>
      document.addEventListener('sc-error', (e) => r(e.detail), { once: true }),
    );
    boot({ key: env.shop.key, api: env.api });
    equal((await error).code, 'referrer_not_found');
    await waitFor(() => !new URL(location.href).searchParams.has('ref'), 2000, 'the parameter to go');
    equal(localStorage.getItem('sc_ref'), null);
    equal(cookie(), null);
  });

  it('honours data-ref-param', async () => {
    resetSdk(`?via=${maggie.referrer.code}`);
    const event = captured();
    boot({ key: env.shop.key, api: env.api, refParam: 'via' });
    equal((await event).code, maggie.referrer.code);
  });
});

describe('consent mode (real worker)', () => {
  afterEach(() => resetSdk());

  it('stores nothing and sends nothing until consent, then captures the waiting referral', async () => {
    resetSdk(`?ref=${maggie.referrer.code}`);
    const sc = boot({ key: env.shop.key, api: env.api, consentRequired: true });
    mount('<div><sc-share-button product="oolong-250g"></sc-share-button><sc-referral-banner></sc-referral-banner></div>');
    const button = (await waitFor(
      () => document.querySelector('sc-share-button')?.shadowRoot?.querySelector('button'),
      5000,
      'the button',
    ))!;
    await new Promise((r) => setTimeout(r, 600));
    equal(apiRequests().length, 0, 'a request went out before consent');
    equal(localStorage.length, 0, 'something was stored before consent');
    ok(!document.cookie.includes('sc_ref'), 'a cookie was set before consent');
    equal(new URL(location.href).searchParams.get('ref'), maggie.referrer.code, 'the referral was consumed');
    equal(button.textContent!.trim(), 'Share', 'no amount without the config');

    const event = captured();
    await sc.consent(true);
    equal((await event).code, maggie.referrer.code);
    ok(localStorage.getItem('sc_ref'));
    ok(cookie());
    equal(new URL(location.href).searchParams.get('ref'), null);
    // components reload on consent
    await waitFor(() => button.textContent!.includes('HK$15'), 5000, 'the earn amount after consent');
  });
});
