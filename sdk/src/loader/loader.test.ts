import { equal, env, mount, ok, resetSdk, waitFor } from '../test/helpers.js';
import { runtime } from '../internal/runtime.js';
import { REF_KEY } from '../internal/storage.js';
import { boot } from './boot.js';

/** Adds the script-tag entry to the page (a fresh module instance per `tag`) and waits for it. */
async function scriptTag(tag: string, data: Record<string, string>): Promise<string[]> {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(' '));
  try {
    const s = document.createElement('script');
    s.type = 'module';
    s.src = `/sdk/src/sharecart.ts?case=${tag}`;
    for (const [k, v] of Object.entries(data)) s.dataset[k] = v;
    s.className = 'sc-test';
    const loaded = new Promise((r, j) => ((s.onload = r), (s.onerror = j)));
    document.head.append(s);
    await loaded;
    return errors;
  } finally {
    console.error = original;
  }
}

const KEY = env.shop.key;

describe('the script-tag loader', () => {
  beforeEach(() => resetSdk());
  after(() => resetSdk());

  it('reads its settings from data-* on its own script tag', async () => {
    const errors = await scriptTag('settings', {
      shop: KEY,
      api: env.api + '/',
      locale: 'zh-Hant-HK',
      refParam: 'via',
      consent: 'required',
    });
    equal(errors.length, 0);
    const s = runtime().settings!;
    equal(s.key, KEY);
    equal(s.api, env.api, 'trailing slash dropped');
    equal(s.locale, 'zh-Hant-HK');
    equal(s.refParam, 'via');
    equal(s.consentRequired, true);
    ok(window.ShareCart?.version);
  });

  it('defaults the API to the script’s origin and the parameter to ref', async () => {
    await scriptTag('defaults', { shop: KEY });
    equal(runtime().settings!.api, location.origin);
    equal(runtime().settings!.refParam, 'ref');
    equal(runtime().settings!.consentRequired, false);
  });

  for (const [name, data, code] of [
    ['a missing key', {}, 'sc_missing_key'],
    ['a malformed key', { shop: 'hello' }, 'sc_invalid_key'],
    ['a secret key', { shop: 'sk_live_abcdefghijkl' }, 'sc_secret_key_exposed'],
  ] as const) {
    it(`logs ${code} for ${name} and stays harmless`, async () => {
      const errors = await scriptTag(code, data);
      ok(
        errors.some((e) => e.includes(`[ShareCart] ${code}`)),
        errors.join('\n'),
      );
      equal(runtime().settings, null);
      ok(window.ShareCart, 'window.ShareCart still there');
      equal(window.ShareCart!.attribution(), null);
    });
  }

  it('is safe to include twice: the second copy does nothing', async () => {
    await scriptTag('first', { shop: KEY });
    const first = window.ShareCart;
    const warned: string[] = [];
    const original = console.warn;
    console.warn = (...a: unknown[]) => warned.push(a.join(' '));
    try {
      await scriptTag('second', { shop: 'pk_other_key_123456', api: 'https://elsewhere.example' });
    } finally {
      console.warn = original;
    }
    equal(window.ShareCart, first);
    equal(runtime().settings!.key, KEY);
    ok(warned.some((w) => w.includes('included twice')));
  });
});

describe('window.ShareCart', () => {
  beforeEach(() => resetSdk());
  after(() => resetSdk());

  it('replays calls queued by the stub before it loaded', async () => {
    const stub = function (...args: unknown[]) {
      ((stub as unknown as { q: unknown[] }).q ||= []).push(args);
    } as unknown as NonNullable<Window['ShareCart']>;
    window.ShareCart = stub;
    const seen: boolean[] = [];
    window.ShareCart('on', 'sc-consent', (e: CustomEvent<{ granted: boolean }>) => seen.push(e.detail.granted));
    window.ShareCart('consent', true);
    const api = boot({ key: KEY, api: env.api, consentRequired: true });
    equal(window.ShareCart, api);
    await waitFor(() => seen.length, 3000, 'the queued consent');
    equal(seen.join(), 'true');
    equal(runtime().consent, true);
    // after loading, the function form still works
    await window.ShareCart('consent', false);
    equal(runtime().consent, false);
  });

  it('on() returns a function that stops listening', () => {
    const api = boot({ key: KEY, api: env.api });
    let calls = 0;
    const off = api.on('sc-error', () => calls++);
    document.dispatchEvent(new CustomEvent('sc-error', { detail: { code: 'x', message: 'y' } }));
    off();
    document.dispatchEvent(new CustomEvent('sc-error', { detail: { code: 'x', message: 'y' } }));
    equal(calls, 1);
  });

  it('attribution() returns the stored, unexpired referral only', () => {
    const api = boot({ key: KEY, api: env.api });
    localStorage.setItem(REF_KEY, JSON.stringify({ clickId: 'clk_1', code: 'AbC', expires: Date.now() + 60_000, name: 'M' }));
    const a = api.attribution()!;
    equal(`${a.clickId} ${a.code}`, 'clk_1 AbC');
    equal(Object.keys(a).join(), 'clickId,code,expires');
    localStorage.setItem(REF_KEY, JSON.stringify({ clickId: 'clk_1', code: 'AbC', expires: Date.now() - 1 }));
    equal(api.attribution(), null);
  });

  it('consent(false) erases what the SDK stored and stops storing', async () => {
    const api = boot({ key: KEY, api: env.api });
    localStorage.setItem(REF_KEY, JSON.stringify({ clickId: 'clk_1', code: 'AbC', expires: Date.now() + 60_000 }));
    localStorage.setItem('sc_rt', '"rt_x"');
    document.cookie = 'sc_ref=x; path=/';
    await api.consent(false);
    equal(localStorage.getItem(REF_KEY), null);
    equal(localStorage.getItem('sc_rt'), null);
    ok(!document.cookie.includes('sc_ref='));
    equal(runtime().settings!.consentRequired, true);
  });
});

describe('lazy loading', () => {
  before(() => resetSdk());

  it('loads a component only when its tag appears, including later insertions', async () => {
    boot({ key: KEY, api: env.api, consentRequired: true });
    await new Promise((r) => setTimeout(r, 100));
    equal(customElements.get('sc-referral-banner'), undefined, 'loaded before it was used');
    equal(customElements.get('sc-referrer-dashboard'), undefined);
    const wrapper = mount('<section><div><sc-referral-banner></sc-referral-banner></div></section>');
    await waitFor(() => customElements.get('sc-referral-banner'), 5000, 'sc-referral-banner to be defined');
    ok(wrapper.querySelector('sc-referral-banner')!.shadowRoot, 'upgraded');
    equal(customElements.get('sc-referrer-dashboard'), undefined, 'an absent tag was loaded');
  });

  it('fills <input name="sharecart_click"> now and in forms added later', async () => {
    resetSdk();
    const early = mount<HTMLFormElement>('<form><input type="hidden" name="sharecart_click"></form>');
    localStorage.setItem(REF_KEY, JSON.stringify({ clickId: 'clk_fill', code: 'AbC', expires: Date.now() + 60_000 }));
    boot({ key: KEY, api: env.api });
    equal(early.querySelector('input')!.value, 'clk_fill');
    const late = mount<HTMLFormElement>('<form><input type="hidden" name="sharecart_click"></form>');
    await waitFor(() => late.querySelector('input')!.value == 'clk_fill', 2000, 'the later field');
  });
});
