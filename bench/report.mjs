#!/usr/bin/env node
// Renders bench/RESULTS.md from bench/results.json (run by `npm run bench`; `node bench/report.mjs`
// re-renders without measuring again).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIRST_PAINT_CHUNKS = new Set(['lit']);

/**
 * The capacity model of bench/SCALE.md, evaluated with a run's storage keys. The shop sizes are
 * assumptions of the model (the referral traffic of a small, a medium and a large shop), not measurements.
 */
export const SHOP_SIZES = [
  { name: 'small', clicksPerDay: 1_000, ordersPerDay: 20 },
  { name: 'medium', clicksPerDay: 20_000, ordersPerDay: 400 },
  { name: 'large', clicksPerDay: 500_000, ordersPerDay: 10_000 },
];
/** D1's maximum database size, 10 GB (https://developers.cloudflare.com/d1/platform/limits/), taken as 10^10 bytes */
export const D1_MAX_BYTES = 10e9;
/** A SQLite-backed Durable Object's storage, 10 GB of 10^9 bytes (https://developers.cloudflare.com/durable-objects/platform/limits/) */
export const DO_MAX_BYTES = 10e9;
/** Idempotency keys are kept at least 24 h and purged after 72 h (worker/README.md) */
export const IDEMPOTENCY_DAYS = 3;
/** A shop object keeps its clicks for the attribution window (30 days by default) + 7 days (domain/retention.ts) */
export const CLICK_LOG_DAYS = 30 + 7;

/**
 * @param {string} key
 * @param {Record<string, any>} results for targets relative to another figure of the same run
 */
function target(key, results) {
  const fixed = {
    'sdk.loader.gzip_bytes': ['≤ 2,048', (v) => v <= 2048],
    'sdk.first_paint.ratio_to_shareon': ['≤ 1', (v) => v <= 1],
    'worker.clicks.ratio_to_bare': ['≥ 0.65', (v) => v >= 0.65],
    'worker.clicks.shops_100.ratio_to_one_shop': ['≥ 0.8', (v) => v >= 0.8],
    // a validity check: every request of the many-shops run was answered 2xx (no limit refused one)
    'worker.clicks.shops_100.non2xx': ['0', (v) => v === 0],
    'worker.clicks.p99_ms': ['≤ 100', (v) => v <= 100],
    'worker.conversions.ratio_to_bare': ['≥ 0.40', (v) => v >= 0.4],
    'worker.clicks.p99_ratio_to_bare_at_half_rate': ['≤ 2', (v) => v <= 2],
    'worker.conversions.p99_ratio_to_bare_at_half_rate': ['≤ 3', (v) => v <= 3],
    'worker.attribution.ratio_1m_to_10k': ['flat (≤ 1.5)', (v) => v <= 1.5],
    'team.join_broadcast.p99_ms': ['≤ 50', (v) => v <= 50],
    'team.joins_per_s.100_teams.ratio_to_bare': ['≥ 0.25', (v) => v >= 0.25],
    // validity checks: every join into the 100 teams was admitted, every idle watcher stayed connected
    'team.joins_per_s.100_teams.non2xx': ['0', (v) => v === 0],
    'team.idle_watchers_1000.connected': ['1,000', (v) => v === 1000],
    'dashboard.funnel_ms_at_1m_clicks': ['≤ 100', (v) => v <= 100],
    'dashboard.funnel.ratio_1m_to_10k': ['flat (≤ 1.5)', (v) => v <= 1.5],
  }[key];
  if (fixed) return fixed;
  const shareon = results['peers.shareon.gzip_bytes'];
  if (key == 'sdk.first_paint.gzip_bytes' && shareon) return [`≤ ${shareon.toLocaleString('en')} (shareon)`, (v) => v <= shareon];
  // validity checks, not goals: the open-loop generator must have kept to its schedule (on average, and
  // without long stalls) for its latencies to describe the worker rather than this machine
  const rate = results['worker.open_loop.rate_rps'];
  if (/^worker\.[a-z]+\.open_loop_achieved_rps$/.test(key) && rate) {
    return [`${rate} ± 2 %`, (v) => Math.abs(v - rate) <= 0.02 * rate];
  }
  if (/^worker\.[a-z]+\.open_loop_send_lag_p99_ms$/.test(key)) return ['≤ 10', (v) => v <= 10];
  const chunk = /^sdk\.chunks\.(.+)\.gzip_bytes$/.exec(key);
  if (chunk && !FIRST_PAINT_CHUNKS.has(chunk[1])) return ['≤ 6,144', (v) => v <= 6144];
  if (chunk) return ['in first paint', () => true];
  return null;
}

const fmt = (n, digits = 0) =>
  n == null || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * The capacity table of bench/SCALE.md with a run's figures, or '' without them. Per shop and day, D1
 * keeps for good what a click leaves after retention and what an order writes; it also holds, at any
 * time, the last CLICK_LOG_DAYS of clicks at full size and the last IDEMPOTENCY_DAYS of idempotency keys.
 * @param {Record<string, any>} r
 */
export function renderCapacity(r) {
  const click = r['d1.bytes_per_million_clicks'] / 1e6;
  const retained = (r['d1.bytes_per_million_clicks_after_retention'] ?? r['d1.bytes_per_million_clicks']) / 1e6;
  const order = r['d1.bytes_per_million_orders'] / 1e6;
  const key = (r['d1.bytes_per_million_idempotency_keys'] ?? 0) / 1e6;
  const doClick = r['do.bytes_per_million_clicks'] / 1e6;
  if (!(click > 0 && order > 0)) return '';
  const days = (n) => (n >= 3650 ? '> 10 years' : n >= 365 ? `${fmt(n / 365, 1)} years` : n > 0 ? `${fmt(n)} days` : 'at once');
  const rows = SHOP_SIZES.map((s) => {
    const growth = s.clicksPerDay * retained + s.ordersPerDay * order;
    const recent = s.clicksPerDay * CLICK_LOG_DAYS * (click - retained) + s.ordersPerDay * IDEMPOTENCY_DAYS * key;
    const fill = (n) => days((D1_MAX_BYTES - n * recent) / (n * growth));
    const object = s.clicksPerDay * CLICK_LOG_DAYS * doClick;
    const perD1 = D1_MAX_BYTES / (365 * growth + recent);
    return (
      `| ${s.name} | ${fmt(s.clicksPerDay)} | ${fmt(s.ordersPerDay)} | ${fmt(growth / 1e6, 1)} MB | ${fmt(recent / 1e6)} MB ` +
      `| ${perD1 >= 1 ? fmt(perD1) : '< 1'} | ${fill(1)} | ${fill(10)} | ${fill(100)} | ${fill(1000)} ` +
      `| ${fmt(object / 1e6)} MB (${fmt((100 * object) / DO_MAX_BYTES, 1)} %) |`
    );
  });
  return `
## Capacity (the model of bench/SCALE.md with this run's figures)

A D1 database holds ${fmt(D1_MAX_BYTES / 1e9)} GB. A click costs it ${fmt(click)} B as written (\`d1.bytes_per_million_clicks\`) and
${fmt(retained)} B for good once retention has nulled its personal fields after ${CLICK_LOG_DAYS} days
(\`d1.bytes_per_million_clicks_after_retention\`); an order ${fmt(order)} B for good (\`d1.bytes_per_million_orders\`, with its release);
an idempotency key ${fmt(key)} B for ${IDEMPOTENCY_DAYS} days. A shop object keeps ${fmt(doClick)} B per click (\`do.bytes_per_million_clicks\`) for
${CLICK_LOG_DAYS} days. The shop sizes are the model's assumptions.

| shop | clicks/day | orders/day | D1 growth/day | D1 recent data | shops per D1, one year | D1 full with 1 shop | 10 shops | 100 shops | 1,000 shops | object storage (of 10 GB) |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

One shop object took ${fmt(r['worker.clicks.rps'])} clicks/s (\`worker.clicks.rps\`) and ${fmt(r['worker.conversions.rps'])} orders/s
(\`worker.conversions.rps\`) on this machine.
`;
}

/**
 * The last run through the wrangler CLI (\`BENCH_INSPECTOR=1 npm run bench\`), if one was made.
 * @returns {Record<string, any> | null}
 */
export function readInspectorRun() {
  try {
    return JSON.parse(readFileSync(resolve(import.meta.dirname, 'results-inspector.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * @param {Record<string, any>} all results.json's content
 * @param {Record<string, any> | null} [inspector] results-inspector.json's content, quoted for comparison
 */
export function renderResults(all, inspector = null) {
  const { meta, ...results } = all;
  const open = meta.openLoop;
  const openLine = open
    ? `\nOpen loop: ${open.rateRps} requests/s on a fixed schedule (half of \`worker.bare.rps\`), ${open.durationSeconds} s per scenario after a
${open.warmupSeconds} s warm-up at the same rate, up to ${open.connections} keep-alive connections (undici Pool).`
    : '';
  const parts = (meta.parts ?? [])
    .map(
      (p) =>
        `\n\`${p.command}\` measured ${p.keys.map((k) => `\`${k}\``).join(', ')} again on ${p.date} (${p.machine}` +
        `${p.loadAverage == null ? '' : `, load average ${p.loadAverage} at its start`}).`,
    )
    .join('');
  const rate = results['worker.open_loop.rate_rps'];
  const share = (route) =>
    rate && results[`worker.${route}.rps`] ? Math.round((100 * rate) / results[`worker.${route}.rps`]) : null;
  const offered =
    share('clicks') && share('conversions')
      ? `
  In this run the rate was ${share('clicks')} % of the click route's closed-loop throughput and ${share('conversions')} % of the
  conversion route's.`
      : '';
  const rounds = results['worker.closed_loop.rounds'];
  const roundsTable = Array.isArray(rounds)
    ? `
Requests per second of each closed-loop round (\`worker.closed_loop.rounds\`), the four scenarios back to back:

| round | bare | one shop's clicks | 100 shops' clicks | conversions | clicks / bare | 100 shops / one shop | conversions / bare |
|---|---|---|---|---|---|---|---|
${rounds
  .map(
    (x, i) =>
      `| ${i + 1} | ${fmt(x.bare)} | ${fmt(x.clicks)} | ${fmt(x.shops_100)} | ${fmt(x.conversions)} | ${Object.values(
        roundRatios(x),
      )
        .map((v) => fmt(v, 3))
        .join(' | ')} |`,
  )
  .join('\n')}
`
    : '';
  const rows = Object.entries(results)
    .filter(([k]) => k !== 'worker.closed_loop.rounds')
    .map(([k, v]) => {
      const t = target(k, results);
      const shown =
        v !== null && typeof v === 'object'
          ? Object.entries(v)
              .map(([name, n]) => `${name} ${n}`)
              .join(', ')
          : (v ?? 'n/a');
      return `| \`${k}\` | ${shown} | ${t ? `${t[0]}${v == null ? '' : t[1](v) ? ' ✔' : ' ✘'}` : ''} |`;
    });
  return `# Benchmark results

Produced by \`${meta.command}\` on ${meta.date.slice(0, 10)} (${meta.date}).
Machine: ${meta.machine}. Load: autocannon, ${meta.connections} connections, ${meta.durationSeconds} s per scenario
after a 2 s warm-up, 127.0.0.1 only, against the worker in workerd with local D1 and Durable Objects, served by
${meta.servedBy ?? '`wrangler dev`'}.${
    meta.rounds
      ? `
The closed-loop scenarios ran in ${meta.rounds} rounds (bare, one shop's clicks, 100 shops' clicks, conversions,
back to back); each figure below is the median of its rounds, each ratio the median of the rounds' own ratios.`
      : ''
  }${openLine}
${parts}
The load generator shares the 2 cores with workerd, so absolute numbers are low and vary by about ±10 %
between runs; the ratios to the bare route are what the targets are about.
${roundsTable}
| metric | value | target |
|---|---|---|
${rows.join('\n')}

## How to read it
- **Sizes** are gzip -9 of the minified files the browser downloads (\`dist/sizes.json\`, enforced by the
  build). First paint = loader + the \`lit\` chunk (Lit, the base class, i18n, the API core and the share
  button), no larger than shareon's JS + CSS (the build's budget). Peers are measured from their npm packages in
  the same run (shareon: IIFE JS + CSS; sharer.js: sharer.min.js; vanilla-sharing: its ESM build minified
  with terser). Peers have no referral tracking and no Asian networks.
- **\`sdk.main_thread_ms\`** is Chromium's ScriptDuration (CDP Performance metrics) for a page with the
  script tag and one share button, median of 7 fresh contexts; \`sdk.task_ms\` is all main-thread task time
  of that page load; \`sdk.script_to_interactive_ms\` runs from the loader's request start to a rendered,
  enabled share button and includes the \`/v1/config\` round trip.
- **Clicks** go through the shop's Durable Object (ShopObject): validated against cached referrers,
  rate-limited, written to the object's SQLite storage (concurrent clicks share one commit) before the
  answer, and flushed to D1 as one \`INSERT … SELECT FROM json_each\` per 500 clicks. The per-client rate
  limit is raised for the run so that one load generator is not throttled.
- **Conversions** are decided in the same object (program, products and referrers cached, clicks found in
  its local copy) and concurrent reports are group-committed to D1 in one batch; secret-key lookups are
  cached per isolate for 5 s.
- **p99 at 50 connections** follows Little's law: the mean latency is 50 / throughput, and p99 sits at
  about 2.5× the mean for every route here, the bare route included (\`worker.bare.p99_ms\`). A click p99
  of 100 ms would need click ingest at about 0.8× the bare route's throughput on this machine.
- **\`…_at_half_rate\`** is the open-loop measurement (\`bench/open-loop.mjs\`). Closed loop (autocannon)
  keeps 50 requests outstanding and sends the next one only when one answers: its latency is set by its
  own throughput, and when the server stalls the client stops sending, so the requests that would have
  waited are never sent and never measured (coordinated omission). Open loop sends on a fixed schedule —
  half the bare route's closed-loop maximum (\`worker.open_loop.rate_rps\`), the same rate for every
  route — whether or not earlier requests have answered, and measures each latency from the request's
  *intended* send time to the end of its response, so a wait anywhere (workerd, the Durable Object, the
  socket, the client's connection pool, a late timer in the generator) is counted, not hidden.
  p50/p99/max are exact (sorted) over the measured seconds; failed requests sort above every answer.
  Two rows are validity checks rather than goals: \`…open_loop_achieved_rps\` within 2 % of the rate
  (the generator kept to its schedule on average) and \`…open_loop_send_lag_p99_ms\` ≤ 10 ms (how late its
  own sends were; already inside the latencies — a large value means this process or the machine stalled,
  and the stall is then in the p99 too). \`…open_loop_max_in_flight\` shows whether a route kept up: at
  a latency of L ms it should be near rate × L / 1000; hundreds or thousands mean its queue grew through
  the run, and then its p99 measures that growth (it rises with \`BENCH_SECONDS\`) rather than the time
  one request takes.${offered}
- **Attribution** is the median latency of a full \`POST /v1/conversions\` with a click id, measured with
  10 k and then 1 M clicks in D1 (bulk-loaded): lookups are by primary key and indexed visitor hash, so
  the time does not grow with the table.
- **Dashboard funnel** (\`bench/dashboard.mjs\`) is the median time of \`GET /v1/stats/funnel\` (30 days, Hong
  Kong time, secret key; 100 requests after 20) for a shop holding 10 k and then 1 M clicks over those 30
  days, 8 channels and 20 referrers, bulk-loaded into D1 so that the triggers of migration 0008 keep the
  hourly rollup as the click flush does. The funnel sums at most 720 hours × 8 channels rollup rows and
  never reads the clicks, so 1 M clicks cost what 10 k do; each answer is checked to count every click.
- **\`worker.clicks.shops_100.*\`** is the click run again (same connections, duration and body) with request
  *i* sent to shop *i* mod 100: 100 shops, one ShopObject each. \`…ratio_to_one_shop\` is its throughput over
  the one shop's clicks of the same round, the median over the rounds; near 1 means nothing on the click path
  is shared between shops (no global lock, no shared hot row). Each object then sees a hundredth of the
  traffic, so fewer clicks share each object's storage commit, and each object's alarm flushes a few clicks
  to D1 every \`CLICK_FLUSH_MS\`. After each round the bench waits \`CLICK_FLUSH_MS\` (30 s) for those flushes,
  so that the next round starts on a quiet worker; the 12 s window is shorter than that, so \`shops_100\`
  carries none of them (at one flush per object per 30 s, some 15–20 µs a click, 1–2% of its cost). The one
  shop's last flush (under 200 clicks, one D1 statement) may land in a later window of its round.
  \`…shops_100.on_tmpfs\` is the same pair of click runs, in rounds of their own, on a worker whose
  files live in memory (/dev/shm): the design without the disk's sync under it (see the section on commits).
- **Storage** (\`d1.*\`, \`do.*\`) is read from the local SQLite files with \`dbstat\` (bench/storage.mjs, which
  needs the \`sqlite3\` shell): whole pages of each table and of its indexes, before and after
  \`d1.storage_sample.clicks\` clicks and \`d1.storage_sample.orders\` orders written through the worker over
  10 shops, shaped like production traffic (the SDK's click with a visitor id, a product landing URL and a
  browser user agent; the example merchant backend's report with two items, the click id, the buyer's
  e-mail and an Idempotency-Key). An order is its rows in \`conversions\`, \`ledger_entries\`,
  \`outbox_events\`, \`ledger_tasks\` and \`shop_totals\` (\`d1.bytes_per_order.*\` splits it); idempotency keys
  are counted apart because the cron purges them after 72 h; \`do.*\` is the shop objects' \`click_log\`.
- **Team-buy** (\`team.*\`, bench/teams.mjs, a worker of its own on a fresh database, the team rate limits
  lifted): \`join_broadcast\` runs from sending one \`POST /v1/teams/{id}/join\` to each of 100 WebSocket
  watchers of that team receiving the team with the new member (9 joins into each of 5 teams, every join ×
  watcher pair one sample). \`joins_per_s.100_teams\` sends join *i* into lane *i* mod 100, each lane moving
  to a fresh team after 9 joins, so every join is a new person admitted (the seat in the shop object, the
  team's storage, its broadcast); its ratio is over \`worker.bare.rps\` of the same run.
  \`…100_teams.cpu_us_per_join\` is the CPU the worker's processes spent per join in that run (from /proc,
  the method of the stage figures), against \`team.bare.cpu_us_per_request\` (4,000 bare requests on the same
  worker): on a shared machine it moves less than a throughput does.
  \`joins_per_s.one_team\` is a flash crowd on one team: every request a new person for the same team, the
  first 9 admitted (\`…one_team.admitted\`) and the rest answered \`team_full\` by the team's object, one at a
  time — the throughput of one object's admission lane, since a team holds at most 10.
  \`idle_watchers_1000.cpu_ms\` is the CPU the worker's processes spend over 10 s with 1,000 connected, idle
  watchers (10 teams × 100); \`idle_watchers_0.cpu_ms\` the same 10 s before any connected. With the
  hibernation API an idle watcher costs nothing, so the two differ only by noise. The \`sc-team-buy\` chunk is
  \`sdk.chunks.sc-team-buy.gzip_bytes\`.
${renderStages(results, inspector)}${renderCapacity(results)}`;
}

/**
 * Where a click's and an order's CPU goes (\`worker.clicks.stages\`, \`worker.conversions.stages\`), and
 * what moved the throughput figures.
 * @param {Record<string, any>} r
 * @param {Record<string, any> | null} [inspector] the same bench through the CLI, with its inspector
 */
export function renderStages(r, inspector = null) {
  const clicks = r['worker.clicks.stages'];
  const orders = r['worker.conversions.stages'];
  const table = (stages, names) =>
    Object.entries(names)
      .filter(([k]) => stages[k] != null)
      .map(([k, what]) => `| ${k} | ${what} | ${fmt(stages[k])} |`)
      .join('\n');
  const clickRows = clicks
    ? table(clicks, {
        bare: 'the bare route, GET /healthz (absolute)',
        request_body: 'a POST with a JSON body: request id, clock, configuration check, CORS, body guard',
        auth_key_lookup: 'the publishable key and its origin (cached per isolate)',
        validation: 'the request schema (zod)',
        hashing: "the client's pseudonyms (HMAC-SHA256 of IP and user agent)",
        rpc_hop: 'one RPC to a Durable Object that answers at once',
        shop_object_lookup: "the hop to the shop's ShopObject: code looked up in its cache, rate limit counted",
        storage_commit_and_answer: "the click written to the object's SQLite storage before the answer, and the answer",
        total: 'POST /v1/clicks (absolute)',
        json_encoding: "of which JSON-encoding the click's answer (measured apart)",
      })
    : '';
  const orderRows = orders
    ? table(orders, {
        bare: 'the bare route (absolute)',
        auth_key_lookup: 'the secret key (SHA-256, cached per isolate for 5 s)',
        validation: 'the order schema (zod)',
        rpc_hop: 'one RPC to a Durable Object that answers at once',
        decide_and_write: 'decided in the ShopObject and group-committed to D1 (six statements per group)',
        total: 'POST /v1/conversions (absolute)',
      })
    : '';
  return `
## Where a click's time goes

\`worker.clicks.stages\` and \`worker.conversions.stages\`: CPU microseconds per request of the worker's processes
(workerd and the node process serving it, read from /proc) over 4,000 requests per route, median of 3 rounds,
each stage of the bench-only stage worker (bench/stages/) against the one before it. Stages within ±30 µs
are within this method's noise.
${
  clickRows
    ? `
| click stage | what it adds | µs |
|---|---|---|
${clickRows}
`
    : ''
}${
    orderRows
      ? `
| order stage | what it adds | µs |
|---|---|---|
${orderRows}
`
      : ''
  }
${renderStageRatios(r)}${renderCommit(r)}
## What moved the figures (issue 10)

- **The dev server's inspector, not the worker, was the largest cost.** \`wrangler dev\` always opens a DevTools
  inspector, and its proxy turns on the Network domain: every subrequest (each D1 call, each Durable Object
  call) is reported to the wrangler process, which writes it, body included, to its debug log; the bare
  route makes no subrequest and pays nothing, which held the ratios down (clicks 0.569×, conversions 0.264×
  in \`bench/results.json\` of commit 8558a21, served through the CLI). A deployed worker has no inspector, so
  the bench now serves the worker without it (scripts/lib/serve-worker.mjs, wrangler's startWorker API with
  \`inspector: false\`); \`BENCH_INSPECTOR=1 npm run bench\` measures through the CLI as before and writes
  \`bench/results-inspector.json\`.${inspectorLine(r, inspector)} Test and bench runs also keep wrangler's debug
  log in their own throwaway directory (it had grown to 500 MB in ~/.config/.wrangler/logs).
- **Many shops**: each shop object flushes its new clicks to D1 every 30 s (\`CLICK_FLUSH_MS\`; 1 s at first,
  then 5 s) or at 200 clicks. Spread over 100 shops an object gets a few clicks a second, so at 1 s every
  click paid a good part of a flush and of the alarm's housekeeping; attribution reads the object's own copy
  and the dashboard's and a referrer's figures add the unflushed clicks, so nothing waits for the flush.
- **Orders** are written in six D1 statements per group of concurrent orders, whatever the group's size
  (rows through \`json_each\`), instead of six to eight per order (commit ec806f5).
- **First paint** lost 526 B gzip by leaving out the parts of Lit the components never use (rollup.config.ts).
- **Many shops**: a per-client limit above 256 a window is now estimated in constant memory; the exact
  log kept 8 bytes per allowed write per client, which with the bench's lifted limits made workerd grow
  past 17 GB with 30 shop objects.
- **Headers, pseudonyms, object ids** (commits 53e4a72, ffccca8): the answer's \`X-Request-Id\` and CORS headers
  are set before the answer is built (setting a header on a finished answer copied the whole Response, on every
  request, the bare route's too); the day's IP and user-agent pseudonyms are remembered per isolate (two HMAC
  calls per click); Durable Object ids by name are remembered per isolate (\`idFromName\` hashed the shop id on
  every call); a commit of a single click is one INSERT, without a savepoint around it. Measured against the
  commit before them with \`ONLY=bare,clicks,many,conversions node bench/ab.mjs <checkout of 8b8478b>\` (both
  served at once, the same load on each in turn, 3 rounds of 8 s, medians): clicks 1,014 → 1,085 req/s and
  1,504 → 1,392 µs of CPU each; the bare route 1,761 → 1,788 req/s (955 → 921 µs); 100 shops 767 → 735 req/s and
  conversions 622 → 608 req/s, within the rounds' spread (±10% on this machine from one 8 s run to the next).
- **The ratios move with the machine.** The bare route is served by two workerd processes at once (wrangler's
  proxy and the worker: 499 and 452 µs of CPU a request, 86% and 78% of a core, in one run of
  \`node bench/threads.mjs\`), so it gains when both cores are free; a click is held by the one thread that runs
  the worker and its Durable Objects (782 µs a click, 84% of a core, the rest waiting on the storage's syncs;
  the proxy's thread 616 µs, 66%). The base commit's bare route measured 1,636–1,869 req/s across the A/B rounds
  above, while the bench runs of 98a5b7d had 1,608–1,754: the same code gives a clicks ratio some 0.05 apart on a
  busy or a quiet hour (1,190 / 1,730 = 0.69 in that bench/threads.mjs run).
- **Tried and dropped**: waiting for the storage to make a group of clicks durable (\`storage.sync()\`) before
  committing the next group, to gather larger groups, left the clicks per commit where they were (14.1 with it,
  14.4 without, at 50 connections: the turn's gathering already takes what arrives). Bench-only builds of the
  stage worker: skipping the click's storage write saves
  about 150–180 µs per click, but an acknowledged click must survive a restart (guarantees.md), so the write
  stays before the answer; gathering clicks across a timer into larger commits, flushing to D1 less often
  for one busy shop, and one \`json_each\` statement per commit instead of one INSERT per click each moved the click's CPU by less
  than this method's noise; so did esbuild's \`keep_names: false\`.
- **Orders linger for company** (commit 3882e35): under load — the last D1 batch of new orders held more than
  one — the conversion desk waits 5 ms before it writes the next batch, so that more orders share it; a lone
  order is still written at once. A batch's fixed cost (a D1 call and its six statements) was most of what
  an order cost beyond deciding it: with the write skipped in a bench-only build, an order cost ~790 µs of the
  worker thread's CPU against ~1,370 µs with it. Orders per batch went from 5.2 to 17.4 at 50 connections
  (\`conversions_per_batch_one_shop\`), and \`ONLY=bare,conversions node bench/ab.mjs <checkout of aecd0e9>\`
  (3 rounds of 8 s, medians) gave 620 → 723 orders/s and 2,229 → 1,908 µs of CPU per order.
- **Three unused D1 indexes dropped** (migration 0009, commit aecd0e9): \`ledger_due\` and \`ledger_pending_due\`
  (ledger work is found through \`ledger_tasks\` since migration 0005) and \`clicks_visitor\` (attribution by
  visitor reads the shop object's own clicks): two fewer rows written with each commission entry, one fewer with
  each click. The same A/B against the commit before it: orders 625 → 658 req/s in each of 3 rounds (2,155 → 2,114 µs).
- **Tried and dropped this time**: gathering the clicks of one shop in the worker across requests, to send
  them to the shop object in one call — workerd cancels a request that waits on a promise another request
  resolves unless it keeps its own I/O pending, and with a timer to keep it alive the click still cost the
  worker thread 795 µs against ~790 without, and failed under load (53 errors in 15,000, then a collapse);
  the same 2–5 ms linger on clicks (one shop's clicks already share commits 13–14 at a time); for 100 shops,
  skipping the flush's D1 write or the alarm that schedules the daily prune moved nothing beyond the noise
  (worker thread 1,001–1,082 µs a click in every variant), while no flush at all saved 80–130 µs a click:
  what the flush costs is not its D1 write.
- **A commit per click is a disk sync on the worker's thread** (commits 7d7eaca, 1f09563, 9cd1398). Served
  from a tmpfs instead of the disk (\`TMPDIR=/dev/shm\`, a scratch run), clicks spread over 100 shops ran at
  ~1,040 req/s against ~750 from the disk, while one shop's clicks did not move (1,107 against 1,104): local
  workerd syncs each object's write-ahead log at every commit, on the thread that runs the worker, and over
  100 shops every click is its own commit. \`strace -c\` on workerd under that load counted 1.52 \`fsync\` calls
  per click; the half beyond the click's own commit came from each object's flush cycle every 5 s (the
  alarm set and cleared, the D1 write, the flush mark). So new clicks now wait up to 30 s for D1 (1.15 syncs
  per click under the same load), and the clicks of an object that gets them one by one (a running mean of
  the gaps between its clicks above 20 ms) are committed at once instead of waiting a timer turn for company
  that does not come (\`GroupCommit\`'s \`gatherWithinMs\`); a busy shop's clicks still share commits, 13.3 at a
  time in the stage bench. Deciding by the last gap alone did worse either way: with 2 ms one shop's clicks
  shared commits 6.8 at a time and ran 1,049 req/s against 1,105 with 20 ms (\`ONLY=clicks,many node
  bench/ab.mjs <checkout of e2149ea>\`, ahead in each round), while with 20 ms a click to one of 100 shops
  waited for a turn whenever the one before came less than 20 ms earlier. \`ONLY=clicks,many node
  bench/ab.mjs <checkout of 63b4b1c>\` (3 rounds of 8 s, medians): 100 shops 782 → 881 req/s, ahead in each
  round; one shop 1,095 → 1,106, within the noise. The 30 s wait is past the bench's 12 s many-shops window,
  so that figure carries no flush: one flush per object every 30 s costs a sixth of what the 5 s flush cost
  (80–130 µs a click, above), some 15–20 µs a click, 1–2% of its cost. For orders, a secret's HMAC key is imported once per
  isolate (the shop's claim secret signs a token with every order) and hex encoding goes through a table:
  orders 651 → 675 req/s and 2,261 → 2,074 µs of CPU each in the same kind of A/B. Migration 0010 drops
  \`clicks_shop_time\`, an index no query reads (the retention prune searches \`clicks_personal_data\`, which
  has the same columns): one index row fewer with every click in D1.
- **Tried and dropped this time**: clicks without \`AUTOINCREMENT\` on the object's \`click_log\` (one page fewer
  per commit): no gain beyond the noise; gathering only by the timer's absence (every click its own commit,
  \`gather: 'now'\`): 100 shops 755 → 841 req/s but one shop 1,064 → 930, as the busy shop's clicks no longer
  shared commits; serving the bench without wrangler's proxy worker (the user worker's own socket): the
  ratios came out 0.55–0.68 for clicks as the bare route swung 1,900–2,200 req/s, so the bench keeps the
  proxy that \`wrangler dev\` users have.
- **Ids sort by creation time** (commit c66372e; \`newId\`: 8 base-62 characters of the millisecond, then 12
  random ones, as UUIDv7 and ULID do). With random ids every click went to a random page of D1's
  \`clicks\` primary key and of the object's \`click_log\` id index, so a flush of 200 clicks rewrote most of
  the key's pages and a commit of 14 clicks 14 index pages; now they land on the last one. \`ONLY=clicks,many
  node bench/ab.mjs <checkout of 4b9ba4c>\` (3 rounds of 8 s, medians): one shop 1,162 → 1,244 req/s, ahead in
  each round, and 1,368 → 1,273 µs of CPU a click; 100 shops 910 → 886, within the noise (a click to a quiet
  shop writes the last page of a small index either way). In a one-off \`perf record\` of the worker's workerd
  under the one-shop load (not a script in the repo), SQLite's share fell from 56 to 37 µs a click. The same
  holds for orders' conversions, ledger entries and outbox events.
- **Where a one-shop click's time goes now** (the same one-off \`perf record -g\` of the worker's workerd under
  50 connections, 15,000 requests each, CPU per request against the bare route's): ~455 µs is what every request costs (the entry worker's
  fetch, the request's \`cf\` object cloned as JSON at each hop, headers), and a click adds some 430 µs — the
  call into the shop object and its work there (~115 µs), the POST body and the larger request on the way in
  (~70 µs), SQLite (~37 µs with the flush's D1 insert), the commit's sync (~14 µs, shared by 13 clicks), GC
  (~30 µs) and the worker's own code (validation, hashing, the answer). No single part is much more than a
  quarter of it.
- **Tried and dropped after the sortable ids**: a threshold flush that leaves fewer than 200 clicks for the next one (the
  flushes already carried ~205 clicks each under load: 33 D1 calls for 6,761 clicks); building the flush's
  JSON in SQLite (\`json_group_array\`) instead of reading rows into objects; numbering \`click_log\`'s rows in
  the object instead of \`AUTOINCREMENT\` (a page fewer per commit: 100 shops 916 → 893 req/s, one shop
  1,171 → 1,150, each within the noise). None moved the click's CPU beyond the A/B's noise.
- **The closed-loop scenarios run in rounds** (\`BENCH_ROUNDS\`, 5): bare, one shop's clicks, 100 shops'
  clicks and conversions back to back, five times, each figure the median of its rounds and each ratio the
  median of the rounds' own ratios (the table above lists every round). Before, each scenario ran once and
  the 100 shops' window came 45 s after the one shop's, with the flush wait between: a drift of the shared
  machine between the two windows went straight into the ratio.${spread(r)} Now the two windows of a ratio
  are 12 s apart, and one slow window moves one round, not the figure. The median does not lift
  \`shops_100\` to its target: most of its rounds stay below 0.8, for the reason in the next section
  (a sync of a growing log on the worker's thread with every click of a quiet shop).
`;
}

/**
 * One closed-loop round's ratios (run.mjs takes the figures' ratios from here too): clicks / bare,
 * 100 shops / one shop, conversions / bare.
 * @param {{ bare: number, clicks: number, shops_100: number, conversions: number }} x
 */
export const roundRatios = (x) => ({
  clicks: x.clicks / x.bare,
  shops_100: x.shops_100 / x.clicks,
  conversions: x.conversions / x.bare,
});

/**
 * How far the rounds of a run spread (from \`worker.closed_loop.rounds\`), as a sentence.
 * @param {Record<string, any>} r
 */
function spread(r) {
  const rounds = r['worker.closed_loop.rounds'];
  if (!Array.isArray(rounds) || rounds.length < 2) return '';
  const range = (xs, digits) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
  const ratios = rounds.map(roundRatios);
  const of = (name) =>
    range(
      ratios.map((x) => x[name]),
      3,
    );
  return ` In this run the bare route measured ${range(
    rounds.map((x) => x.bare),
    0,
  )} req/s across the rounds, and
  one round's ratios ran ${of('clicks')} (clicks), ${of('shops_100')} (100 shops) and ${of('conversions')} (conversions).`;
}

/**
 * The rounds' click pair with no disk under it (\`worker.clicks.shops_100.on_tmpfs\`), beside the disk's.
 * @param {Record<string, any>} r
 */
function renderTmpfs(r) {
  const shm = r['worker.clicks.shops_100.on_tmpfs'];
  const many = r['worker.clicks.shops_100.ratio_to_one_shop'];
  if (!shm) return '';
  const verdict =
    shm.ratio_to_one_shop >= 0.8 && many < 0.8
      ? ": the shops share no lock and no row on the click path, and what holds the ratio below 0.8 on the disk is the sync of each quiet object's commit"
      : '';
  return `
With no disk under the same code and load — \`worker.clicks.shops_100.on_tmpfs\`: the rounds' click pair, the median of its rounds, on a
worker whose files (D1's and the objects') live in /dev/shm, where a sync returns at once — one shop took
${fmt(shm.one_shop_rps)} clicks/s and 100 shops ${fmt(shm.shops_100_rps)}, **${fmt(shm.ratio_to_one_shop, 3)}×** (${fmt(many, 3)}× on the disk)${verdict}.
`;
}

/**
 * How far each stage of the click path lets the throughput go (\`worker.clicks.stage_ratios_to_bare\`): the
 * ceiling a click's durable write leaves under the target.
 * @param {Record<string, any>} r
 */
export function renderStageRatios(r) {
  const ratios = r['worker.clicks.stage_ratios_to_bare'];
  if (!ratios) return '';
  const routes = {
    request_body: '/stage/body',
    auth_key_lookup: '/stage/auth',
    validation: '/stage/validate',
    hashing: '/stage/hash',
    rpc_hop: '/stage/hop',
    shop_object_lookup: '/stage/lookup',
    one_row_write: '/stage/write: the hop stage, the object writing one row before it answers',
    storage_commit_and_answer: 'POST /v1/clicks, the real route',
  };
  const rows = Object.entries(routes)
    .filter(([k]) => ratios[k] != null)
    .map(([k, route]) => `| ${k} | ${route} | ${fmt(ratios[k], 3)} |`)
    .join('\n');
  return `
### How far each stage lets the throughput go

\`worker.clicks.stage_ratios_to_bare\`: requests per second of each stage route against the bare route's, at 50
connections over the same 4,000-request windows and 3 rounds as the CPU figures above (medians). A route does
everything the routes above it do. The route that stops after the hop to an object that answers at once
(\`rpc_hop\`, ${fmt(ratios.rpc_hop, 3)}) is the most a click could reach here without a durable write; the same route with
one row written by the object before it answers (\`one_row_write\`, ${fmt(ratios.one_row_write, 3)}) shows what a durable
write alone takes away; the real click (\`storage_commit_and_answer\`, ${fmt(ratios.storage_commit_and_answer, 3)}) also
looks up the code, counts the rate limit and gathers a turn's clicks into one commit. Windows this short move by
±10 % on this machine; the rounds' figures at the top are the ones the targets read.

| stage | route | throughput / bare |
|---|---|---|
${rows}
`;
}

/**
 * What one durable commit costs (\`worker.storage.commit_cpu_us\`), and the ceiling it sets on the
 * many-shops ratio.
 * @param {Record<string, any>} r
 */
function renderCommit(r) {
  const commit = r['worker.storage.commit_cpu_us'];
  if (!commit) return '';
  const many = r['worker.clicks.shops_100.ratio_to_one_shop'];
  const sync = r['machine.disk_sync_us'];
  return `
### What a durable commit costs here, and the many-shops ratio

\`worker.storage.commit_cpu_us\` (stage routes \`/stage/spread-hop\`, \`/stage/spread-write\`, \`/stage/write\`, same
method as above): a Durable Object that writes one row before it answers costs ${fmt(commit.own_commit_per_write)} µs of CPU more per
request than one that answers at once when every write is its own commit (the requests go to 100 objects in
turn), and ${fmt(commit.shared_commit_per_write)} µs when they all go to one object, whose writes that arrive together share a commit.
The same one-row writes spread over 100 objects reach **${fmt(commit.throughput_100_objects_to_one, 3)}×** the throughput of one object
(\`throughput_100_objects_to_one\`), with nothing else to do: about what a design can reach here which makes each
shop's clicks durable in the shop's own object before answering, give or take the ±10 % of windows this short.
(Runs before commit 69930e8 read 0.80 and then 0.999 here: autocannon ends a run of a fixed number of
requests on its next whole second, and the throughput was timed to that end, so runs of 3–4 s counted as 4 or
5 s. Each stage route is now timed to its last answer.) Clicks to one shop share commits — ${fmt(commit.clicks_per_commit_one_shop, 1)}
clicks per commit at the bench's 50 connections (\`clicks_per_commit_one_shop\`, the shop object's own count);
spread over 100 shops an object gets a click every ~100 ms and every click is its own commit (and each object
flushes to D1 on its own, every \`CLICK_FLUSH_MS\`: after the bench's window), so \`worker.clicks.shops_100.ratio_to_one_shop\`${many != null ? ` (${fmt(many, 3)} in this run)` : ''} sits
below it. Local workerd keeps each object in its own SQLite file and syncs its write-ahead log to disk
at every commit, on the thread that runs the worker (\`perf record -g\` on workerd under the many-shops load:
\`fsync\` under \`pagerWalFrames\` is about 12% of its samples); on Cloudflare a commit is replicated away from
the worker's CPU.${
    sync
      ? ` And the sync of a log that grows costs more than one that is written over: \`machine.disk_sync_us\`
(bench/disk-sync.mjs, the same disk, a three-page commit then \`fdatasync\`) took ${fmt(sync.append_wall)} µs (${fmt(sync.append_cpu)} µs of CPU)
while the file grew and ${fmt(sync.overwrite_wall)} µs (${fmt(sync.overwrite_cpu)} µs of CPU) written over. An object's log starts empty
when the object is opened (the file is gone once the worker stops) and grows with each commit until SQLite
checkpoints it: the 100 objects of the bench's window each grow theirs, one click at a time, while the one
busy shop's log is checkpointed every few seconds and written over from its start.`
      : ''
  } A shared journal of many shops' clicks would batch their commits, but it is the shared hot
spot the design avoids (bench/SCALE.md).
${renderTmpfs(r)}${
    commit.conversions_per_batch_one_shop != null
      ? `
New orders share D1 batches the same way: ${fmt(commit.conversions_per_batch_one_shop, 1)} orders per batch of the shop object's conversion
desk at 50 connections (\`conversions_per_batch_one_shop\`, its own count): the reports that arrive while a batch is
written form the next one.
`
      : ''
  }`;
}

/**
 * The CLI run's figures next to this run's, when bench/results-inspector.json exists.
 * @param {Record<string, any>} r
 * @param {Record<string, any> | null} inspector
 */
function inspectorLine(r, inspector) {
  if (!inspector) return '';
  const cpu = (x, route) => x[`worker.${route}.stages`]?.total;
  const when = String(inspector.meta?.date ?? '').slice(0, 10);
  const parts = [
    `clicks ${fmt(inspector['worker.clicks.ratio_to_bare'], 3)}× and conversions ${fmt(inspector['worker.conversions.ratio_to_bare'], 3)}× the bare route`,
  ];
  if (cpu(inspector, 'clicks') && cpu(r, 'clicks') && cpu(inspector, 'conversions') && cpu(r, 'conversions')) {
    parts.push(
      `a click cost ${fmt(cpu(inspector, 'clicks'))} µs and an order ${fmt(cpu(inspector, 'conversions'))} µs of CPU, against ${fmt(cpu(r, 'clicks'))} and ${fmt(cpu(r, 'conversions'))} µs here`,
    );
  }
  return ` Its last run (${when}): ${parts.join('; ')}.`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = resolve(import.meta.dirname);
  const all = JSON.parse(readFileSync(resolve(dir, 'results.json'), 'utf8'));
  writeFileSync(resolve(dir, 'RESULTS.md'), renderResults(all, readInspectorRun()));
  console.log('wrote bench/RESULTS.md');
}
