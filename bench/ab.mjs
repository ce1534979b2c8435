// Interleaved A/B of two checkouts on this machine: `node bench/ab.mjs <checkout A> [<checkout B>]`
// (B defaults to this one). Serves both workers at once (each on a fresh local database, without
// the inspector, like `npm run bench`), then drives the same load at one and then the other, the
// order swapped each round, so that the machine's drift hits both alike. Prints requests per
// second and CPU µs per request of each worker's processes (from /proc), per round and as medians.
//   ONLY=bare,clicks,many,conversions (default bare,clicks)   ROUNDS=3   SECONDS=8
// Checkout A needs its dependencies (a node_modules, or a link to this one's) and a built dist/.
// Traffic goes only to 127.0.0.1, bounded in time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { createBenchShop, keyHeaders } from './bench-shop.mjs';
import { groupCpuMs } from './stages/measure.mjs';

const { default: autocannon } = await import('autocannon');
const [a, b = resolve(import.meta.dirname, '..')] = process.argv.slice(2);
if (!a) {
  console.error('usage: node bench/ab.mjs <checkout A> [<checkout B>]');
  process.exit(2);
}
const ONLY = (process.env.ONLY ?? 'bare,clicks').split(',');
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.SECONDS ?? 8);
const SHOPS = 100;
const VARS = {
  CLICK_RATE_LIMIT_PER_MINUTE: '200000',
  RATE_LIMITS: JSON.stringify({ click: { perClient: 200_000, perShop: 100_000_000 } }),
};

async function serve(label, root, port) {
  const lib = await import(resolve(root, 'scripts/lib/wrangler-dev.mjs'));
  const origin = `http://127.0.0.1:${port}`;
  const vars = lib.ensureDevVars();
  const persistTo = mkdtempSync(join(tmpdir(), `sharecart-ab-${label}-`));
  lib.applyMigrations({ persistTo });
  const worker = await lib.startWranglerDev({ port, persistTo, inspector: false, vars: VARS });
  const program = { kind: 'percent', rateBps: 1000, holdDays: 30, windowDays: 30 };
  const shop = (name) => createBenchShop({ url: worker.url, origin, admin: vars.ADMIN_TOKEN, name, program });
  const one = await shop('A/B');
  const many = ONLY.includes('many') ? await Promise.all(Array.from({ length: SHOPS }, (_, i) => shop(`A/B ${i}`))) : [];
  const auth = (key) => keyHeaders(key, origin);
  const clickBody = (r) => JSON.stringify({ code: r.code, channel: 'whatsapp', landingUrl: `${origin}/` });
  const manyBodies = many.map((s) => clickBody(s.referrer));
  let turn = 0;
  let order = 0;
  const click = { url: worker.url + '/v1/clicks', method: 'POST', headers: auth(one.pk), body: clickBody(one.referrer) };
  const scenarios = {
    bare: { url: worker.url + '/healthz' },
    clicks: click,
    many: {
      ...click,
      requests: [
        {
          setupRequest: (req) => {
            const i = turn++ % SHOPS;
            return { ...req, headers: auth(many[i].pk), body: manyBodies[i] };
          },
        },
      ],
    },
    conversions: {
      url: worker.url + '/v1/conversions',
      method: 'POST',
      headers: auth(one.sk),
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              orderId: `AB-${label}-${++order}`,
              amountMinor: 16800,
              currency: 'HKD',
              referralCode: one.referrer.code,
              items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
            }),
          }),
        },
      ],
    },
  };
  return { worker, scenarios, persistTo };
}

const trees = { A: await serve('a', resolve(a), 8941), B: await serve('b', b, 8942) };
const results = { A: {}, B: {} };
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const line = [];
    for (const scenario of ONLY) {
      for (const label of round % 2 ? ['B', 'A'] : ['A', 'B']) {
        const { worker, scenarios } = trees[label];
        await autocannon({ ...scenarios[scenario], connections: 10, duration: 2 });
        const before = groupCpuMs(worker.child.pid);
        const r = await autocannon({ ...scenarios[scenario], connections: 50, duration: DURATION });
        const cpu = ((groupCpuMs(worker.child.pid) - before) * 1000) / Math.max(1, r['2xx']);
        if (r.non2xx) console.warn(`  ! ${label} ${scenario}: ${r.non2xx} answers were not 2xx`);
        (results[label][scenario] ??= []).push({ rps: r['2xx'] / DURATION, cpu });
      }
      const last = (label) => results[label][scenario].at(-1);
      line.push(
        `${scenario} A ${Math.round(last('A').rps)} req/s ${Math.round(last('A').cpu)} µs, B ${Math.round(last('B').rps)} req/s ${Math.round(last('B').cpu)} µs`,
      );
    }
    console.log(`round ${round + 1}: ${line.join(' | ')}`);
  }
  for (const scenario of ONLY) {
    const m = (label, k) => Math.round(median(results[label][scenario].map((x) => x[k])));
    console.log(
      `${scenario}: median A ${m('A', 'rps')} req/s ${m('A', 'cpu')} µs/request, B ${m('B', 'rps')} req/s ${m('B', 'cpu')} µs/request`,
    );
  }
} finally {
  for (const t of Object.values(trees)) {
    await t.worker.stop();
    rmSync(t.persistTo, { recursive: true, force: true });
  }
}
