#!/usr/bin/env node
// The dashboard's funnel against the number of clicks a shop holds (issue 7 §2): the median time of
// `GET /v1/stats/funnel` (the last 30 days, Hong Kong time, with the secret key) for a shop holding
// 10 k and then 1 M clicks, spread evenly over those 30 days and eight channels. The clicks are written
// straight into the local D1 (like the attribution clicks of bench/run.mjs) with the worker stopped,
// so the rollup triggers of migration 0008 keep `funnel_hourly` exactly as the shop object's click
// flush does; the funnel reads that rollup (at most 720 hours × 8 channels rows), never the clicks, so
// its time should not grow with them.
//
// `npm run bench` runs it with the rest (`dashboardFunnel()`); `node bench/dashboard.mjs` runs it alone
// on a fresh database (wrangler dev on BENCH_PORT), merges its keys into bench/results.json and
// re-renders bench/RESULTS.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The clicks' channels, in turn (all eight are channels of the API). */
const CHANNELS = ['whatsapp', 'instagram', 'facebook', 'wechat', 'threads', 'telegram', 'copy', 'qr'];
/** Referrers the clicks are spread over. */
const REFERRERS = 20;
/** Clicks lie in the last SPREAD_SECONDS (29.9 days): all of them inside the 30-day funnel. */
const SPREAD_SECONDS = 2_583_360;
/** A multiplier prime to SPREAD_SECONDS: click i lands at second (i × STRIDE) mod SPREAD_SECONDS, so
 * any first n clicks are spread over the whole period, 10 k as evenly as 1 M. */
const STRIDE = 7_919;
/** Rows per `wrangler d1 execute`. */
const CHUNK = 250_000;
const WARMUP = 20;
const TIMED = 100;

/**
 * Measures the funnel at 10 k and at 1 M clicks. The worker must be running when it is called and is
 * running again when it returns.
 * @param {{
 *   persistTo: string,
 *   adminToken: string,
 *   origin: string,
 *   url: () => string,
 *   stop: () => Promise<void>,
 *   start: () => Promise<void>,
 *   wrangler: (args: string[], opts: { persistTo: string }) => string,
 *   log?: (line: string) => void,
 * }} opts
 * @returns {Promise<Record<string, number>>} the `dashboard.*` keys of bench/results.json
 */
export async function dashboardFunnel(opts) {
  const log = opts.log ?? console.log;
  const api = async (path, key, body) => {
    const res = await fetch(opts.url() + path, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, Origin: opts.origin, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const created = await api('/v1/admin/shops', opts.adminToken, {
    name: 'Bench Funnel',
    currency: 'HKD',
    siteUrl: `${opts.origin}/__bench/`,
    allowedOrigins: [opts.origin],
    program: { kind: 'percent', rateBps: 1000, holdDays: 30, windowDays: 30 },
  });
  const shopId = created.shop.id;
  const referrers = [];
  for (let i = 0; i < REFERRERS; i++) referrers.push((await api('/v1/referrers', created.secretKey, {})).referrer.id);
  const now = Date.now();
  let seeded = 0;

  async function seed(total) {
    await opts.stop();
    const t0 = performance.now();
    for (let start = seeded; start < total; start += CHUNK) {
      const last = Math.min(total, start + CHUNK) - 1;
      opts.wrangler(
        [
          'd1',
          'execute',
          'DB',
          '--local',
          '--command',
          `WITH RECURSIVE seq(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM seq WHERE i < ${last})
           INSERT INTO clicks (id, shop_id, referrer_id, channel, landing_url, visitor_hash, ip_hash, ua_hash, created_at)
           SELECT printf('clk_funnel_%09d', i), '${shopId}', '${JSON.stringify(referrers)}' ->> (i % ${REFERRERS}),
                  '${JSON.stringify(CHANNELS)}' ->> (i % ${CHANNELS.length}), NULL, printf('v%08d', i % 400000), NULL, NULL,
                  ${now} - ((i * ${STRIDE}) % ${SPREAD_SECONDS}) * 1000 FROM seq`,
        ],
        { persistTo: opts.persistTo },
      );
    }
    log(`  ${(total - seeded).toLocaleString('en')} clicks written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    seeded = total;
    await opts.start();
  }

  async function funnelMs(total) {
    log(`› dashboard funnel with ${total.toLocaleString('en')} clicks`);
    await seed(total);
    const to = Math.ceil(Date.now() / HOUR) * HOUR;
    const path = `/v1/stats/funnel?from=${to - 30 * DAY}&to=${to}&tzOffsetMinutes=480`;
    const times = [];
    for (let i = 0; i < WARMUP + TIMED; i++) {
      const t0 = performance.now();
      const funnel = await api(path, created.secretKey);
      const t = performance.now() - t0;
      // the answer counts every click (a rollup that missed some would be fast and wrong)
      if (funnel.totals.clicks !== total || funnel.channels.length !== CHANNELS.length || funnel.days.length < 30)
        throw new Error(`the funnel does not hold the ${total} clicks: ${JSON.stringify(funnel.totals)}`);
      if (i >= WARMUP) times.push(t);
    }
    times.sort((a, b) => a - b);
    const median = +times[Math.floor(times.length / 2)].toFixed(2);
    log(`  median ${median} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)} ms over ${TIMED} requests`);
    return median;
  }

  const at10k = await funnelMs(10_000);
  const at1m = await funnelMs(1_000_000);
  return {
    'dashboard.funnel_ms_at_10k_clicks': at10k,
    'dashboard.funnel_ms_at_1m_clicks': at1m,
    'dashboard.funnel.ratio_1m_to_10k': +(at1m / at10k).toFixed(2),
  };
}

// ------------------------------------------------------------------ alone: node bench/dashboard.mjs
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ensureDependencies } = await import('../scripts/lib/prepare.mjs');
  ensureDependencies();
  const { ROOT, applyMigrations, ensureDevVars, startWranglerDev, wrangler } = await import('../scripts/lib/wrangler-dev.mjs');
  const { renderResults } = await import('./report.mjs');
  const PORT = Number(process.env.BENCH_PORT ?? 8797);
  const vars = ensureDevVars();
  // other work on the machine shows in the figures: say how busy it was
  const load = loadavg()[0];
  const persistTo = mkdtempSync(join(tmpdir(), 'sharecart-bench-dashboard-'));
  applyMigrations({ persistTo });
  let worker = await startWranglerDev({ port: PORT, persistTo });
  let keys;
  try {
    keys = await dashboardFunnel({
      persistTo,
      adminToken: vars.ADMIN_TOKEN,
      origin: `http://127.0.0.1:${PORT}`,
      url: () => worker.url,
      stop: () => worker.stop(),
      start: async () => {
        worker = await startWranglerDev({ port: PORT, persistTo });
      },
      wrangler,
    });
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
  for (const [k, v] of Object.entries(keys)) console.log(`  ${k} = ${v}`);
  const file = resolve(ROOT, 'bench/results.json');
  const all = JSON.parse(readFileSync(file, 'utf8'));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const part = {
    command: 'node bench/dashboard.mjs',
    date: new Date().toISOString(),
    machine,
    loadAverage: +load.toFixed(2),
    keys: Object.keys(keys),
  };
  all.meta.parts = [...(all.meta.parts ?? []).filter((p) => p.command !== part.command), part];
  Object.assign(all, keys);
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
  writeFileSync(resolve(ROOT, 'bench/RESULTS.md'), renderResults(all));
  console.log('\nmerged into bench/results.json and bench/RESULTS.md');
}
