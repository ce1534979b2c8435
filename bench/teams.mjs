// Team-buy figures (issue 6 §6), against a worker served like the bench's (127.0.0.1 only, bounded):
// - team.join_broadcast.p50_ms / .p99_ms: one join with 100 watchers connected to the team (WebSocket,
//   loopback), from sending `POST /v1/teams/{id}/join` to each watcher receiving the team with the new
//   member; 9 joins into each of TEAMS_BROADCAST teams (a ladder up to 10 keeps them open), every
//   (join, watcher) pair one sample.
// - team.joins_per_s.100_teams: joins answered per second, closed loop (autocannon, 50 connections),
//   request i into lane i mod 100; each lane moves to a fresh team after 9 joins, so every join is a real
//   admission (a new person: the seat in the shop object, the team's storage, its broadcast).
//   …ratio_to_bare is over worker.bare.rps of the same run.
// - team.joins_per_s.one_team: a flash crowd on one team: every request a new person joining the same
//   team; the first 9 are admitted, every later one answered `team_full`, each decided by the team's
//   object in turn. It measures one object's admission lane, not admissions (one team holds at most 10).
// - team.idle_watchers_1000.cpu_ms: CPU milliseconds the worker's processes (workerd and the node process
//   serving it, from /proc) spend in 10 s with 1,000 watchers connected and nothing happening (10 teams ×
//   100); team.idle_watchers_0.cpu_ms is the same 10 s before any watcher connected. With the hibernation
//   API an idle watcher costs nothing, so the two should be close.
// `node bench/teams.mjs` measures these alone on a fresh database (with the bare route, for the ratio)
// and prints them; `npm run bench` runs them as one section and writes them into bench/results.json.
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { groupCpuMs } from './stages/measure.mjs';

const SKU = 'bench-tea';
const PRICE = 16_800;
/** a ladder from 2 to 10 keeps a team open for 9 joins after its leader */
const OFFER = { size: 2, priceMinor: 15_000, ladder: [{ size: 10, priceMinor: 14_000 }] };
const JOINS_PER_TEAM = 9;
const WATCHERS = 100;
const TEAMS_BROADCAST = 5;
const IDLE_WATCHERS = 1000;
const IDLE_SECONDS = 10;
const LANES = 100;
const CONNECTIONS = 50;

/** Worker variables that lift the team rate limits: one load generator on one IP is one client. */
export const TEAM_BENCH_VARS = {
  RATE_LIMITS: JSON.stringify({ team: { perClient: 100_000_000, perShop: 100_000_000 } }),
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (n, digits = 1) => +n.toFixed(digits);

/**
 * @param {{ worker: { url: string, child: { pid: number } }, autocannon: Function, admin: string,
 *           origin: string, bareRps?: number | null, seconds?: number, log?: (line: string) => void }} opts
 * @returns {Promise<Record<string, number | null>>} the team.* keys
 */
export async function measureTeams({ worker, autocannon, admin, origin, bareRps = null, seconds = 10, log = console.log }) {
  const headers = (key) => ({ Authorization: `Bearer ${key}`, Origin: origin, 'Content-Type': 'application/json' });
  const call = async (method, path, key, body) => {
    const res = await fetch(worker.url + path, { method, headers: headers(key), body: body && JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const created = await call('POST', '/v1/admin/shops', admin, {
    name: 'Bench team-buy',
    currency: 'HKD',
    siteUrl: `${origin}/`,
    allowedOrigins: [origin],
    products: [{ sku: SKU, name: 'Bench tea', priceMinor: PRICE }],
  });
  const pk = created.publishableKey;
  await call('PUT', `/v1/team-offers/${SKU}`, created.secretKey, OFFER);
  let people = 0;
  const person = () => `bench-${process.pid}-${++people}`;
  const startTeam = async () => (await call('POST', '/v1/teams', pk, { sku: SKU, visitorId: person() })).team.id;
  /** `n` teams, 20 starts at a time */
  const startTeams = async (n) => {
    const ids = new Array(n);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(n, 20) }, async () => {
        while (next < n) {
          const i = next++;
          ids[i] = await startTeam();
        }
      }),
    );
    return ids;
  };
  /** A watcher of a team: resolves once connected and sent the team; `onTeam` gets each later message. */
  const watch = (teamId, onTeam = () => {}) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${worker.url.replace(/^http/, 'ws')}/v1/teams/${teamId}/live?key=${pk}`, { origin });
      let first = true;
      ws.once('error', reject);
      ws.on('message', (data) => {
        const at = performance.now();
        const { team } = JSON.parse(String(data));
        if (first) {
          first = false;
          resolve(ws);
        } else onTeam(team, at);
      });
    });
  /** Connects `n` watchers per team id, 50 at a time. */
  const watchAll = async (ids, n, onTeam) => {
    const jobs = ids.flatMap((id) => Array.from({ length: n }, () => id));
    const sockets = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < jobs.length) sockets.push(await watch(jobs[next++], onTeam));
      }),
    );
    return sockets;
  };
  const closeAll = (sockets) =>
    Promise.all(
      sockets.map(
        (ws) =>
          new Promise((r) => {
            if (ws.readyState === WebSocket.CLOSED) return r();
            ws.once('close', r);
            ws.close();
          }),
      ),
    );
  const out = {};

  // ------------------------------------------------------------------ one join, 100 watchers
  log(`› team-buy: one join broadcast to ${WATCHERS} watchers (${TEAMS_BROADCAST} teams × ${JOINS_PER_TEAM} joins)`);
  {
    const samples = [];
    for (const teamId of await startTeams(TEAMS_BROADCAST)) {
      /** members → the time each watcher saw that many members */
      let waiting = null;
      const sockets = await watchAll([teamId], WATCHERS, (team, at) => {
        if (waiting && team.members.length === waiting.members) {
          samples.push(at - waiting.sent);
          if (++waiting.seen === WATCHERS) waiting.done();
        }
      });
      for (let j = 1; j <= JOINS_PER_TEAM; j++) {
        const all = new Promise((done) => (waiting = { members: 1 + j, sent: 0, seen: 0, done }));
        waiting.sent = performance.now();
        await call('POST', `/v1/teams/${teamId}/join`, pk, { visitorId: person() });
        await Promise.race([all, new Promise((_, fail) => setTimeout(() => fail(new Error('a watcher missed a join')), 10_000))]);
      }
      waiting = null;
      await closeAll(sockets);
    }
    samples.sort((a, b) => a - b);
    out['team.join_broadcast.samples'] = samples.length;
    out['team.join_broadcast.p50_ms'] = round(percentile(samples, 50), 2);
    out['team.join_broadcast.p99_ms'] = round(percentile(samples, 99), 2);
  }

  // ------------------------------------------------------------------ joins per second
  /** Closed-loop joins, each into the team `pick()` names; `afterWarmup` runs between warm-up and measurement. */
  const joinLoad = async (name, pick, afterWarmup = () => {}) => {
    const opts = {
      url: `${worker.url}/v1/teams/x/join`,
      method: 'POST',
      headers: headers(pk),
      requests: [
        {
          setupRequest: (req) => ({ ...req, path: `/v1/teams/${pick()}/join`, body: JSON.stringify({ visitorId: person() }) }),
        },
      ],
    };
    log(`› team-buy: ${name}: ${CONNECTIONS} connections, ${seconds}s (after a 2 s warm-up)`);
    await autocannon({ ...opts, connections: 10, duration: 2 });
    afterWarmup();
    const cpuBefore = groupCpuMs(worker.child.pid);
    const r = await autocannon({ ...opts, connections: CONNECTIONS, duration: seconds });
    const cpuMs = groupCpuMs(worker.child.pid) - cpuBefore;
    const codes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
    const answered = r['2xx'] + r.non2xx;
    return {
      answered,
      ok: r['2xx'],
      codes,
      errors: r.errors,
      p99: r.latency.p99,
      cpuUs: answered ? (cpuMs * 1000) / answered : null,
    };
  };
  {
    // enough teams for a lane of 9 joins each at up to 0.8 × the bare route's rate (or 1,000 joins/s)
    const expected = Math.ceil(Math.max(1000, 0.8 * (bareRps ?? 0)) * (seconds + 2));
    const pool = await startTeams(Math.ceil(expected / JOINS_PER_TEAM) + LANES);
    const used = new Array(LANES).fill(0);
    let turn = 0;
    let spent = false;
    const r = await joinLoad(`joins into ${LANES} teams at once`, () => {
      const lane = turn++ % LANES;
      const k = Math.floor(used[lane]++ / JOINS_PER_TEAM);
      const id = pool[lane + LANES * k];
      if (!id) spent = true;
      return id ?? pool[lane];
    });
    if (spent) log('  ! the pre-started teams ran out: later joins were refused (team_full) and are not counted');
    if (r.ok !== r.answered) log(`  ! not every join was admitted: ${JSON.stringify(r.codes)}`);
    out['team.joins_per_s.100_teams'] = Math.round(r.ok / seconds);
    out['team.joins_per_s.100_teams.p99_ms'] = r.p99;
    out['team.joins_per_s.100_teams.non2xx'] = r.answered - r.ok;
    out['team.joins_per_s.100_teams.ratio_to_bare'] = bareRps ? round(r.ok / seconds / bareRps, 3) : null;
    // CPU per join of the worker's processes (what a join adds to the machine's load: steadier than a
    // throughput when the machine is shared), and the bare route's, measured the same way
    out['team.joins_per_s.100_teams.cpu_us_per_join'] = Math.round(r.cpuUs);
    const bare = { url: `${worker.url}/healthz` };
    await autocannon({ ...bare, connections: 10, amount: 500 });
    const before = groupCpuMs(worker.child.pid);
    await autocannon({ ...bare, connections: CONNECTIONS, amount: 4000 });
    out['team.bare.cpu_us_per_request'] = Math.round(((groupCpuMs(worker.child.pid) - before) * 1000) / 4000);
  }
  {
    // the warm-up crowds one team, the measurement another from its first join
    const [warm, hot] = await startTeams(2);
    let target = warm;
    const r = await joinLoad(
      'a flash crowd on one team',
      () => target,
      () => (target = hot),
    );
    out['team.joins_per_s.one_team'] = Math.round(r.answered / seconds);
    out['team.joins_per_s.one_team.admitted'] = r.ok;
    out['team.joins_per_s.one_team.p99_ms'] = r.p99;
  }

  // ------------------------------------------------------------------ idle watchers
  {
    const ids = await startTeams(IDLE_WATCHERS / WATCHERS);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = async () => {
      const before = groupCpuMs(worker.child.pid);
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
      return groupCpuMs(worker.child.pid) - before;
    };
    log(`› team-buy: CPU of the worker's processes over ${IDLE_SECONDS} s, with no watcher and with ${IDLE_WATCHERS} idle ones`);
    out['team.idle_watchers_0.cpu_ms'] = await idle();
    const sockets = await watchAll(ids, WATCHERS);
    let closed = 0;
    for (const ws of sockets) ws.once('close', () => closed++);
    await new Promise((r) => setTimeout(r, 1000));
    out['team.idle_watchers_1000.cpu_ms'] = await idle();
    if (closed) log(`  ! ${closed} watchers were disconnected while idle`);
    out['team.idle_watchers_1000.connected'] = sockets.length - closed;
    await closeAll(sockets);
  }
  return out;
}

// ------------------------------------------------------------------ alone: `node bench/teams.mjs`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { default: autocannon } = await import('autocannon');
  const { applyMigrations, ensureDevVars, startWranglerDev } = await import('../scripts/lib/wrangler-dev.mjs');
  const port = Number(process.env.BENCH_PORT ?? 8797);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const vars = ensureDevVars();
  const dir = mkdtempSync(join(tmpdir(), 'sharecart-bench-teams-'));
  applyMigrations({ persistTo: dir });
  const worker = await startWranglerDev({ port, persistTo: dir, vars: TEAM_BENCH_VARS, inspector: false });
  try {
    console.log(`› bare route (GET /healthz): ${CONNECTIONS} connections, ${seconds}s`);
    await autocannon({ url: `${worker.url}/healthz`, connections: 10, duration: 2 });
    const bare = await autocannon({ url: `${worker.url}/healthz`, connections: CONNECTIONS, duration: seconds });
    const bareRps = Math.round(bare['2xx'] / seconds);
    console.log(`  worker.bare.rps = ${bareRps}`);
    const figures = await measureTeams({
      worker,
      autocannon,
      admin: vars.ADMIN_TOKEN,
      origin: `http://127.0.0.1:${port}`,
      bareRps,
      seconds,
    });
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k} = ${v}`);
  } finally {
    await worker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
