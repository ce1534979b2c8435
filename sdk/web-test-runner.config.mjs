// @web/test-runner: the SDK's component tests in headless Chromium, against a REAL worker.
// - `npm test` (scripts/test.mjs) starts `wrangler dev` and passes SC_TEST_API + SC_ADMIN_TOKEN;
//   `npm run test:sdk` alone starts its own wrangler dev (port 8799, a throwaway database).
// - Before the tests, this config creates fresh shops through the admin API (allowed origins = this
//   runner's origin) and serves their publishable keys to the browser as `/__sc_env.js`
//   (`import { env } from '../test/helpers.js'`, which imports it).
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyMigrations, ensureDevVars, executeSqlFile, startWranglerDev } from '../scripts/lib/wrangler-dev.mjs';
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

/** Calls the API with a shop's secret key (the shop's server), from this process. */
async function secretCall(shop, method, path, body) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * A shop with team offers (oolong in a team of 2, egg rolls on a ladder), and two teams that have
 * ended — one expired, one complete — written into the D1 mirror as the team's object writes it
 * (their rooms start from the mirror when a test opens them), since no test waits out a deadline.
 */
async function createTeamShop() {
  const shop = await createShop('ShareCart SDK tests (team-buy)', {
    products: [
      {
        sku: 'oolong-250g',
        name: 'Oolong 250 g',
        names: { 'zh-Hant-HK': '烏龍茶 250 克', 'zh-Hans': '乌龙茶 250 克' },
        priceMinor: 15000,
      },
      { sku: 'egg-rolls', name: 'Egg rolls', priceMinor: 9800 },
    ],
  });
  const { offer } = await secretCall(shop, 'PUT', '/v1/team-offers/oolong-250g', { size: 2, priceMinor: 13800 });
  await secretCall(shop, 'PUT', '/v1/team-offers/egg-rolls', {
    size: 2,
    priceMinor: 8800,
    ladder: [{ size: 4, priceMinor: 8200 }],
    leaderRewardMinor: 1000,
  });
  const persistTo = process.env.SC_TEST_PERSIST ?? ownDir;
  if (!persistTo) throw new Error('the component tests need the database of the worker (SC_TEST_PERSIST) to write ended teams');
  const day = 86_400_000;
  const ended = (status, members) => {
    const id = `team_${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x').slice(0, 20)}`;
    const created = Date.now() - 3 * day;
    const sql = (v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
    const terms = JSON.stringify({
      tiers: [{ size: 2, priceMinor: 13800 }],
      soloPriceMinor: 15000,
      durationMinutes: 1440,
      leaderRewardMinor: 0,
    });
    const row = [
      id,
      shop.shopId,
      offer.id,
      'oolong-250g',
      status,
      2,
      2,
      members.length,
      0,
      members[0],
      null,
      13800,
      'HKD',
      terms,
      1,
      created,
      created + day,
      created + (status == 'complete' ? 3_600_000 : day),
      3,
      created + day,
    ];
    return {
      id,
      statements: [
        `INSERT INTO teams (id, shop_id, offer_id, sku, status, min_size, max_size, member_count, ordered_count, leader_name, leader_referrer_id, price_minor, currency, terms, strangers_may_join, created_at, deadline_at, ended_at, version, synced_at) VALUES (${row.map(sql).join(', ')});`,
        ...members.map(
          (name, i) =>
            `INSERT INTO team_members (team_id, member_id, shop_id, position, role, name, identity_hash, referrer_id, order_id, quantity, unit_price_minor, paid_minor, joined_at, left_at) VALUES (${[id, `tmb_${id.slice(5)}${i}`, shop.shopId, i, i ? 'member' : 'leader', name, `v:${id}${i}`, null, null, null, null, null, created + i, null].map(sql).join(', ')});`,
        ),
      ],
    };
  };
  const expired = ended('expired', ['Ka Y.']);
  const complete = ended('complete', ['Wing S.', '陳＊＊']);
  const dir = mkdtempSync(join(tmpdir(), 'sharecart-wtr-teams-'));
  writeFileSync(join(dir, 'teams.sql'), [...expired.statements, ...complete.statements].join('\n'));
  try {
    executeSqlFile(join(dir, 'teams.sql'), { persistTo });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...publicPart(shop), expiredTeamId: expired.id, completeTeamId: complete.id };
}

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
    teamShop: await createTeamShop(),
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
