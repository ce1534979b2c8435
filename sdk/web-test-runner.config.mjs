// @web/test-runner: the SDK's component tests in headless Chromium, against a REAL worker.
// - `npm test` (scripts/test.mjs) starts `wrangler dev` and passes SC_TEST_API + SC_ADMIN_TOKEN;
//   `npm run test:sdk` alone starts its own wrangler dev (port 8799, a throwaway database).
// - Before the tests, this config creates fresh shops through the admin API (allowed origins = this
//   runner's origin) and serves their publishable keys to the browser as `/__sc_env.js`
//   (`import { env } from '../test/helpers.js'`, which imports it).
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyMigrations, ensureDevVars, startWranglerDev } from '../scripts/lib/wrangler-dev.mjs';
import { CHROMIUM_ARGS } from '../scripts/lib/prepare.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PORT = Number(process.env.SC_WTR_PORT ?? 8765);
const ORIGINS = [`http://localhost:${PORT}`, `http://127.0.0.1:${PORT}`];

let api = process.env.SC_TEST_API;
let adminToken = process.env.SC_ADMIN_TOKEN;
let ownWorker = null;
let ownDir = null;
if (!api) {
  adminToken = ensureDevVars().ADMIN_TOKEN; // before wrangler starts, so it reads the same .dev.vars
  ownDir = mkdtempSync(join(tmpdir(), 'sharecart-wtr-'));
  applyMigrations({ persistTo: ownDir });
  ownWorker = await startWranglerDev({ port: Number(process.env.SC_TEST_PORT ?? 8799), persistTo: ownDir });
  api = ownWorker.url;
}
const stopOwnWorker = async () => {
  await ownWorker?.stop();
  ownWorker = null;
  if (ownDir) rmSync(ownDir, { recursive: true, force: true });
};
process.once('exit', () => ownWorker?.child && process.kill(-ownWorker.child.pid, 'SIGTERM'));

/** Creates a shop for this run; returns what the browser needs. */
async function createShop(name, overrides = {}) {
  const res = await fetch(`${api}/v1/admin/shops`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      currency: 'HKD',
      siteUrl: `${ORIGINS[0]}/`,
      allowedOrigins: ORIGINS,
      program: { kind: 'percent', rateBps: 1000, holdDays: 30, windowDays: 30, friendReward: { kind: 'percent', value: 1000 } },
      products: [
        {
          sku: 'oolong-250g',
          name: 'Oolong 250 g',
          names: { 'zh-Hant-HK': '烏龍茶 250 克', 'zh-Hans': '乌龙茶 250 克' },
          priceMinor: 15000,
        },
        { sku: 'xss-product', name: '<img src=x onerror="window.__scXss=1">', priceMinor: 1000 },
      ],
      ...overrides,
    }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 201) throw new Error(`creating the test shop failed: ${res.status} ${JSON.stringify(body)}`);
  return { shopId: body.shop.id, key: body.publishableKey, secretKey: body.secretKey };
}

/**
 * Reports an order server-to-server with a shop's secret key (as a shop's backend does) and returns
 * the buyer claim token for `<sc-order-tracker claim-token>`. The secret key stays in this process.
 */
async function serverOrder(shop, orderId) {
  const res = await fetch(`${api}/v1/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      orderId,
      amountMinor: 15000,
      currency: 'HKD',
      items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 15000 }],
    }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 201) throw new Error(`reporting the test order failed: ${res.status} ${JSON.stringify(body)}`);
  return body.buyerClaimToken;
}
const publicPart = ({ shopId, key }) => ({ shopId, key });

let env;
try {
  // a shop that accepts browser order reports (the order tracker's), with one server-reported order
  const browserShop = await createShop('ShareCart SDK tests (browser reports)', { allowBrowserConversions: true });
  env = {
    api,
    shop: publicPart(await createShop('ShareCart SDK tests')),
    flatShop: publicPart(
      await createShop('ShareCart SDK tests (flat reward)', {
        disclosure: 'Paid partnership — custom disclosure',
        program: { kind: 'flat', flatMinor: 2500, holdDays: 30, windowDays: 30, friendReward: { kind: 'flat', value: 2000 } },
      }),
    ),
    browserShop: { ...publicPart(browserShop), claimToken: await serverOrder(browserShop, `WTR-${Date.now()}`) },
    verifiedOnlyShop: publicPart(await createShop('ShareCart SDK tests (verified buyers only)', { verifiedBuyersOnly: true })),
  };
} catch (error) {
  await stopOwnWorker();
  throw error;
}

/** Serves `/__sc_env.js` to the tests. */
const envPlugin = {
  name: 'sc-env',
  serve(context) {
    if (context.path === '/__sc_env.js') return { body: `export default ${JSON.stringify(env)};`, type: 'js' };
  },
  serverStop: stopOwnWorker,
};

export default {
  rootDir: ROOT,
  // sdk/src/webhooks runs on shops' servers: tested in Node (vitest `unit`) and in workerd
  files: ['sdk/src/**/*.test.ts', '!sdk/src/webhooks/**'],
  port: PORT,
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 15_000 } },
  browsers: [
    chromeLauncher({
      // Each test switches shops (keys) within one browser: no HTTP cache between them (GET /v1/config
      // is cacheable for 60 s and the key is a header, not part of the URL).
      async createPage({ context }) {
        const page = await context.newPage();
        await page.setCacheEnabled(false);
        return page;
      },
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  plugins: [envPlugin, esbuildPlugin({ ts: true, target: 'auto', tsconfig: resolve(ROOT, 'tsconfig.json') })],
};
