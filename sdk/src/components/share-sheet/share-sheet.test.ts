import { sendKeys } from '@web/test-runner-commands';
import {
  a11yProblems,
  axeViolations,
  deepActive,
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
import type { ShareSheet } from './share-sheet.component.js';
import './share-sheet.js';

async function openSheet(props: Partial<ShareSheet> = {}): Promise<{ sheet: ShareSheet; opener: HTMLButtonElement }> {
  const opener = mount<HTMLButtonElement>('<button type="button">open</button>');
  opener.focus();
  const sheet = document.createElement('sc-share-sheet');
  Object.assign(sheet, {
    link: 'https://shop.example/p/oolong?size=250',
    code: 'AbC123',
    text: 'Try this tea',
    heading: 'Oolong',
    product: 'oolong-250g',
    ...props,
  });
  opener.parentElement!.append(sheet);
  sheet.show();
  await sheet.updateComplete;
  await waitFor(() => shadow<HTMLDialogElement>(sheet, 'dialog').open, 2000, 'the dialog to open');
  return { sheet, opener };
}

/** Clicks a link without leaving the test page. */
function clickWithoutNavigating(a: HTMLElement) {
  const stop = (e: Event) => e.preventDefault();
  document.addEventListener('click', stop, { once: true });
  a.click();
}

describe('<sc-share-sheet>', () => {
  beforeEach(() => resetSdk());
  afterEach(() => resetSdk());

  it('opens as a modal dialog with focus inside, labelled by its title', async () => {
    const { sheet } = await openSheet();
    const dialog = shadow<HTMLDialogElement>(sheet, 'dialog');
    ok(dialog.matches(':modal'), 'not modal');
    ok(sheet.shadowRoot!.contains(deepActive()), 'focus is not in the sheet');
    equal(shadow(sheet, '#' + dialog.getAttribute('aria-labelledby')).textContent, 'Share this link');
    equal(a11yProblems(sheet).join('; '), '');
    equal((await axeViolations(sheet)).join('\n'), '', 'axe');
  });

  it('lists every network as a real new-tab link with the referral in the query and the channel', async () => {
    const { sheet } = await openSheet();
    const links = [...sheet.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a[part~=channel]')];
    equal(links.length, 8);
    for (const a of links) {
      equal(a.target, '_blank');
      equal(a.rel, 'noopener noreferrer');
      match(a.getAttribute('href'), /^(https:\/\/|mailto:\?)/);
      const channel = [...a.part].find((p) => p.startsWith('channel-'))!.slice(8);
      const shared = decodeURIComponent(a.href);
      ok(shared.includes(`https://shop.example/p/oolong?size=250&ref=AbC123&utm_source=${channel}`), `${channel}: ${shared}`);
      ok(!/#.*ref=/.test(shared), 'referral after a #');
    }
    equal(shadow<HTMLInputElement>(sheet, 'input').value, 'https://shop.example/p/oolong?size=250&ref=AbC123&utm_source=copy');
  });

  it('fires sc-share with the channel of the link used', async () => {
    const { sheet } = await openSheet();
    const seen: string[] = [];
    document.addEventListener('sc-share', (e) => seen.push(`${e.detail.channel} ${e.detail.product}`));
    clickWithoutNavigating(shadow(sheet, 'a[part~=channel-whatsapp]'));
    clickWithoutNavigating(shadow(sheet, 'a[part~=channel-line]'));
    equal(seen.join(), 'whatsapp oolong-250g,line oolong-250g');
  });

  it('traps Tab and Shift+Tab inside the dialog', async () => {
    const { sheet } = await openSheet();
    const focusables = [...shadow(sheet, 'dialog').querySelectorAll<HTMLElement>('a[href], button, input')];
    focusables[focusables.length - 1].focus();
    await sendKeys({ press: 'Tab' });
    equal(deepActive(), focusables[0], 'Tab from the last item');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    equal(deepActive(), focusables[focusables.length - 1], 'Shift+Tab from the first item');
    for (let i = 0; i < focusables.length + 2; i++) {
      await sendKeys({ press: 'Tab' });
      ok(sheet.shadowRoot!.contains(deepActive()), `focus left the sheet after ${i + 1} Tabs`);
    }
  });

  it('closes on Escape and gives focus back to what opened it', async () => {
    const { sheet, opener } = await openSheet();
    const toggles: boolean[] = [];
    sheet.addEventListener('sc-share-sheet-toggle', (e) => toggles.push(e.detail.open));
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !sheet.open, 2000, 'the sheet to close');
    ok(!shadow<HTMLDialogElement>(sheet, 'dialog').open);
    equal(document.activeElement, opener);
    equal(toggles.join(), 'false');
  });

  it('closes with its close button', async () => {
    const { sheet } = await openSheet();
    shadow<HTMLButtonElement>(sheet, '[part=close]').click();
    await waitFor(() => !shadow<HTMLDialogElement>(sheet, 'dialog').open, 2000, 'the dialog to close');
  });

  it('shows WeChat as a QR code of the link, made by uqr on demand', async () => {
    const { sheet } = await openSheet();
    const wechat = shadow<HTMLButtonElement>(sheet, '[part~=channel-wechat]');
    equal(wechat.getAttribute('aria-expanded'), 'false');
    wechat.click();
    const path = (await waitFor(() => sheet.shadowRoot!.querySelector('[part=qr] svg path'), 4000, 'the QR code'))!;
    equal(wechat.getAttribute('aria-expanded'), 'true');
    match(path.getAttribute('d'), /^M\d+ \d+h1v1h-1z/);
    const svg = path.closest('svg')!;
    equal(svg.getAttribute('role'), 'img');
    ok(svg.getAttribute('aria-label'));
    const size = Number(svg.getAttribute('viewBox')!.split(' ')[2]);
    ok(size >= 25 && size <= 80, `odd QR size ${size}`);
    equal((await axeViolations(sheet)).join('\n'), '', 'axe: QR shown');
  });

  it('reports a QR code that cannot be made as sc-error, and shows none', async () => {
    // longer than a QR code holds
    const { sheet } = await openSheet({ link: `https://shop.example/p/oolong?note=${'x'.repeat(4000)}` });
    await expectQrFailure(sheet, shadow(sheet, '[part~=channel-wechat]'));
  });

  it('inside WeChat points to the ⋯ menu and puts the referral link in the address bar while open', async () => {
    const before = location.href;
    const { sheet } = await openSheet({ mode: 'wechat', link: `${location.origin}/p/oolong` });
    match(shadow(sheet, '[part=hint]').textContent, /⋯/);
    equal((await axeViolations(sheet)).join('\n'), '', 'axe: WeChat hint');
    const url = new URL(location.href);
    equal(url.searchParams.get('ref'), 'AbC123');
    equal(url.searchParams.get('utm_source'), 'wechat');
    sheet.hide();
    await sheet.updateComplete;
    equal(location.href, before);
  });

  it('inside Instagram/Facebook leads with copy-link', async () => {
    const { sheet } = await openSheet({ mode: 'copy-first' });
    ok(shadow(sheet, '[part=hint]').textContent);
    equal(deepActive(), shadow(sheet, '[part=copy]'));
    equal((await axeViolations(sheet)).join('\n'), '', 'axe: copy-first hint');
  });

  it('copies the link (channel copy) and says so in a live region', async () => {
    const { sheet } = await openSheet();
    let channel = '';
    sheet.addEventListener('sc-share', (e) => (channel = e.detail.channel));
    shadow<HTMLButtonElement>(sheet, '[part=copy]').click();
    await waitFor(() => channel == 'copy', 2000, 'the copy event');
    const status = shadow(sheet, '[part=status]');
    equal(status.getAttribute('role'), 'status');
    await waitFor(() => status.textContent!.trim(), 2000, 'the status message');
    equal((await axeViolations(sheet)).join('\n'), '', 'axe: copied');
  });

  it('where the clipboard is blocked, selects the link and says how to copy it', async () => {
    const { sheet } = await openSheet();
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
    });
    try {
      let channel = '';
      sheet.addEventListener('sc-share', (e) => (channel = e.detail.channel));
      shadow<HTMLButtonElement>(sheet, '[part=copy]').click();
      await waitFor(() => channel == 'copy', 2000, 'the copy event');
      await sheet.updateComplete;
      match(shadow(sheet, '[part=status]').textContent, /Ctrl\+C/);
      const input = shadow<HTMLInputElement>(sheet, '[part=link]');
      equal(input.selectionEnd! - input.selectionStart!, input.value.length, 'the link is not selected');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard; // the prototype's again
    }
  });

  it('renders hostile text as text', async () => {
    for (const payload of XSS) {
      (window as unknown as { __scXss?: number }).__scXss = 0;
      const { sheet } = await openSheet({ text: payload, heading: payload, product: payload });
      await new Promise((r) => setTimeout(r, 50));
      equal(sheet.shadowRoot!.querySelectorAll('img, script, svg[onload], [onerror]').length, 0);
      for (const a of sheet.shadowRoot!.querySelectorAll('a')) match(a.getAttribute('href'), /^(https:\/\/|mailto:\?)/);
      equal((window as unknown as { __scXss?: number }).__scXss, 0);
      sheet.hide();
      resetSdk();
    }
  });

  it('refuses a non-http link', async () => {
    const { sheet } = await openSheet({ link: 'javascript:window.__scXss=1' });
    equal(shadow<HTMLInputElement>(sheet, 'input').value, '');
    for (const a of sheet.shadowRoot!.querySelectorAll('a'))
      ok(!a.getAttribute('href')!.includes('javascript'), a.getAttribute('href')!);
  });

  it('speaks the page language', async () => {
    const { sheet } = await openSheet({ locale: 'zh-Hant-HK' });
    equal(shadow(sheet, 'h2').textContent, '分享此連結');
    equal(shadow(sheet, '[part=copy]').textContent, '複製連結');
    sheet.locale = 'zh-Hans';
    await sheet.updateComplete;
    equal(shadow(sheet, 'h2').textContent, '分享此链接');
  });
});
