/**
 * Guarantee 13: bad input never 500s and never writes. Every endpoint of the OpenAPI document
 * gets malformed JSON, the wrong content type, 1 MB bodies (declared and streamed), unknown
 * fields, wrong types for each declared field, floats and strings for money, malformed query
 * strings and headers, and random JSON from fast-check (fixed seed, bounded runs). Every answer is
 * a 4xx whose `error.code` is one of the documented codes, and the database is byte-for-byte
 * unchanged afterwards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../src/index';
import { ERROR_CODES } from '../src/errors';
import { ADMIN, BASE, call, createReferrer, createShop, ORIGIN, type TestShop } from './helpers';
import { T0, clickId, dbFingerprint, reportOrder } from './fixtures';
import { shopObject } from '../src/durable/shop-object-stub';

const SEED = 20260115;
const RUNS = 25;
const ONE_MB = 1024 * 1024;

interface JsonSchema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  security: string[];
  body: JsonSchema | null;
  query: string[];
}

let shop: TestShop;
let referrerToken: string;
let doc: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, JsonSchema> } };
let operations: Operation[];
let baseline: string;

/** Valid bodies of the money endpoints: each fuzz case breaks exactly one field of them. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  'POST /v1/conversions': {
    orderId: 'FZ-1',
    amountMinor: 16800,
    currency: 'HKD',
    items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
  },
  'POST /v1/conversions/browser': {
    orderId: 'FZ-2',
    amountMinor: 16800,
    currency: 'HKD',
    items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
  },
  'POST /v1/refunds': { orderId: 'FZ-BASE', refundId: 'fz-r', amountMinor: 100 },
  'POST /v1/payouts': { referrerId: 'ref_fuzz', amountMinor: 100 },
  'PUT /v1/program': { rateBps: 900 },
  'PUT /v1/products/{sku}': { name: 'Fuzz tea', priceMinor: 100 },
  'POST /v1/clicks': { code: 'fuzzcode' },
  'POST /v1/admin/shops': { name: 'Fuzz', currency: 'HKD', siteUrl: 'https://fuzz.example/' },
  'POST /v1/admin/shops/{shopId}/keys/rotate': { kind: 'secret' },
  'PUT /v1/admin/shops/{shopId}/origins': { origins: ['https://fuzz.example'] },
  'POST /v1/referrers': { displayName: 'Fuzz' },
  'POST /v1/referrers/me/claim': { email: 'fuzz@example.com' },
  'POST /v1/shares': { channel: 'whatsapp' },
};

function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
}

function keyOf(op: Operation): { key?: string; origin?: string } {
  if (op.security.includes('adminToken')) return { key: ADMIN };
  if (op.security.includes('secretKey')) return { key: shop.sk };
  return { key: shop.pk, origin: ORIGIN };
}

/** The path with unknown ids (a fuzzed body must fail on its own, never by touching a real row). */
function pathOf(op: Operation): string {
  return op.path.replace('{sku}', 'fuzz-sku').replace(/\{[^}]+\}/g, 'fuzz_unknown_id');
}

function send(
  op: Operation,
  init: { rawBody?: string; contentType?: string | null; query?: string; headers?: Record<string, string> },
) {
  const headers: Record<string, string> = { 'X-Referrer-Token': referrerToken, ...(init.headers ?? {}) };
  if (init.contentType !== null) headers['Content-Type'] = init.contentType ?? 'application/json';
  return call(pathOf(op) + (init.query ?? ''), { method: op.method, ...keyOf(op), rawBody: init.rawBody, headers, now: T0 });
}

/** A body streamed without Content-Length (the size is only known by reading it). */
async function sendStream(op: Operation, bytes: number) {
  const chunk = new TextEncoder().encode('['.concat('1,'.repeat(8191), '1]').slice(0, 16384));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
  const { key, origin } = keyOf(op);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${key}`,
    'X-ShareCart-Test-Now': String(T0),
  };
  if (origin) headers.Origin = origin;
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(BASE + pathOf(op), { method: op.method, headers, body: stream, duplex: 'half' } as RequestInit),
    env as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

const failures: string[] = [];

function check(label: string, res: { status: number; body: any }, expectStatus?: number) {
  const code = res.body?.error?.code;
  if (res.status < 400 || res.status >= 500)
    failures.push(`${label}: status ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  else if (expectStatus && res.status !== expectStatus)
    failures.push(`${label}: expected ${expectStatus}, got ${res.status} ${code}`);
  if (typeof code !== 'string' || !(code in ERROR_CODES))
    failures.push(`${label}: error.code ${JSON.stringify(code)} is not a documented code`);
  if (typeof res.body?.error?.message !== 'string' || typeof res.body?.error?.requestId !== 'string')
    failures.push(`${label}: incomplete error envelope`);
}

/** Values that are never valid for a field of this schema. */
function wrongValues(name: string, schema: JsonSchema): unknown[] {
  const s = resolve(schema) ?? {};
  const orNull = s.nullable ? [] : [null];
  const money = /Minor$/.test(name) ? [0.5, 1.25, 1e-7, -1, 2 ** 53, 1e21, '100', '1.00', 'NaN'] : [];
  switch (s.type) {
    case 'integer':
      return [1.5, '1', true, {}, [], ...orNull, ...money];
    case 'number':
      return ['1', true, {}, [], ...orNull, ...money];
    case 'string':
      return [1, true, {}, [], ...orNull, ...(s.enum ? ['NOT_AN_ENUM_VALUE'] : []), 'x'.repeat(5000)];
    case 'boolean':
      return ['true', 1, {}, [], ...orNull];
    case 'object':
      return ['x', 1, [], true, ...orNull];
    case 'array':
      return ['x', {}, 1, true, ...orNull, [[[[]]]]];
    default:
      return [];
  }
}

beforeAll(async () => {
  shop = await createShop();
  const created = await createReferrer(shop);
  referrerToken = created.token;
  const clk = await clickId(shop, created.referrer.code);
  expect((await reportOrder(shop, { orderId: 'FZ-BASE', amountMinor: 16800, currency: 'HKD', clickId: clk })).status).toBe(201);
  await shopObject(env, shop.shopId).flush();

  doc = (await call('/openapi.json')).body;
  operations = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        security: (op.security ?? []).flatMap((s: Record<string, unknown>) => Object.keys(s)),
        body: resolve(op.requestBody?.content?.['application/json']?.schema) ?? null,
        query: (op.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name),
      });
    }
  }
  expect(operations.length).toBeGreaterThanOrEqual(27);
  baseline = await dbFingerprint();
});

const writes = () => operations.filter((o) => o.method !== 'GET');

describe('bad input gets a 4xx with a documented code and writes nothing (guarantee 13)', () => {
  it('malformed JSON', async () => {
    const texts = [
      '{',
      '{"a":',
      'nul',
      '[1,2',
      "{'orderId':'x'}",
      '{"a":1}}',
      '{"amountMinor": 01}',
      'NaN',
      '{"a":1,}',
      '\u0000',
      '"unterminated',
      '{"a":"\\x"}',
      '\ufeff{}x',
    ];
    for (const op of writes()) {
      for (const text of texts)
        check(`${op.method} ${op.path} body=${JSON.stringify(text)}`, await send(op, { rawBody: text }), 400);
    }
    expect(failures).toEqual([]);
  });

  it('a body that is not JSON, or JSON sent as another content type, is a 415', async () => {
    for (const op of writes()) {
      const sample = JSON.stringify(SAMPLES[`${op.method} ${op.path}`] ?? {});
      check(`${op.method} ${op.path} text/plain`, await send(op, { rawBody: sample, contentType: 'text/plain' }), 415);
      check(
        `${op.method} ${op.path} form`,
        await send(op, { rawBody: 'orderId=1&amountMinor=2', contentType: 'application/x-www-form-urlencoded' }),
        415,
      );
      check(`${op.method} ${op.path} no content type`, await send(op, { rawBody: sample, contentType: null }), 415);
    }
    expect(failures).toEqual([]);
  });

  it('1 MB bodies are a 413, whether the length is declared or streamed', async () => {
    for (const op of writes()) {
      const huge = JSON.stringify({ ...(SAMPLES[`${op.method} ${op.path}`] ?? {}), padding: 'x'.repeat(ONE_MB) });
      check(`${op.method} ${op.path} 1 MB`, await send(op, { rawBody: huge }), 413);
      check(`${op.method} ${op.path} 1 MB streamed`, await sendStream(op, ONE_MB), 413);
    }
    expect(failures).toEqual([]);
  });

  it('unknown fields, prototype keys and non-object bodies', async () => {
    for (const op of writes()) {
      const sample = SAMPLES[`${op.method} ${op.path}`] ?? {};
      for (const body of [
        { ...sample, unknownField: 1 },
        { ...sample, isAdmin: true, shopId: 'shop_other' },
        JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(sample).slice(1, -1) || '"x": 1'}}`),
        { ...sample, constructor: { prototype: { polluted: true } } },
        [],
        [sample],
        'string',
        42,
        true,
        null,
      ]) {
        const res = await send(op, { rawBody: JSON.stringify(body) });
        check(`${op.method} ${op.path} body=${JSON.stringify(body).slice(0, 80)}`, res);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(failures).toEqual([]);
  });

  it('every declared field with a value of the wrong type, and floats or strings for money', async () => {
    let cases = 0;
    for (const op of writes()) {
      if (!op.body?.properties) continue;
      const sample = SAMPLES[`${op.method} ${op.path}`] ?? {};
      for (const [name, schema] of Object.entries(op.body.properties)) {
        for (const value of wrongValues(name, schema)) {
          const res = await send(op, { rawBody: JSON.stringify({ ...sample, [name]: value }) });
          check(`${op.method} ${op.path} ${name}=${JSON.stringify(value).slice(0, 40)}`, res, res.status === 413 ? 413 : 400);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  });

  it('item lines with floats, strings or negatives for money', async () => {
    const op = operations.find((o) => o.method === 'POST' && o.path === '/v1/conversions')!;
    const base = SAMPLES['POST /v1/conversions']!;
    for (const item of [
      { sku: 'oolong-250g', quantity: 1, unitPriceMinor: 168.5 },
      { sku: 'oolong-250g', quantity: 1, unitPriceMinor: '16800' },
      { sku: 'oolong-250g', quantity: 1, unitPriceMinor: -1 },
      { sku: 'oolong-250g', quantity: 0.5, unitPriceMinor: 100 },
      { sku: 'oolong-250g', quantity: 1e6, unitPriceMinor: 100 },
      { sku: '../etc/passwd', quantity: 1, unitPriceMinor: 100 },
      { sku: 'oolong-250g', quantity: 1, unitPriceMinor: 100, discount: 5 },
    ]) {
      check(`item ${JSON.stringify(item)}`, await send(op, { rawBody: JSON.stringify({ ...base, items: [item] }) }), 400);
    }
    expect(failures).toEqual([]);
  });

  it('random JSON bodies (fast-check, fixed seed)', async () => {
    for (const op of writes()) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
          // an object gets one field no schema has, so it can never be a valid request by chance
          const body =
            value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, 'fuzz-field': 1 } : value;
          const res = await send(op, { rawBody: JSON.stringify(body) });
          check(`${op.method} ${op.path} random ${JSON.stringify(body).slice(0, 120)}`, res);
          return res.status >= 400 && res.status < 500;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
          let isJson = true;
          try {
            JSON.parse(text);
          } catch {
            isJson = false;
          }
          fc.pre(!isJson || !/^\s*\{/.test(text));
          const res = await send(op, { rawBody: text });
          check(`${op.method} ${op.path} text ${JSON.stringify(text).slice(0, 80)}`, res);
          return res.status >= 400 && res.status < 500;
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }
    expect(failures).toEqual([]);
  });

  it('malformed query strings, path ids and headers', async () => {
    for (const op of operations.filter((o) => o.query.length)) {
      for (const name of op.query) {
        for (const value of [
          'abc',
          '-1',
          '1.5',
          '1e309',
          'x'.repeat(300),
          '%00',
          '[]',
          ...(name === 'limit' ? ['0', '99999'] : []),
        ]) {
          const res = await send(op, { query: `?${name}=${encodeURIComponent(value)}` });
          // a cursor or a filter that matches nothing is a valid, empty page
          if (res.status === 200 && (name === 'starting_after' || name === 'referrerId' || name === 'sku')) continue;
          check(`${op.method} ${op.path} ?${name}=${value.slice(0, 20)}`, res, 400);
        }
      }
    }
    for (const op of operations.filter((o) => o.path.includes('{'))) {
      await fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, maxLength: 100 }), async (id) => {
          const path = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(id));
          const headers: Record<string, string> = { 'Content-Type': 'application/json' };
          const res = await call(path, {
            method: op.method,
            ...keyOf(op),
            headers,
            rawBody: op.method === 'GET' ? undefined : '{"fuzz-field":1}',
            now: T0,
          });
          if (res.status === 404 && res.body?.error?.code === 'route_not_found') return true; // an id with "/" leaves the route
          check(`${op.method} ${path}`, res);
          return res.status >= 400 && res.status < 500;
        }),
        { seed: SEED, numRuns: 10 },
      );
    }
    const conversions = operations.find((o) => o.method === 'POST' && o.path === '/v1/conversions')!;
    check(
      'Idempotency-Key of 300 characters',
      await send(conversions, {
        rawBody: JSON.stringify(SAMPLES['POST /v1/conversions']),
        headers: { 'Idempotency-Key': 'k'.repeat(300) },
      }),
      400,
    );
    const me = operations.find((o) => o.path === '/v1/referrers/me')!;
    for (const token of ['', 'short', 'rt_unknownunknownunknown', 'x'.repeat(500)]) {
      check(`X-Referrer-Token ${token.slice(0, 20)}`, await send(me, { headers: { 'X-Referrer-Token': token } }));
    }
    for (const key of ['pk_live_unknown', 'sk_live_unknown', '', 'Bearer', '🔑'.repeat(10)]) {
      check(`key ${key}`, await call('/v1/program', { headers: { Authorization: `Bearer ${key}` } }), 401);
    }
    check('unknown shop', await call('/v1/admin/shops/shop_unknown', { key: ADMIN }), 404);
    check('unknown route', await call('/v1/nope', { key: shop.sk }), 404);
    check('wrong method', await call('/v1/conversions', { method: 'DELETE', key: shop.sk }), 404);
    expect(failures).toEqual([]);
  });

  it('after all of it, the database is exactly as before', async () => {
    expect(failures).toEqual([]);
    expect(await dbFingerprint()).toBe(baseline);
  });

  it('control: the valid samples the fuzz broke are themselves accepted', async () => {
    const expected: Record<string, number> = {
      'POST /v1/conversions': 201,
      'POST /v1/conversions/browser': 201,
      'POST /v1/refunds': 201,
      'PUT /v1/program': 200,
      'PUT /v1/products/{sku}': 200,
      'POST /v1/referrers': 201,
      'POST /v1/referrers/me/claim': 200,
      'POST /v1/shares': 201,
      'POST /v1/admin/shops': 201,
    };
    for (const [name, status] of Object.entries(expected)) {
      const op = operations.find((o) => `${o.method} ${o.path}` === name)!;
      const res = await send(op, { rawBody: JSON.stringify(SAMPLES[name]) });
      expect({ name, status: res.status }).toEqual({ name, status });
    }
  });
});
