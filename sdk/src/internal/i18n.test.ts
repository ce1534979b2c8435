import { equal, match } from '../test/helpers.js';
import { formatPercent, zhe } from './i18n-discount.js';
import { formatMoney, loadLocale, resolveLocale, translate, type Catalog } from './i18n.js';

describe('i18n', () => {
  it('maps any language tag to en, zh-Hant-HK or zh-Hans', () => {
    for (const [tag, want] of [
      ['zh-HK', 'zh-Hant-HK'],
      ['zh-Hant', 'zh-Hant-HK'],
      ['zh-TW', 'zh-Hant-HK'],
      ['zh-MO', 'zh-Hant-HK'],
      ['zh-Hant-HK', 'zh-Hant-HK'],
      ['zh', 'zh-Hans'],
      ['zh-CN', 'zh-Hans'],
      ['zh-Hans-SG', 'zh-Hans'],
      ['en-GB', 'en'],
      ['fr', 'en'],
      ['', 'en'],
      [null, 'en'],
    ] as const) {
      equal(resolveLocale(tag), want, String(tag));
    }
  });

  it('formats integer minor units with the currency exponent (HKD 2, JPY 0, KWD 3)', () => {
    equal(formatMoney(1500, 'HKD', 'en'), 'HK$15');
    equal(formatMoney(1550, 'HKD', 'en'), 'HK$15.50');
    equal(formatMoney(1500, 'JPY', 'en'), '¥1,500');
    match(formatMoney(1234, 'KWD', 'en'), /KWD\s?1\.234/);
    equal(formatMoney(1500, 'HKD', 'zh-Hant-HK'), 'HK$15');
    match(formatMoney(1500, 'HKD', 'zh-Hans'), /HK\$\s?15/);
    // the shop config's exponent wins over the browser's
    equal(formatMoney(1500, 'HKD', 'en', 0), 'HK$1,500');
  });

  it('fills placeholders as plain text and falls back to English', () => {
    const catalog: Catalog<'hello' | 'only'> = {
      en: { hello: 'Hi {name}', only: 'English only' },
      'zh-Hans': { hello: '你好 {name}' },
    };
    equal(translate(catalog, 'zh-Hans', 'hello', { name: '<b>Maggie</b>' }), '你好 <b>Maggie</b>');
    equal(translate(catalog, 'zh-Hans', 'only'), 'English only');
    equal(translate(catalog, 'zh-Hant-HK', 'hello', { name: 'A' }), 'Hi A');
    equal(translate(catalog, 'en', 'hello'), 'Hi {name}');
  });

  it('loads a lazy locale on demand', async () => {
    const catalog: Catalog<'x'> = { en: { x: 'en' }, 'zh-Hans': () => Promise.resolve({ default: { x: '中' } }) };
    equal(translate(catalog, 'zh-Hans', 'x'), 'en');
    await loadLocale(catalog, 'zh-Hans');
    equal(translate(catalog, 'zh-Hans', 'x'), '中');
  });

  it('says discounts in percent and in 折', () => {
    equal(formatPercent(1000, 'en'), '10%');
    equal(formatPercent(1250, 'en'), '12.5%');
    equal(zhe(1000), '9');
    equal(zhe(1500), '85');
    equal(zhe(500), '95');
    equal(zhe(2000), '8');
  });
});
