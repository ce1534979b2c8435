// Where the worker's CPU goes by thread: serves the worker like `npm run bench` (fresh local
// database, no inspector), drives the bare route and the click route for 10 s each at 50
// connections, and prints each thread's share of a core and CPU µs per request (from
// /proc/<pid>/task), with the load generator's own share. `node bench/threads.mjs`
// Traffic goes only to 127.0.0.1, bounded in time.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createBenchShop, keyHeaders } from './bench-shop.mjs';

const { startWranglerDev, applyMigrations, ensureDevVars } = await import('../scripts/lib/wrangler-dev.mjs');
const { default: autocannon } = await import('autocannon');
const PORT = Number(process.env.BENCH_PORT ?? 8913);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const SECONDS = 10;
const vars = ensureDevVars();
const persistTo = mkdtempSync(join(tmpdir(), 'sharecart-threads-'));
applyMigrations({ persistTo });
const worker = await startWranglerDev({
  port: PORT,
  persistTo,
  inspector: false,
  vars: {
    CLICK_RATE_LIMIT_PER_MINUTE: '200000',
    RATE_LIMITS: JSON.stringify({ click: { perClient: 200_000, perShop: 100_000_000 } }),
  },
});

/** CPU ms of every thread of the worker's process group, by "pid/tid name". */
function threads() {
  const out = {};
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[2]) !== worker.child.pid) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
        out[`${pid}/${tid} ${name}`] = (Number(f[11]) + Number(f[12])) * 10;
      }
    } catch {
      /* gone */
    }
  }
  return out;
}

try {
  const { pk, referrer } = await createBenchShop({ url: worker.url, origin: ORIGIN, admin: vars.ADMIN_TOKEN, name: 'Threads' });
  const scenarios = {
    'bare route (GET /healthz)': { url: worker.url + '/healthz' },
    'click ingest (POST /v1/clicks)': {
      url: worker.url + '/v1/clicks',
      method: 'POST',
      headers: keyHeaders(pk, ORIGIN),
      body: JSON.stringify({ code: referrer.code, channel: 'whatsapp', landingUrl: `${ORIGIN}/` }),
    },
  };
  for (const [name, opts] of Object.entries(scenarios)) {
    await autocannon({ ...opts, connections: 10, duration: 2 });
    const before = threads();
    const t0 = performance.now();
    const own = process.cpuUsage();
    const r = await autocannon({ ...opts, connections: 50, duration: SECONDS });
    const seconds = (performance.now() - t0) / 1000;
    const after = threads();
    const gen = process.cpuUsage(own);
    console.log(
      `${name}: ${Math.round(r['2xx'] / SECONDS)} req/s; load generator ${Math.round(((gen.user + gen.system) / 1e6 / seconds) * 100)}% of a core`,
    );
    for (const [thread, ms] of Object.entries(after)) {
      const spent = ms - (before[thread] ?? 0);
      if (spent < 100) continue;
      console.log(
        `  ${thread.padEnd(30)} ${String(Math.round((spent / 1000 / seconds) * 100)).padStart(3)}% of a core  ${Math.round((spent * 1000) / r['2xx'])} µs/request`,
      );
    }
  }
} finally {
  await worker.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
