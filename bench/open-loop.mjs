// Open-loop (fixed-rate) HTTP load for the bench.
//
// autocannon is closed-loop: each of its connections sends the next request only when the previous
// one has answered, so when the server slows down the client slows down with it, fewer requests are
// sent, and the time those requests would have spent waiting is never measured ("coordinated
// omission"). Here, instead, request i is due at `start + i / rate`, and it is sent at that time
// whether or not earlier requests have answered. Its latency runs from that *intended* send time to
// the end of its response body, so time spent queued anywhere — in the server, in the kernel, in our
// own connection pool or behind a late timer of this process — counts against the server.
//
// The client must not become the queue: requests go through an undici Pool with many keep-alive
// connections (256 by default, one request per connection at a time, no pipelining), the number of
// requests in flight is tracked, and the result reports how closely the actual send times kept to
// the schedule (achieved send rate and send lag), so a run where this process could not keep up is
// visible as such instead of being silently reported as server latency.
//
// Bounded: `warmupSeconds + seconds` of scheduled requests (rate × that many), then at most `drainMs`
// for the last answers; whatever is still unanswered is cancelled and counted as an error.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * @typedef {{ path: string, method?: string, headers?: Record<string, string>, body?: string }} Req
 * @typedef {{
 *   rate: number, requests: number, achievedRps: number, sendLagP99Ms: number, maxInFlight: number,
 *   p50Ms: number | null, p99Ms: number | null, maxMs: number | null,
 *   ok: number, non2xx: number, errors: number, firstError: string | null, firstNon2xx: string | null,
 * }} OpenLoopResult
 */

/**
 * Exact percentile (nearest rank) of an ascending array; `null` when it falls on an errored request.
 * @param {Float64Array} sorted
 * @param {number} q in (0, 1]
 */
export function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  const v = sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
  return Number.isFinite(v) ? v : null;
}

/**
 * The median (nearest rank: the lower middle of an even count) of `values`, the bench's one median.
 * @param {Iterable<number>} values
 */
export function median(values) {
  return percentile(Float64Array.from(values).sort(), 0.5);
}

/**
 * Sends `rate` requests per second for `warmupSeconds` (not recorded) and then `seconds` (recorded).
 * @param {{
 *   origin: string,
 *   rate: number,
 *   seconds: number,
 *   warmupSeconds?: number,
 *   request: (i: number) => Req,
 *   connections?: number,
 *   timeoutMs?: number,
 *   drainMs?: number,
 * }} opts `request(i)` builds the i-th request; it is called at the request's send time.
 * @returns {Promise<OpenLoopResult>}
 */
export async function openLoop({
  origin,
  rate,
  seconds,
  warmupSeconds = 2,
  request,
  connections = 256,
  timeoutMs = 30_000,
  drainMs = 30_000,
}) {
  if (!(rate > 0) || !(seconds > 0)) throw new Error(`openLoop: rate and seconds must be positive (got ${rate}, ${seconds})`);
  const interval = 1000 / rate;
  const warm = Math.round(rate * warmupSeconds);
  const total = warm + Math.round(rate * seconds);
  const sentAt = new Float64Array(total); // when request i was actually handed to the pool (ms, performance.now())
  const latency = new Float64Array(total).fill(Infinity); // intended send → end of body; Infinity = no answer
  const status = new Uint16Array(total); // HTTP status, 0 = error
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  let inFlight = 0;
  let maxInFlight = 0;
  let firstError = null;
  let firstNon2xx = null; // the status and the start of the body of the first answer that was not 2xx
  let allDone;
  const done = new Promise((r) => (allDone = r));
  let sent = 0;
  let answered = 0;
  const start = performance.now() + 20; // a little lead so that request 0 is not already late
  const due = (i) => start + i * interval;

  const send = (i) => {
    const req = request(i);
    sentAt[i] = performance.now();
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    pool
      .request({ path: req.path, method: req.method ?? 'GET', headers: req.headers, body: req.body })
      .then(async (res) => {
        const body = await res.body.arrayBuffer(); // the response counts once its whole body has arrived
        status[i] = res.statusCode;
        if ((res.statusCode < 200 || res.statusCode >= 300) && firstNon2xx === null) {
          firstNon2xx = `${res.statusCode} ${Buffer.from(body).toString('utf8', 0, 200)}`;
        }
        latency[i] = performance.now() - due(i);
      })
      .catch((error) => {
        status[i] = 0;
        firstError ??= `${error.code ?? error.name}: ${error.message}`;
      })
      .finally(() => {
        inFlight--;
        if (++answered === total) allDone();
      });
  };

  // The scheduler: whenever it wakes, it sends every request that is due by now (a timer can fire
  // late; the requests it makes late are still measured from their due time), then sleeps until
  // the next one is due. It never waits for answers.
  await new Promise((resolveSchedule) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && due(sent) <= now) send(sent++);
      if (sent === total) return resolveSchedule();
      setTimeout(tick, Math.max(0, due(sent) - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });

  let timer;
  const drained = await Promise.race([done.then(() => true), new Promise((r) => (timer = setTimeout(r, drainMs, false)))]);
  clearTimeout(timer);
  if (drained) await pool.close();
  else {
    await pool.destroy(); // cancels what is still unanswered; those requests count as errors
    await done;
  }

  // ------------------------------------------------------------------ the recorded phase
  const n = total - warm;
  const lat = latency.slice(warm).sort(); // typed-array sort is numeric; errors (Infinity) sort last
  const lag = new Float64Array(n);
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  for (let i = warm; i < total; i++) {
    lag[i - warm] = sentAt[i] - due(i);
    if (status[i] === 0) errors++;
    else if (status[i] >= 200 && status[i] < 300) ok++;
    else non2xx++;
  }
  lag.sort();
  const round2 = (v) => (v == null ? null : +v.toFixed(2));
  return {
    rate,
    requests: n,
    // requests sent over the time it actually took to send them (first to last send of the phase)
    achievedRps: n > 1 ? +(((n - 1) * 1000) / (sentAt[total - 1] - sentAt[warm])).toFixed(1) : 0,
    sendLagP99Ms: round2(percentile(lag, 0.99)),
    maxInFlight,
    p50Ms: round2(percentile(lat, 0.5)),
    p99Ms: round2(percentile(lat, 0.99)),
    maxMs: round2(percentile(lat, 1)),
    ok,
    non2xx,
    errors,
    firstError,
    firstNon2xx,
  };
}
