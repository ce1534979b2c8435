/**
 * The extension example (examples/extend/): a shop subclasses `<sc-share-button>` and rethemes the
 * stock one without forking the SDK — both the no-build page served at /extend/ and the npm way
 * (gift-share-button.ts importing the class from the package entry, type-checked and bundled here).
 */
import typescript from '@rollup/plugin-typescript';
import nodeResolve from '@rollup/plugin-node-resolve';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { rollup } from 'rollup';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, DEMO, freshContext, launch, watchErrors } from './support/browser.js';

const ROOT = resolve(import.meta.dirname, '../..');
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launch();
  page = await (await freshContext(browser)).newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
});

const style = (selector: string, property: string) =>
  page.locator(selector).evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);

describe('the extension example page (/extend/, no build step)', () => {
  test('the subclass has its own tag, inherits the share button and keeps its behaviour', async () => {
    await page.goto(`${api}/extend/`);
    const gift = page.locator('hl-gift-share-button');
    await expect.poll(() => gift.locator('button[part=button]').count()).toBe(1);
    expect(
      await page.evaluate(() => document.querySelector('hl-gift-share-button') instanceof customElements.get('sc-share-button')!),
    ).toBe(true);
    // its own styles on top of the inherited ones
    expect(await style('hl-gift-share-button button[part=button]', 'border-radius')).toBe('999px');
    // the inherited share flow: the sheet opens; a copy marks it `shared`
    await gift.locator('button[part=button]').click();
    await page.locator('hl-gift-share-button sc-share-sheet dialog').waitFor({ state: 'visible' });
    await page.locator('hl-gift-share-button sc-share-sheet button[part=copy]').click();
    await expect.poll(() => gift.getAttribute('shared')).toBe('');
    await page.keyboard.press('Escape');
  });

  test('the stock button is rethemed with custom properties and ::part only', async () => {
    const stock = 'sc-share-button:not(.retheme) button[part=button]';
    const rethemed = 'sc-share-button.retheme button[part=button]';
    await expect.poll(() => page.locator(rethemed).textContent()).toContain('HK$22.80');
    expect(await style(rethemed, 'background-color')).toBe('rgb(244, 236, 220)'); // --sc-share-button-bg
    expect(await style(rethemed, 'border-top-width')).toBe('2px'); // ::part(button)
    expect(await style(rethemed, 'text-transform')).toBe('uppercase');
    expect(await style(stock, 'text-transform')).toBe('none');
    expect(await style('sc-share-button.retheme p[part=disclosure]', 'font-style')).toBe('italic');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

describe('the npm way (gift-share-button.ts)', () => {
  test('type-checks against the package entry', () => {
    execFileSync(resolve(ROOT, 'node_modules/.bin/tsc'), ['-p', 'examples/extend/tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
  });

  test('bundled with the package, it renders its own template around the inherited button', async () => {
    const bundle = await rollup({
      input: 'virtual:extend-entry',
      plugins: [
        {
          name: 'extend-entry',
          resolveId: (id) => (id.startsWith('virtual:') ? id : id == 'sharecart' ? resolve(ROOT, 'sdk/src/index.ts') : null),
          // what a shop's own entry does: configure first (imports run in order), then define the subclass
          load: (id) =>
            id == 'virtual:extend-entry'
              ? `import 'virtual:configure';
                 import ${JSON.stringify(resolve(ROOT, 'examples/extend/gift-share-button.ts'))};`
              : id == 'virtual:configure'
                ? `import { init } from 'sharecart';
                   init({ key: ${JSON.stringify(DEMO.publishableKey)}, api: location.origin });`
                : null,
        },
        nodeResolve({ browser: true }),
        typescript({
          tsconfig: resolve(ROOT, 'examples/extend/tsconfig.json'),
          include: [resolve(ROOT, 'sdk/src/**/*.ts'), resolve(ROOT, 'examples/extend/*.ts')],
          exclude: ['**/*.test.ts'],
          compilerOptions: { noEmit: false, declaration: false, sourceMap: false },
        }),
      ],
      onwarn: () => {},
    });
    const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
    await bundle.close();
    const code = output[0].code;

    const npmPage = await (await freshContext(browser)).newPage();
    const npmErrors = watchErrors(npmPage);
    await npmPage.route(`${api}/extend/npm.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html lang="en"><body><hl-gift-share-button product="tea-gift-set" note="A gift for tea lovers"></hl-gift-share-button><script type="module" src="/extend/npm.js"></script></body></html>',
      }),
    );
    await npmPage.route(`${api}/extend/npm.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: code }));
    await npmPage.goto(`${api}/extend/npm.html`);
    const gift = npmPage.locator('hl-gift-share-button');
    await expect.poll(() => gift.locator('[part=tag]').textContent()).toContain('A gift for tea lovers');
    await expect.poll(() => gift.locator('button[part=button]').textContent()).toContain('HK$58.80'); // 10 % of HK$588
    // importing the class did not register the stock tag
    expect(await npmPage.evaluate(() => customElements.get('sc-share-button'))).toBeUndefined();
    expect(npmErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
