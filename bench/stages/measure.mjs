// What each stage of the click path (and of the order path) costs: serves the stage worker
// (bench/stages/worker.ts) the way the bench serves the real one, drives each stage route with the
// same request N times, and reads the CPU time the worker's processes spent (workerd and the node
// process that serves it, from /proc), per request. CPU time per request is what a stage adds to the
// load the machine carries; unlike a difference of throughputs it barely moves with the load
// generator's own share of the 2 cores. Each route is measured ROUNDS times and the median kept.
import { readFileSync, readdirSync } from 'node:fs';

const CLICK_STAGES = [
  ['bare', '/healthz'],
  ['request_body', '/stage/body'],
  ['auth_key_lookup', '/stage/auth'],
  ['validation', '/stage/validate'],
  ['hashing', '/stage/hash'],
  ['rpc_hop', '/stage/hop'],
  ['shop_object_lookup', '/stage/lookup'],
  ['storage_commit_and_answer', '/v1/clicks'],
];
const ORDER_STAGES = [
  ['bare', '/healthz'],
  ['auth_key_lookup', '/stage/order-auth'],
  ['validation', '/stage/order-validate'],
  ['rpc_hop', '/stage/order-hop'],
  ['decide_and_write', '/v1/conversions'],
];

/** CPU milliseconds spent so far by the processes of process group `pgid` (Linux /proc). */
export function groupCpuMs(pgid) {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * @param {{ worker: { url: string, child: { pid: number } }, autocannon: Function, admin: string,
 *           origin: string, requests?: number, rounds?: number }} opts
 * @returns {Promise<{ clicks: Record<string, number>, orders: Record<string, number> } | null>}
 *   µs of CPU per request each stage adds to the one before (`bare` and `total` absolute), or null
 *   where /proc is missing
 */
export async function measureStages({ worker, autocannon, admin, origin, requests = 4000, rounds = 3 }) {
  try {
    readdirSync('/proc/self');
  } catch {
    return null;
  }
  const call = async (path, key, body) => {
    const res = await fetch(worker.url + path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, Origin: origin, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const shop = await call('/v1/admin/shops', admin, {
    name: 'Stages',
    currency: 'HKD',
    siteUrl: `${origin}/`,
    allowedOrigins: [origin],
    products: [{ sku: 'oolong-250g', name: 'Oolong', priceMinor: 16800 }],
  });
  const { referrer } = await call('/v1/referrers', shop.publishableKey, {});
  const headers = (key) => ({ Authorization: `Bearer ${key}`, Origin: origin, 'Content-Type': 'application/json' });
  const clickBody = JSON.stringify({ code: referrer.code, channel: 'whatsapp', landingUrl: `${origin}/x` });
  let orderNo = 0;
  const orderBody = () =>
    JSON.stringify({
      orderId: `STAGE-${++orderNo}`,
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
    });
  const optionsFor = (path, kind) =>
    path === '/healthz'
      ? { url: worker.url + path }
      : kind === 'clicks'
        ? { url: worker.url + path, method: 'POST', headers: headers(shop.publishableKey), body: clickBody }
        : {
            url: worker.url + path,
            method: 'POST',
            headers: headers(shop.secretKey),
            requests: [{ setupRequest: (r) => ({ ...r, body: orderBody() }) }],
          };
  const cpuPerRequest = async (opts) => {
    await autocannon({ ...opts, connections: 10, amount: 500 });
    const before = groupCpuMs(worker.child.pid);
    const r = await autocannon({ ...opts, connections: 50, amount: requests });
    const spent = groupCpuMs(worker.child.pid) - before;
    if (r.non2xx || r.errors) throw new Error(`${opts.url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    return (spent * 1000) / requests;
  };
  const measure = async (list, kind) => {
    const samples = Object.fromEntries(list.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, path] of list) samples[name].push(await cpuPerRequest(optionsFor(path, kind)));
    }
    const us = list.map(([name]) => median(samples[name]));
    const out = { bare: Math.round(us[0]) };
    for (let i = 1; i < list.length; i++) out[list[i][0]] = Math.round(us[i] - us[i - 1]);
    out.total = Math.round(us.at(-1));
    return out;
  };
  const clicks = await measure(CLICK_STAGES, 'clicks');
  // JSON encoding of a click's answer, apart: the body stage answering with the whole answer
  const json = [];
  const body = [];
  for (let round = 0; round < rounds; round++) {
    body.push(await cpuPerRequest(optionsFor('/stage/body', 'clicks')));
    json.push(await cpuPerRequest(optionsFor('/stage/json', 'clicks')));
  }
  clicks.json_encoding = Math.round(median(json) - median(body));
  const orders = await measure(ORDER_STAGES, 'orders');
  return { clicks, orders };
}
