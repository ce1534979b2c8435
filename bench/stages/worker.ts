/**
 * A bench-only build of the click path, cut into stages (`npm run bench` serves it with `wrangler
 * dev --config bench/stages/wrangler.toml` and drives each route like the real click route): every
 * route adds one stage of POST /v1/clicks to the one before, with the production modules, so the
 * difference between two routes' throughput is what that stage costs. Never deployed.
 *
 *   GET  /healthz            the bare route
 *   POST /stage/body         + request id, clock, configuration check, CORS, the JSON body guard
 *   POST /stage/json         the body stage answering with a click's whole answer (JSON encoding)
 *   POST /stage/auth         + the publishable key and its origin (cached per isolate)
 *   POST /stage/validate     + the request schema (zod, through @hono/zod-openapi)
 *   POST /stage/hash         + the client's pseudonyms (IP, user agent, visitor: HMAC-SHA256)
 *   POST /stage/hop          + one RPC to a Durable Object that answers at once
 *   POST /stage/lookup       + the hop to the shop's ShopObject, which finds the code in its cache
 *                              and counts the rate limit, but stores nothing
 *   POST /v1/clicks          + the storage commit and the answer: the real route (app.ts)
 *
 * and, for what one durable commit costs (measure.mjs → `worker.storage.commit_cpu_us`):
 *
 *   POST /stage/spread-hop   the hop stage, to one of 100 objects in turn
 *   POST /stage/spread-write the same, the object writing one row first: every request its own commit
 *   POST /stage/write        one row written by a single object, whose concurrent writes share commits
 */
import { DurableObject } from 'cloudflare:workers';
import { createRoute } from '@hono/zod-openapi';
import type { AppEnv } from '../../worker/src/app-env.js';
import { app } from '../../worker/src/app.js';
import { ClickInputSchema } from '../../worker/src/contract/clicks.js';
import { ConversionReportSchema } from '../../worker/src/contract/conversions.js';
import { clock, cors, jsonBody, requestId } from '../../worker/src/middleware/common.js';
import { requireConfiguration } from '../../worker/src/middleware/configuration.js';
import { requireKey } from '../../worker/src/middleware/auth.js';
import { createRouter, requester } from '../../worker/src/routes/router.js';
import { clientOf } from '../../worker/src/services/clients.js';
import { shopObject } from '../../worker/src/durable/shop-object-stub.js';

export { ShopObject } from '../../worker/src/durable/shop-object.js';

/**
 * The cheapest Durable Object there is: one RPC method that answers at once, and one that also
 * writes one row to the object's storage (answered once it is durable, like a click).
 */
export class Echo extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS t (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
  }
  async ping(n: number): Promise<number> {
    return n;
  }
  async write(n: number): Promise<number> {
    this.ctx.storage.sql.exec('INSERT INTO t (n) VALUES (?)', n);
    return n;
  }
}

const stages = createRouter();
stages.use('/stage/*', requestId, clock, requireConfiguration, cors, jsonBody);
stages.post('/stage/body', (c) => c.json({ ok: true }, 201));
stages.post('/stage/auth', requireKey('publishable'), (c) => c.json({ ok: true }, 201));
// the body stage answering with a click's full answer (ClickRecorded) instead of { ok: true }: JSON encoding
stages.post('/stage/json', (c) =>
  c.json(
    {
      clickId: 'clk_V1StGXR8_Z5jdHi6B-myT',
      code: 'kaY4xq',
      expiresAt: c.get('now') + 30 * 86_400_000,
      referrer: { displayName: 'Ka Yan' },
      friendReward: { kind: 'percent', value: 1000 },
    },
    201,
  ),
);

const route = (path: string) =>
  createRoute({
    method: 'post',
    path,
    middleware: [requireKey('publishable')] as [ReturnType<typeof requireKey>],
    request: { body: { content: { 'application/json': { schema: ClickInputSchema } }, required: true } },
    responses: { 201: { description: 'ok' } },
  });

stages.openapi(route('/stage/validate'), (c) => {
  c.req.valid('json');
  return c.json({ ok: true }, 201);
});
stages.openapi(route('/stage/hash'), async (c) => {
  const input = c.req.valid('json');
  await clientOf(c.env, requester(c), c.get('now'), input.visitorId);
  return c.json({ ok: true }, 201);
});
/** The stub of the Echo object named `name` (a fresh stub, as the real stub modules give). */
const echo = (env: AppEnv['Bindings'], name: string) => {
  const ns = (env as AppEnv['Bindings'] & { ECHO: DurableObjectNamespace<Echo> }).ECHO;
  return ns.get(ns.idFromName(name));
};
stages.openapi(route('/stage/hop'), async (c) => {
  const input = c.req.valid('json');
  await clientOf(c.env, requester(c), c.get('now'), input.visitorId);
  await echo(c.env, c.get('shop').id).ping(1);
  return c.json({ ok: true }, 201);
});
// What one durable commit costs: the hop stage's request to one of SPREAD objects in turn (so that
// every request is its own commit, as when clicks are spread over many shops), answered at once or
// after writing one row; and the same write to a single object, whose concurrent writes share commits.
const SPREAD = 100;
let turn = 0;
stages.openapi(route('/stage/spread-hop'), async (c) => {
  const input = c.req.valid('json');
  await clientOf(c.env, requester(c), c.get('now'), input.visitorId);
  await echo(c.env, `${c.get('shop').id}:${turn++ % SPREAD}`).ping(1);
  return c.json({ ok: true }, 201);
});
stages.openapi(route('/stage/spread-write'), async (c) => {
  const input = c.req.valid('json');
  await clientOf(c.env, requester(c), c.get('now'), input.visitorId);
  await echo(c.env, `${c.get('shop').id}:${turn++ % SPREAD}`).write(1);
  return c.json({ ok: true }, 201);
});
stages.openapi(route('/stage/write'), async (c) => {
  const input = c.req.valid('json');
  await clientOf(c.env, requester(c), c.get('now'), input.visitorId);
  await echo(c.env, c.get('shop').id).write(1);
  return c.json({ ok: true }, 201);
});
stages.openapi(route('/stage/lookup'), async (c) => {
  const input = c.req.valid('json');
  const client = await clientOf(c.env, requester(c), c.get('now'), input.visitorId);
  await shopObject(c.env, c.get('shop').id).limit('share', client.keys, c.get('now'));
  return c.json({ ok: true }, 201);
});

// the order path (secret key): the same stages up to the hop, then the real route
const orderRoute = (path: string) =>
  createRoute({
    method: 'post',
    path,
    middleware: [requireKey('secret')] as [ReturnType<typeof requireKey>],
    request: { body: { content: { 'application/json': { schema: ConversionReportSchema } }, required: true } },
    responses: { 201: { description: 'ok' } },
  });
stages.post('/stage/order-auth', requireKey('secret'), (c) => c.json({ ok: true }, 201));
stages.openapi(orderRoute('/stage/order-validate'), (c) => {
  c.req.valid('json');
  return c.json({ ok: true }, 201);
});
stages.openapi(orderRoute('/stage/order-hop'), async (c) => {
  const report = c.req.valid('json');
  await echo(c.env, c.get('shop').id).ping(report.amountMinor);
  return c.json({ ok: true }, 201);
});

// the shop object's own counters (commits of new clicks, D1 statements…), for the bench's figures
stages.get('/stage/metrics', requireKey('publishable'), async (c) => c.json(await shopObject(c.env, c.get('shop').id).metrics()));

stages.route('/', app);

export default { fetch: stages.fetch };
