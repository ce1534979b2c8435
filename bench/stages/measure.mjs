// What each stage of the click path (and of the order path) costs: serves the stage worker
// (bench/stages/worker.ts) the way the bench serves the real one, drives each stage route with the
// same request N times, and reads the CPU time the worker's processes spent (workerd and the node
// process that serves it, from /proc), per request. CPU time per request is what a stage adds to the
// load the machine carries; unlike a difference of throughputs it barely moves with the load
// generator's own share of the 2 cores. Each route is measured ROUNDS times and the median kept.
import { readFileSync, readdirSync } from 'node:fs';
import { createBenchShop, keyHeaders } from '../bench-shop.mjs';
import { median } from '../open-loop.mjs';

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

/**
 * @param {{ worker: { url: string, child: { pid: number } }, autocannon: Function, admin: string,
 *           origin: string, requests?: number, rounds?: number }} opts
 * @returns {Promise<{ clicks: Record<string, number>, clickRatios: Record<string, number>, orders: Record<string, number>,
 *   commit: { own_commit_per_write: number, shared_commit_per_write: number, throughput_100_objects_to_one: number, clicks_per_commit_one_shop: number, conversions_per_batch_one_shop: number } } | null>}
 *   µs of CPU per request each stage adds to the one before (`bare` and `total` absolute); the
 *   throughput of each click stage route, and of a one-row durable write to one object after the hop
 *   stage (`one_row_write`, /stage/write), against the bare route's in the same rounds; what a
 *   one-row durable write adds when it is its own commit or shares one, the throughput of such
 *   writes spread over 100 objects against one object, and how many clicks to one shop a commit
 *   holds at the bench's 50 connections, and how many new orders one D1 batch holds; null where /proc is missing
 */
export async function measureStages({ worker, autocannon, admin, origin, requests = 4000, rounds = 3 }) {
  try {
    readdirSync('/proc/self');
  } catch {
    return null;
  }
  const { pk, sk, referrer } = await createBenchShop({ url: worker.url, origin, admin, name: 'Stages' });
  const headers = (key) => keyHeaders(key, origin);
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
        ? { url: worker.url + path, method: 'POST', headers: headers(pk), body: clickBody }
        : {
            url: worker.url + path,
            method: 'POST',
            headers: headers(sk),
            requests: [{ setupRequest: (r) => ({ ...r, body: orderBody() }) }],
          };
  /** CPU µs per request and requests per second of one route at 50 connections, after a warm-up */
  const drive = async (opts) => {
    await autocannon({ ...opts, connections: 10, amount: 500 });
    const before = groupCpuMs(worker.child.pid);
    const t0 = performance.now();
    // autocannon ends a run of `amount` requests on its next whole second: the time is the last answer's
    let last = t0;
    const run = autocannon({ ...opts, connections: 50, amount: requests });
    run.on('response', () => (last = performance.now()));
    const r = await run;
    const spent = groupCpuMs(worker.child.pid) - before;
    if (r.non2xx || r.errors) throw new Error(`${opts.url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    return { cpu: (spent * 1000) / requests, rps: requests / ((last - t0) / 1000) };
  };
  const cpuPerRequest = async (opts) => (await drive(opts)).cpu;
  /**
   * Drives `list`'s routes in turn, `rounds` times: each stage's CPU against the one before it (`bare`
   * and `total` absolute), and each route's throughput against the bare route's (`list[0]`) as medians
   * of the same rounds. `beside` routes are driven in the same rounds for their throughput only.
   */
  const measure = async (list, kind, beside = []) => {
    const routes = [...list, ...beside];
    const cpu = Object.fromEntries(routes.map(([name]) => [name, []]));
    const rps = Object.fromEntries(routes.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, path] of routes) {
        const driven = await drive(optionsFor(path, kind));
        cpu[name].push(driven.cpu);
        rps[name].push(driven.rps);
      }
    }
    const us = list.map(([name]) => median(cpu[name]));
    const out = { bare: Math.round(us[0]) };
    for (let i = 1; i < list.length; i++) out[list[i][0]] = Math.round(us[i] - us[i - 1]);
    out.total = Math.round(us.at(-1));
    const bareRps = median(rps[list[0][0]]);
    const ratios = Object.fromEntries(routes.slice(1).map(([name]) => [name, +(median(rps[name]) / bareRps).toFixed(3)]));
    return { us: out, ratios };
  };
  const { us: clicks, ratios: clickRatios } = await measure(CLICK_STAGES, 'clicks', [['one_row_write', '/stage/write']]);
  // JSON encoding of a click's answer, apart: the body stage answering with the whole answer
  const json = [];
  const body = [];
  for (let round = 0; round < rounds; round++) {
    body.push(await cpuPerRequest(optionsFor('/stage/body', 'clicks')));
    json.push(await cpuPerRequest(optionsFor('/stage/json', 'clicks')));
  }
  clicks.json_encoding = Math.round(median(json) - median(body));
  const { us: orders } = await measure(ORDER_STAGES, 'orders');
  // one durable commit: one-row writes spread over 100 objects (each its own commit) against the
  // same requests without the write; and the same write to one object, whose writes share commits
  const commitSamples = { hop: [], spread: [], one: [], spreadRps: [], oneRps: [] };
  for (let round = 0; round < rounds; round++) {
    commitSamples.hop.push(await cpuPerRequest(optionsFor('/stage/spread-hop', 'clicks')));
    const spread = await drive(optionsFor('/stage/spread-write', 'clicks'));
    const one = await drive(optionsFor('/stage/write', 'clicks'));
    commitSamples.spread.push(spread.cpu);
    commitSamples.one.push(one.cpu);
    commitSamples.spreadRps.push(spread.rps);
    commitSamples.oneRps.push(one.rps);
  }
  const hop = median(commitSamples.hop);
  // how many clicks one commit of the shop object holds, and how many new orders one D1 batch of its
  // conversion desk holds, under the bench's load (the object's own counters)
  const counters = async () => (await fetch(worker.url + '/stage/metrics', { headers: headers(pk) })).json();
  /** items per group of the counter `key` of the object's metrics() while one route is driven */
  const perGroup = async (path, kind, key) => {
    const before = (await counters())[key];
    await autocannon({ ...optionsFor(path, kind), connections: 50, amount: requests });
    const after = (await counters())[key];
    return +((after.items - before.items) / Math.max(1, after.groups - before.groups)).toFixed(1);
  };
  const commit = {
    own_commit_per_write: Math.round(median(commitSamples.spread) - hop),
    shared_commit_per_write: Math.round(median(commitSamples.one) - hop),
    throughput_100_objects_to_one: +(median(commitSamples.spreadRps) / median(commitSamples.oneRps)).toFixed(3),
    clicks_per_commit_one_shop: await perGroup('/v1/clicks', 'clicks', 'clickCommits'),
    conversions_per_batch_one_shop: await perGroup('/v1/conversions', 'orders', 'conversionBatches'),
  };
  return { clicks, clickRatios, orders, commit };
}
