import { equal, ok } from '../test/helpers.js';
import { inAppBrowser, LINK_CHANNELS, referralUrl, safeHttpUrl, shareHref } from './share-links.js';

describe('referral links', () => {
  it('puts the code in the query, never after the #', () => {
    equal(referralUrl('https://shop.hk/p/oolong', 'AbC123'), 'https://shop.hk/p/oolong?ref=AbC123');
    equal(
      referralUrl('https://shop.hk/p/oolong?size=250#reviews', 'AbC123', { channel: 'whatsapp' }),
      'https://shop.hk/p/oolong?size=250&ref=AbC123&utm_source=whatsapp#reviews',
    );
  });

  it('replaces an earlier referral instead of stacking codes', () => {
    const url = new URL(referralUrl('https://shop.hk/p?ref=OLD&sc_click=clk_1&utm_source=x', 'NEW', { channel: 'line' }));
    equal(url.searchParams.getAll('ref').join(), 'NEW');
    equal(url.searchParams.get('sc_click'), null);
    equal(url.searchParams.get('utm_source'), 'line');
  });

  it('uses the shop’s referral parameter name', () => {
    equal(referralUrl('https://shop.hk/p', 'K', { param: 'via' }), 'https://shop.hk/p?via=K');
  });

  it('refuses anything but http(s)', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'JaVaScRiPt:alert(1)', 'ftp://x']) {
      equal(safeHttpUrl(bad), null, bad);
      let threw = false;
      try {
        referralUrl(bad, 'A');
      } catch {
        threw = true;
      }
      ok(threw, `${bad} accepted`);
    }
    equal(safeHttpUrl('/p/oolong', 'https://shop.hk/x')?.href, 'https://shop.hk/p/oolong');
  });
});

describe('share URLs', () => {
  const url = 'https://shop.hk/p?ref=A&utm_source=x';
  const text = 'Try this & that #tea';
  const expected: Record<string, string> = {
    whatsapp: `https://wa.me/?text=${encodeURIComponent(`${text} ${url}`)}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}`,
    x: `https://x.com/intent/tweet?text=${encodeURIComponent(text)}&url=${encodeURIComponent(url)}`,
    telegram: `https://t.me/share/url?url=${encodeURIComponent(url)}&text=${encodeURIComponent(text)}`,
    line: `https://social-plugins.line.me/lineit/share?url=${encodeURIComponent(url)}`,
    weibo: `https://service.weibo.com/share/share.php?url=${encodeURIComponent(url)}&title=${encodeURIComponent(text)}`,
    threads: `https://www.threads.net/intent/post?text=${encodeURIComponent(`${text} ${url}`)}`,
    email: `mailto:?subject=${encodeURIComponent('Oolong')}&body=${encodeURIComponent(`${text}\n\n${url}`)}`,
  };

  for (const channel of LINK_CHANNELS) {
    it(`builds ${channel}'s share URL with the link fully encoded`, () => {
      const href = shareHref(channel, url, text, 'Oolong');
      equal(href, expected[channel]);
      // the referral survives as one encoded parameter value: decoding gives the link back intact
      ok(decodeURIComponent(href).includes(url));
    });
  }

  it('recognises in-app browsers', () => {
    equal(inAppBrowser('Mozilla/5.0 (iPhone) AppleWebKit Mobile MicroMessenger/8.0.40 NetType/WIFI'), 'wechat');
    equal(inAppBrowser('Mozilla/5.0 (iPhone) Instagram 300.0.0'), 'instagram');
    equal(inAppBrowser('Mozilla/5.0 (iPhone) [FBAN/FBIOS;FBAV/400.0]'), 'facebook');
    equal(inAppBrowser('Mozilla/5.0 (Linux; Android 13) Line/13.1.0'), 'line');
    equal(inAppBrowser('Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36'), null);
  });
});
