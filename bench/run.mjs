#!/usr/bin/env node
// `npm run bench`: SDK sizes (ours and peers', from their npm packages), the SDK's main-thread cost in
// headless Chromium, and the worker's throughput and latency under load on 127.0.0.1 only (closed loop with
// autocannon, bounded in time and connections; open loop at a fixed rate with bench/open-loop.mjs, bounded
// in count and time), one shop and 100 shops at once, the bytes D1 and a shop object store per click
// and per order (bench/storage.mjs; the capacity model in bench/SCALE.md is built on them), the
// dashboard's funnel at 10 k and 1 M clicks (bench/dashboard.mjs), what a commit's sync costs the disk
// (bench/disk-sync.mjs), and team-buy (bench/teams.mjs: live broadcast, joins, idle watchers). Writes
// bench/results.json and bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, ensureChromium, ensureDependencies } from '../scripts/lib/prepare.mjs';
import { readInspectorRun, renderResults, roundRatios } from './report.mjs';

ensureDependencies();
const { ROOT, applyMigrations, ensureDevVars, startWranglerDev, wrangler } = await import('../scripts/lib/wrangler-dev.mjs');
const { default: autocannon } = await import('autocannon');
const { median, openLoop } = await import('./open-loop.mjs');
const { measureStages } = await import('./stages/measure.mjs');
const { measureTeams, TEAM_BENCH_VARS } = await import('./teams.mjs');
const { firstPaintRatio } = await import('../scripts/build/budgets.mjs');
const { growth, localFiles, sqliteAvailable, tableSizes } = await import('./storage.mjs');
const { measureDiskSync } = await import('./disk-sync.mjs');
const { createBenchShop } = await import('./bench-shop.mjs');

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/** rounds of the closed-loop scenarios (bare, one shop's clicks, 100 shops' clicks, conversions) */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** rounds of the click pair on a tmpfs (one shop's clicks, 100 shops' clicks) */
const TMPFS_ROUNDS = 3;
const CONNECTIONS = 50;
const OPEN_LOOP_WARMUP = 2;
const OPEN_LOOP_CONNECTIONS = 256;
const PORT = Number(process.env.BENCH_PORT ?? 8797);
/** shops driven at once by the many-shops click scenario, one ShopObject each */
const SHOPS = 100;
/** rows written through the worker for the storage figures, over the first STORAGE_SHOPS shops */
const STORAGE_CLICKS = 3_000;
const STORAGE_ORDERS = 600;
const STORAGE_SHOPS = 10;
/** wrangler.toml's CLICK_FLUSH_MS (30 s), with a margin: by then every acknowledged click is in D1 */
const FLUSH_WAIT_MS = Number(/^CLICK_FLUSH_MS = "(\d+)"/m.exec(readFileSync(resolve(ROOT, 'wrangler.toml'), 'utf8'))[1]) + 1_500;
// One load generator on one IP is one client: lift the per-client click limit, and the per-shop click
// limit too (worker/src/domain/rate-limits.ts; RATE_LIMITS overrides both), so that no bench request is
// refused. Limits above 256 a window are counted in constant memory (windowFor), so the lifted limits
// cost the shop objects nothing.
const CLICKS_PER_CLIENT_MINUTE = 200_000;
const WORKER_VARS = {
  CLICK_RATE_LIMIT_PER_MINUTE: String(CLICKS_PER_CLIENT_MINUTE),
  RATE_LIMITS: JSON.stringify({ click: { perClient: CLICKS_PER_CLIENT_MINUTE, perShop: 100_000_000 } }),
};
// The worker is served without wrangler's DevTools inspector (scripts/lib/serve-worker.mjs): the
// inspector reports each subrequest to the wrangler process, a dev-only cost a deployed worker never
// pays. BENCH_INSPECTOR=1 serves it through the `wrangler dev` CLI instead, as `npm start` does.
const WITH_INSPECTOR = process.env.BENCH_INSPECTOR === '1';
const serve = () => startWranglerDev({ port: PORT, persistTo, vars: WORKER_VARS, inspector: WITH_INSPECTOR });
const ORIGIN = 'http://127.0.0.1:' + PORT;
const results = {};
const set = (path, value) => {
  results[path] = value;
  console.log(`  ${path} = ${value !== null && typeof value === 'object' ? JSON.stringify(value) : value}`);
};
const vars = ensureDevVars();
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const pkg = (p) => readFileSync(resolve(ROOT, 'node_modules', p));

// ------------------------------------------------------------------ SDK sizes
console.log('› building the SDK');
try {
  execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
} catch (error) {
  console.error('  the SDK build failed; SDK sizes are missing from this run:', error.message);
}
const sizesFile = resolve(ROOT, 'dist/sizes.json');
if (existsSync(sizesFile)) {
  const sizes = JSON.parse(readFileSync(sizesFile, 'utf8'));
  for (const [k, v] of Object.entries(sizes)) if (typeof v === 'number') set(k.startsWith('sdk.') ? k : `sdk.${k}`, v);
  for (const [k, v] of Object.entries(sizes.chunks ?? {})) set(`sdk.chunks.${k}.gzip_bytes`, v);
}
console.log('› peers, measured from their npm packages (minified files as shipped, gzip -9)');
set('peers.shareon.gzip_bytes', gz(Buffer.concat([pkg('shareon/dist/shareon.iife.js'), pkg('shareon/dist/shareon.min.css')])));
set(
  'sdk.first_paint.ratio_to_shareon',
  firstPaintRatio(results['sdk.first_paint.gzip_bytes'], results['peers.shareon.gzip_bytes']),
);
set('peers.sharerjs.gzip_bytes', gz(pkg('sharer.js/sharer.min.js')));
{
  // vanilla-sharing ships no minified build: minify it the way we minify ours (terser) for a fair number
  const { minify } = await import('terser');
  const code = (
    await minify(pkg('vanilla-sharing/dist/vanilla-sharing.esm.js').toString(), { module: true, compress: true, mangle: true })
  ).code;
  set('peers.vanilla_sharing.gzip_bytes', gz(Buffer.from(code)));
}

// ------------------------------------------------------------------ the local worker
const persistTo = mkdtempSync(join(tmpdir(), 'sharecart-bench-'));
applyMigrations({ persistTo });
// a page for the main-thread measurement, served like any shop page
mkdirSync(resolve(ROOT, 'dist/public/__bench'), { recursive: true });
let worker = await serve();
const cleanup = async () => {
  await worker?.stop();
  rmSync(persistTo, { recursive: true, force: true });
};
process.on('uncaughtException', async (error) => {
  console.error(error);
  await cleanup();
  process.exit(1);
});
process.on('unhandledRejection', async (error) => {
  console.error(error);
  await cleanup();
  process.exit(1);
});
// wrangler runs in its own process group, so Ctrl-C does not reach it: stop it ourselves
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping wrangler dev`);
    await cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
const api = async (path, { key, body, method } = {}) => {
  const res = await fetch(worker.url + path, {
    method: method ?? (body ? 'POST' : 'GET'),
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), Origin: ORIGIN, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const created = await api('/v1/admin/shops', {
  key: vars.ADMIN_TOKEN,
  body: {
    name: 'Bench Tea',
    currency: 'HKD',
    siteUrl: `${ORIGIN}/__bench/`,
    allowedOrigins: [ORIGIN, `http://localhost:${PORT}`],
    program: { kind: 'percent', rateBps: 1000, holdDays: 30, windowDays: 30 },
    products: [{ sku: 'oolong-250g', name: 'Oolong 250 g', priceMinor: 16800 }],
  },
});
const { publishableKey: pk, secretKey: sk, shop } = created;
const { referrer } = await api('/v1/referrers', { key: pk, body: {} });

/** Runs `task(0 … n-1)` with at most `concurrency` at a time. */
async function inPool(n, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

// SHOPS more shops, each with a referrer and this bench's origin allowed, for the many-shops scenario and
// the storage figures
console.log(`› creating ${SHOPS} shops (admin API, 10 at a time)`);
const shops = [];
{
  const t0 = performance.now();
  await inPool(SHOPS, 10, async (i) => {
    const c = await api('/v1/admin/shops', {
      key: vars.ADMIN_TOKEN,
      body: {
        name: `Bench Shop ${i}`,
        currency: 'HKD',
        siteUrl: `${ORIGIN}/__bench/`,
        allowedOrigins: [ORIGIN],
        // the storage shops release commissions at once, so that an order's release entries are counted too
        program: { kind: 'percent', rateBps: 1000, holdDays: i < STORAGE_SHOPS ? 0 : 30, windowDays: 30 },
        products: [
          { sku: 'oolong-250g', name: 'Oolong 250 g', priceMinor: 16800 },
          { sku: 'jasmine-100g', name: 'Jasmine 100 g', priceMinor: 9800 },
        ],
      },
    });
    const { referrer: r } = await api('/v1/referrers', { key: c.publishableKey, body: {} });
    shops[i] = { pk: c.publishableKey, sk: c.secretKey, shop: c.shop, referrer: r };
  });
  console.log(`  ${shops.length} shops in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// ------------------------------------------------------------------ main thread in Chromium
console.log('› SDK main-thread time in headless Chromium');
writeFileSync(
  resolve(ROOT, 'dist/public/__bench/index.html'),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script type="module" src="/sdk/sharecart.js" data-shop="${pk}"></script></head>
<body><sc-share-button product="oolong-250g"></sc-share-button></body></html>`,
);
try {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: CHROMIUM_ARGS,
  });
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${worker.url}/__bench/index.html`, { waitUntil: 'load' });
    await page.waitForFunction(
      () => {
        const el = document.querySelector('sc-share-button');
        const button = el?.shadowRoot?.querySelector('button');
        return button && !button.disabled && !el.hasAttribute('loading') && el.getAttribute('aria-busy') !== 'true';
      },
      null,
      { timeout: 15_000 },
    );
    const ready = await page.evaluate(() => {
      const script = performance.getEntriesByType('resource').find((e) => e.name.includes('/sdk/sharecart.js'));
      return { interactive: performance.now() - (script ? script.startTime : 0) };
    });
    const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
    runs.push({ interactive: ready.interactive, script: m.ScriptDuration * 1000, task: m.TaskDuration * 1000 });
    await context.close();
  }
  await browser.close();
  set('sdk.main_thread_ms', +median(runs.map((r) => r.script)).toFixed(1));
  set('sdk.task_ms', +median(runs.map((r) => r.task)).toFixed(1));
  set('sdk.script_to_interactive_ms', +median(runs.map((r) => r.interactive)).toFixed(1));
} catch (error) {
  console.error('  main-thread measurement failed:', error.message);
  set('sdk.main_thread_ms', null);
}

// ------------------------------------------------------------------ load
// The three scenarios' requests, built in one place so that the closed-loop (autocannon) and the
// open-loop measurement send exactly the same requests.
const auth = (key) => ({ Authorization: `Bearer ${key}`, Origin: ORIGIN, 'Content-Type': 'application/json' });
const bareRequest = () => ({ method: 'GET', path: '/healthz' });
const clickBody = JSON.stringify({ code: referrer.code, channel: 'whatsapp', landingUrl: `${ORIGIN}/__bench/` });
const clickRequest = () => ({ method: 'POST', path: '/v1/clicks', headers: auth(pk), body: clickBody });
let order = 0;
// every conversion needs its own order id (a repeated order id is not a new conversion)
const conversionBody = () =>
  JSON.stringify({
    orderId: `B-${process.pid}-${++order}`,
    amountMinor: 16800,
    currency: 'HKD',
    referralCode: referrer.code,
    items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
  });
const conversionRequest = () => ({ method: 'POST', path: '/v1/conversions', headers: auth(sk), body: conversionBody() });

async function load(name, opts) {
  console.log(`› ${name}: ${CONNECTIONS} connections, ${DURATION}s (after a 2 s warm-up)`);
  await autocannon({ ...opts, connections: 10, duration: 2 });
  const r = await autocannon({ ...opts, connections: CONNECTIONS, duration: DURATION });
  const ok = r['2xx'];
  if (r.non2xx) {
    const codes = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2'));
    console.warn(`  ! ${r.non2xx} answers were not 2xx: ${codes.map(([code, { count }]) => `${count} × ${code}`).join(', ')}`);
  }
  if (r.errors) console.warn(`  ! ${r.errors} connection errors`);
  console.log(`  ${+(ok / DURATION).toFixed(0)} req/s, p99 ${r.latency.p99} ms`);
  return { rps: +(ok / DURATION).toFixed(0), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}
/**
 * Waits until the clicks a round left in the shop objects are in D1 (CLICK_FLUSH_MS), so that the next
 * scenario starts on a quiet worker: the 100 shops' objects flush together, CLICK_FLUSH_MS after their first
 * click, which would otherwise land in the middle of a later measurement.
 */
async function clicksFlushed() {
  console.log(`  (waiting ${FLUSH_WAIT_MS / 1000} s for the shop objects to flush these clicks to D1)`);
  await new Promise((r) => setTimeout(r, FLUSH_WAIT_MS));
}
/** autocannon options for a request built by one of the builders above */
const closedLoop = (build) => {
  const { path, ...rest } = build();
  return { url: worker.url + path, ...rest };
};
/**
 * autocannon options for clicks to `list`'s shops at `url`: request i goes to shop i % list.length, with
 * that shop's key and referral code (the body shape of `clickRequest`).
 */
const clicksOver = (url, list) => {
  const bodies = list.map((s) =>
    JSON.stringify({ code: s.referrer.code, channel: 'whatsapp', landingUrl: `${ORIGIN}/__bench/` }),
  );
  let turn = 0;
  const next = (req) => {
    const i = turn++ % list.length;
    return { ...req, headers: auth(list[i].pk), body: bodies[i] };
  };
  return { url: `${url}/v1/clicks`, method: 'POST', requests: [{ setupRequest: next }] };
};
// The same clicks spread over SHOPS shops at once (one ShopObject each), same connections, duration and body
// shape. Throughput that stays near the one-shop figure means no global lock and no shared hot row on the
// click path.
const manyShopsRequest = clicksOver(worker.url, shops);

/**
 * Runs the closed-loop `scenarios` (name → [label, autocannon options]) `n` times, back to back within a
 * round: a ratio then compares two windows a few seconds apart, so a drift of the shared machine between
 * rounds moves both of its sides. After each round it waits for the shop objects' flush of the round's
 * clicks, so that it lands in no measured window. Returns each round's results by name.
 */
async function inRounds(n, scenarios) {
  const out = [];
  for (let round = 1; round <= n; round++) {
    console.log(`› closed-loop round ${round} of ${n}`);
    const results = {};
    for (const [name, [label, options]] of Object.entries(scenarios)) results[name] = await load(label, options);
    out.push(results);
    await clicksFlushed();
  }
  return out;
}
/** the median of `of(round)` over `list` */
const medianOf = (list, of) => median(list.map(of));
const rounds = await inRounds(ROUNDS, {
  bare: ['bare route (GET /healthz)', closedLoop(bareRequest)],
  clicks: ['click ingest (POST /v1/clicks)', closedLoop(clickRequest)],
  many: [`click ingest over ${SHOPS} shops (POST /v1/clicks)`, manyShopsRequest],
  conversions: [
    'conversions (POST /v1/conversions)',
    { ...closedLoop(conversionRequest), requests: [{ setupRequest: (req) => ({ ...req, body: conversionBody() }) }] },
  ],
});
const overRounds = (of) => medianOf(rounds, of);
const ratio = (a, b) => +(a / b).toFixed(3);
/** the sum of `of(round)` over `list` */
const sumOf = (list, of) => list.reduce((n, r) => n + of(r), 0);
/** each round's requests per second by scenario, as results.json keeps them and report.mjs tables them */
const perRound = rounds.map((r) => ({
  bare: r.bare.rps,
  clicks: r.clicks.rps,
  shops_100: r.many.rps,
  conversions: r.conversions.rps,
}));
set('worker.closed_loop.rounds', perRound);
/** the median over the rounds of one of a round's own ratios (report.mjs roundRatios) */
const roundRatio = (name) => medianOf(perRound, (x) => +roundRatios(x)[name].toFixed(3));
const bare = { rps: overRounds((r) => r.bare.rps) };
const figures = {
  'worker.bare.rps': bare.rps,
  'worker.bare.p99_ms': overRounds((r) => r.bare.p99),
  'worker.clicks.rps': overRounds((r) => r.clicks.rps),
  'worker.clicks.p50_ms': overRounds((r) => r.clicks.p50),
  'worker.clicks.p99_ms': overRounds((r) => r.clicks.p99),
  'worker.clicks.non2xx': sumOf(rounds, (r) => r.clicks.non2xx),
  'worker.clicks.ratio_to_bare': roundRatio('clicks'),
  'worker.clicks.shops_100.rps': overRounds((r) => r.many.rps),
  'worker.clicks.shops_100.p99_ms': overRounds((r) => r.many.p99),
  'worker.clicks.shops_100.non2xx': sumOf(rounds, (r) => r.many.non2xx),
  'worker.clicks.shops_100.ratio_to_one_shop': roundRatio('shops_100'),
  'worker.conversions.rps': overRounds((r) => r.conversions.rps),
  'worker.conversions.p99_ms': overRounds((r) => r.conversions.p99),
  'worker.conversions.non2xx': sumOf(rounds, (r) => r.conversions.non2xx),
  'worker.conversions.ratio_to_bare': roundRatio('conversions'),
};
for (const [key, value] of Object.entries(figures)) set(key, value);

// ------------------------------------------------------------------ open-loop latency at half the bare maximum
// A fixed schedule of RATE requests per second, sent whether or not earlier ones have answered, with
// latency measured from each request's intended send time (bench/open-loop.mjs). RATE is half the
// bare route's closed-loop throughput measured above, so every route is offered the same load.
const RATE = Math.round(bare.rps / 2);
set('worker.open_loop.rate_rps', RATE);
async function openLoopScenario(key, name, build) {
  console.log(`› open loop, ${name}: ${RATE} req/s, ${DURATION}s (after a ${OPEN_LOOP_WARMUP} s warm-up at the same rate)`);
  const r = await openLoop({
    origin: worker.url,
    rate: RATE,
    seconds: DURATION,
    warmupSeconds: OPEN_LOOP_WARMUP,
    connections: OPEN_LOOP_CONNECTIONS,
    request: build,
  });
  console.log(
    `  ${r.requests} requests, ${r.ok} 2xx, max ${r.maxInFlight} in flight` +
      (r.firstError ? `, first error: ${r.firstError}` : '') +
      (r.firstNon2xx ? `, first non-2xx: ${r.firstNon2xx}` : ''),
  );
  if (Math.abs(r.achievedRps - RATE) > 0.02 * RATE) {
    console.warn(
      `  ! the generator sent ${r.achievedRps} req/s instead of ${RATE}: this scenario's latencies are not trustworthy`,
    );
  }
  if (r.sendLagP99Ms > 10) {
    console.warn(
      `  ! 1 % of sends were ${r.sendLagP99Ms} ms or more late: this process or the machine stalled, and the p99 includes it`,
    );
  }
  if (r.maxInFlight > OPEN_LOOP_CONNECTIONS) {
    // still measured honestly (the wait in the client's pool counts from the intended send time)
    console.warn(`  ! up to ${r.maxInFlight} requests were in flight: the route fell behind ${RATE} req/s`);
  }
  set(`worker.${key}.p50_ms_at_half_rate`, r.p50Ms);
  set(`worker.${key}.p99_ms_at_half_rate`, r.p99Ms);
  set(`worker.${key}.max_ms_at_half_rate`, r.maxMs);
  set(`worker.${key}.open_loop_achieved_rps`, r.achievedRps);
  set(`worker.${key}.open_loop_send_lag_p99_ms`, r.sendLagP99Ms);
  set(`worker.${key}.open_loop_max_in_flight`, r.maxInFlight);
  set(`worker.${key}.open_loop_non2xx`, r.non2xx);
  set(`worker.${key}.open_loop_errors`, r.errors);
  return r;
}
const bareOpen = await openLoopScenario('bare', 'bare route (GET /healthz)', bareRequest);
const clicksOpen = await openLoopScenario('clicks', 'click ingest (POST /v1/clicks)', clickRequest);
const conversionsOpen = await openLoopScenario('conversions', 'conversions (POST /v1/conversions)', conversionRequest);
const p99Ratio = (r) => (r.p99Ms == null || !bareOpen.p99Ms ? null : +(r.p99Ms / bareOpen.p99Ms).toFixed(2));
set('worker.clicks.p99_ratio_to_bare_at_half_rate', p99Ratio(clicksOpen));
set('worker.conversions.p99_ratio_to_bare_at_half_rate', p99Ratio(conversionsOpen));

// ------------------------------------------------------------------ storage per click and per order
// Bytes D1 and the shop objects keep, indexes included: the local SQLite files are read (dbstat, through
// bench/storage.mjs) with the worker stopped, before and after STORAGE_CLICKS clicks and STORAGE_ORDERS
// orders written through the worker over STORAGE_SHOPS shops, shaped like production traffic: the SDK's
// click (visitor id, a product landing URL with campaign parameters, a browser user agent) and the
// example merchant backend's order report (two items, the click id, the buyer's e-mail, an
// Idempotency-Key). Bytes per row are the growth of each table over the growth of its rows. These shops
// have no hold (holdDays 0), so each order's commission is released (two more ledger entries, its due
// task deleted) by the shop object's alarm before the second reading: an order is measured whole, except
// its share of later payouts. A click is measured as written, and again after the retention cron has nulled its
// personal fields (db/retention.ts, after the attribution window + 7 days), on a copy.
const ORDER_TABLES = ['conversions', 'ledger_entries', 'outbox_events', 'ledger_tasks', 'shop_totals'];
const D1_TABLES = ['clicks', ...ORDER_TABLES, 'idempotency_keys'];
async function storageFigures() {
  console.log(
    `› storage: ${STORAGE_CLICKS.toLocaleString()} clicks and ${STORAGE_ORDERS.toLocaleString()} orders over ${STORAGE_SHOPS} shops`,
  );
  if (!sqliteAvailable()) {
    console.warn('  ! no sqlite3 shell with dbstat (apt-get install sqlite3): the storage keys are null in this run');
    return null;
  }
  // the last clicks of the scenarios reach D1 with their objects' next alarm (CLICK_FLUSH_MS)
  await new Promise((r) => setTimeout(r, FLUSH_WAIT_MS));
  await worker.stop();
  const read = () => {
    const files = localFiles(persistTo);
    return { d1: tableSizes(files.d1, D1_TABLES), shopObjects: tableSizes(files.shopObjects, ['click_log']) };
  };
  const before = read();
  worker = await serve();
  const t0 = performance.now();
  const userAgent =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
  const post = async (path, key, body, headers = {}) => {
    const res = await fetch(worker.url + path, {
      method: 'POST',
      headers: { ...auth(key), 'User-Agent': userAgent, ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const clickIds = shops.map(() => []);
  await inPool(STORAGE_CLICKS, 32, async (i) => {
    const s = i % STORAGE_SHOPS;
    const { clickId } = await post('/v1/clicks', shops[s].pk, {
      code: shops[s].referrer.code,
      channel: 'whatsapp',
      landingUrl: `${ORIGIN}/__bench/products/oolong-250g?ref=${shops[s].referrer.code}&utm_source=whatsapp&utm_medium=social&utm_campaign=share`,
      visitorId: randomUUID(),
    });
    clickIds[s].push(clickId);
  });
  // every click acknowledged is in its object; let the objects' alarms flush them to D1 (CLICK_FLUSH_MS)
  await new Promise((r) => setTimeout(r, FLUSH_WAIT_MS));
  await inPool(STORAGE_ORDERS, 16, async (i) => {
    const s = i % STORAGE_SHOPS;
    const ids = clickIds[s];
    await post(
      '/v1/conversions',
      shops[s].sk,
      {
        orderId: `HL-${randomBytes(5).toString('hex').toUpperCase()}`,
        amountMinor: 16800 + 9800,
        currency: 'HKD',
        items: [
          { sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 },
          { sku: 'jasmine-100g', quantity: 1, unitPriceMinor: 9800 },
        ],
        clickId: ids[Math.floor(i / STORAGE_SHOPS) % ids.length],
        customer: { email: `buyer-${i}@example.com` },
      },
      { 'Idempotency-Key': `order-${randomBytes(16).toString('hex')}` },
    );
  });
  console.log(`  written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // the objects' alarms release the commissions (due at once) and flush the last clicks
  await new Promise((r) => setTimeout(r, 3000));
  await worker.stop();
  const after = read();
  const retained = tableSizes(localFiles(persistTo).d1, ['clicks'], {
    prepare: 'UPDATE clicks SET landing_url = NULL, visitor_hash = NULL, ip_hash = NULL, ua_hash = NULL',
  }).clicks;
  return {
    d1: growth(before.d1, after.d1),
    shopObjects: growth(before.shopObjects, after.shopObjects),
    // every click of the table has the same shape once its personal fields are null
    clickAfterRetention: retained.rows ? retained.bytes / retained.rows : null,
  };
}
let storage = null;
try {
  storage = await storageFigures();
} catch (error) {
  console.error('  the storage measurement failed; its keys are null in this run:', error.message);
}
const perMillion = (bytes, rows) => (rows > 0 ? Math.round((bytes / rows) * 1e6) : null);
if (storage) {
  const { d1, shopObjects, clickAfterRetention } = storage;
  const orders = d1.conversions.rows;
  console.log(
    `  D1 growth: ${D1_TABLES.map((t) => `${t} ${d1[t].rows} rows / ${d1[t].bytes} B`).join(', ')}; ` +
      `shop objects: click_log ${shopObjects.click_log.rows} rows / ${shopObjects.click_log.bytes} B`,
  );
  set('d1.storage_sample.clicks', d1.clicks.rows);
  set('d1.storage_sample.orders', orders);
  set('d1.storage_sample.ledger_entries_per_order', orders ? +(d1.ledger_entries.rows / orders).toFixed(2) : null);
  set('d1.bytes_per_million_clicks', perMillion(d1.clicks.bytes, d1.clicks.rows));
  set('d1.bytes_per_million_clicks_after_retention', clickAfterRetention && Math.round(clickAfterRetention * 1e6));
  set(
    'd1.bytes_per_million_orders',
    perMillion(
      ORDER_TABLES.reduce((n, t) => n + d1[t].bytes, 0),
      orders,
    ),
  );
  for (const t of ORDER_TABLES.slice(0, 4)) set(`d1.bytes_per_order.${t}`, orders ? Math.round(d1[t].bytes / orders) : null);
  set('d1.bytes_per_million_idempotency_keys', perMillion(d1.idempotency_keys.bytes, d1.idempotency_keys.rows));
  set('do.bytes_per_million_clicks', perMillion(shopObjects.click_log.bytes, shopObjects.click_log.rows));
} else {
  for (const k of ['d1.bytes_per_million_clicks', 'd1.bytes_per_million_orders', 'do.bytes_per_million_clicks']) set(k, null);
}

// ------------------------------------------------------------------ attribution vs table size
async function attributionAt(total) {
  console.log(`› attribution with ${total.toLocaleString()} clicks in D1`);
  await worker.stop();
  const have = Number(
    JSON.parse(
      wrangler(
        ['d1', 'execute', 'DB', '--local', '--json', '--command', "SELECT count(*) AS n FROM clicks WHERE id LIKE 'clk_bench_%'"],
        { persistTo },
      ),
    )[0].results[0].n,
  );
  const missing = Math.max(0, total - have);
  const CHUNK = 250_000;
  for (let start = 0; start < missing; start += CHUNK) {
    const n = Math.min(CHUNK, missing - start);
    const base = have + start;
    wrangler(
      [
        'd1',
        'execute',
        'DB',
        '--local',
        '--command',
        `WITH RECURSIVE seq(i) AS (SELECT ${base} UNION ALL SELECT i + 1 FROM seq WHERE i < ${base + n - 1})
       INSERT INTO clicks (id, shop_id, referrer_id, channel, landing_url, visitor_hash, ip_hash, ua_hash, created_at)
       SELECT printf('clk_bench_%09d', i), '${shop.id}', '${referrer.id}', 'whatsapp', NULL,
              printf('v%08d', i % 400000), NULL, NULL, ${Date.now()} - (i % 2000000) * 1000 FROM seq`,
      ],
      { persistTo },
    );
  }
  worker = await serve();
  const times = [];
  for (let i = 0; i < 120; i++) {
    const clickId = `clk_bench_${String(Math.floor((i * 7919) % total)).padStart(9, '0')}`;
    const t0 = performance.now();
    const res = await fetch(`${worker.url}/v1/conversions`, {
      method: 'POST',
      headers: auth(sk),
      body: JSON.stringify({ orderId: `ATTR-${total}-${i}`, amountMinor: 9800, currency: 'HKD', clickId }),
    });
    const body = await res.json();
    const t = performance.now() - t0;
    if (res.status !== 201 || body.conversion.source !== 'click')
      throw new Error(`attribution failed: ${res.status} ${JSON.stringify(body)}`);
    if (i >= 20) times.push(t);
  }
  times.sort((a, b) => a - b);
  return +times[Math.floor(times.length / 2)].toFixed(2);
}
set('worker.attribution.ms_at_10k_clicks', await attributionAt(10_000));
set('worker.attribution.ms_at_1m_clicks', await attributionAt(1_000_000));
set(
  'worker.attribution.ratio_1m_to_10k',
  +(results['worker.attribution.ms_at_1m_clicks'] / results['worker.attribution.ms_at_10k_clicks']).toFixed(2),
);

// ------------------------------------------------------------------ the dashboard's funnel vs clicks
// (bench/dashboard.mjs, its own shop: 10 k then 1 M clicks bulk-loaded over 30 days)
{
  const { dashboardFunnel } = await import('./dashboard.mjs');
  const keys = await dashboardFunnel({
    persistTo,
    adminToken: vars.ADMIN_TOKEN,
    origin: ORIGIN,
    url: () => worker.url,
    stop: () => worker.stop(),
    start: async () => {
      worker = await startWranglerDev({ port: PORT, persistTo, vars: WORKER_VARS });
    },
    wrangler,
  });
  for (const [k, v] of Object.entries(keys)) set(k, v);
}

await worker.stop();
rmSync(persistTo, { recursive: true, force: true });

// ------------------------------------------------------------------ what each stage of a click costs
// The bench-only stage worker (bench/stages/), served like the real one, on a fresh database.
console.log('› stages of the click and the order path (CPU µs per request of the worker processes)');
{
  const stagesConfig = 'bench/stages/wrangler.toml';
  const stagesDir = mkdtempSync(join(tmpdir(), 'sharecart-stages-'));
  applyMigrations({ persistTo: stagesDir, config: stagesConfig });
  const stagesWorker = await startWranglerDev({
    port: PORT,
    persistTo: stagesDir,
    config: stagesConfig,
    vars: { IP_HASH_SALT: vars.IP_HASH_SALT, ADMIN_TOKEN: vars.ADMIN_TOKEN },
    inspector: WITH_INSPECTOR,
  });
  try {
    const stages = await measureStages({ worker: stagesWorker, autocannon, admin: vars.ADMIN_TOKEN, origin: ORIGIN });
    set('worker.clicks.stages', stages?.clicks ?? null);
    set('worker.clicks.stage_ratios_to_bare', stages?.clickRatios ?? null);
    set('worker.conversions.stages', stages?.orders ?? null);
    set('worker.storage.commit_cpu_us', stages?.commit ?? null);
  } finally {
    await stagesWorker.stop();
    rmSync(stagesDir, { recursive: true, force: true });
  }
}
rmSync(resolve(ROOT, 'dist/public/__bench'), { recursive: true, force: true });

// ------------------------------------------------------------------ the disk's sync
// bench/disk-sync.mjs: what the sync of one commit costs this disk, in the directory the objects live in,
// when the log grows (a quiet shop's object) and when it is written over (a busy one's); nothing else runs.
console.log('› the disk: write + fdatasync of a three-page commit, the log growing and written over');
set('machine.disk_sync_us', measureDiskSync(tmpdir()));

// ------------------------------------------------------------------ the same clicks with no disk under them
// The rounds' click pair (one shop, then SHOPS shops) on a worker whose files, D1's and the objects', live
// in memory (/dev/shm, a tmpfs, where a sync returns at once): the same code and load without the disk's
// sync. A ratio near 1 here beside a lower one above puts the difference in the sync of each commit, not in
// a lock or a row the shops share.
if (existsSync('/dev/shm')) {
  const shmDir = mkdtempSync('/dev/shm/sharecart-bench-');
  applyMigrations({ persistTo: shmDir });
  const shmWorker = await startWranglerDev({ port: PORT, persistTo: shmDir, vars: WORKER_VARS, inspector: WITH_INSPECTOR });
  try {
    const shop = (name) => createBenchShop({ url: shmWorker.url, origin: ORIGIN, admin: vars.ADMIN_TOKEN, name });
    const one = await shop('Bench Tea (tmpfs)');
    const many = [];
    await inPool(SHOPS, 10, async (i) => (many[i] = await shop(`Bench Shop ${i} (tmpfs)`)));
    const pairs = await inRounds(TMPFS_ROUNDS, {
      clicks: ['click ingest, tmpfs', clicksOver(shmWorker.url, [one])],
      many: [`click ingest over ${SHOPS} shops, tmpfs`, clicksOver(shmWorker.url, many)],
    });
    set('worker.clicks.shops_100.on_tmpfs', {
      one_shop_rps: medianOf(pairs, (r) => r.clicks.rps),
      shops_100_rps: medianOf(pairs, (r) => r.many.rps),
      ratio_to_one_shop: medianOf(pairs, (r) => ratio(r.many.rps, r.clicks.rps)),
      non2xx: sumOf(pairs, (r) => r.clicks.non2xx + r.many.non2xx),
    });
  } catch (error) {
    console.error('  the tmpfs click measurement failed; its key is missing from this run:', error.message);
  } finally {
    await shmWorker.stop();
    rmSync(shmDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ team-buy
// bench/teams.mjs: one join broadcast to 100 watchers, joins per second into 100 teams and into one, and
// the CPU of 1,000 idle watchers; a worker of its own, served like the main one, on a fresh database.
{
  const teamsDir = mkdtempSync(join(tmpdir(), 'sharecart-bench-teams-'));
  applyMigrations({ persistTo: teamsDir });
  const teamsWorker = await startWranglerDev({
    port: PORT,
    persistTo: teamsDir,
    vars: TEAM_BENCH_VARS,
    inspector: WITH_INSPECTOR,
  });
  try {
    const figures = await measureTeams({
      worker: teamsWorker,
      autocannon,
      admin: vars.ADMIN_TOKEN,
      origin: ORIGIN,
      bareRps: bare.rps,
      seconds: DURATION,
    });
    for (const [k, v] of Object.entries(figures)) set(k, v);
  } catch (error) {
    console.error('  the team-buy measurement failed; its keys are missing from this run:', error.message);
  } finally {
    await teamsWorker.stop();
    rmSync(teamsDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ write
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const meta = {
  command: WITH_INSPECTOR ? 'BENCH_INSPECTOR=1 npm run bench' : 'npm run bench',
  date: new Date().toISOString(),
  machine,
  durationSeconds: DURATION,
  rounds: ROUNDS,
  connections: CONNECTIONS,
  servedBy: WITH_INSPECTOR
    ? 'wrangler dev (CLI, with the DevTools inspector)'
    : 'wrangler startWorker, no inspector (scripts/lib/serve-worker.mjs)',
  openLoop: { rateRps: RATE, warmupSeconds: OPEN_LOOP_WARMUP, durationSeconds: DURATION, connections: OPEN_LOOP_CONNECTIONS },
};
// A run through the CLI is a comparison, not the record: it goes to its own file, which RESULTS.md quotes.
const out = WITH_INSPECTOR ? 'bench/results-inspector.json' : 'bench/results.json';
writeFileSync(resolve(ROOT, out), JSON.stringify({ meta, ...results }, null, 2) + '\n');
if (WITH_INSPECTOR) {
  console.log(`\nwrote ${out}`);
} else {
  writeFileSync(resolve(ROOT, 'bench/RESULTS.md'), renderResults({ meta, ...results }, readInspectorRun()));
  console.log(`\nwrote ${out} and bench/RESULTS.md`);
}
