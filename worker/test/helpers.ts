/**
 * Test helpers: call the real worker (its default export, inside workerd) and create shops through
 * the admin API. Nothing here mocks storage.
 */
import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../src/index';

export const ADMIN = 'adm_test_token_0123456789abcdef';
export const ORIGIN = 'https://shop.example';
export const BASE = 'https://sharecart.test';

export interface CallOptions {
  method?: string;
  key?: string;
  body?: unknown;
  rawBody?: string;
  origin?: string | null;
  headers?: Record<string, string>;
  now?: number;
  /** bindings to override for this call, e.g. `{ ENVIRONMENT: 'production' }` or `{ IP_HASH_SALT: undefined }` */
  env?: Record<string, unknown>;
}

export async function call(path: string, opts: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
  if (opts.origin) headers.Origin = opts.origin;
  if (opts.now !== undefined) headers['X-ShareCart-Test-Now'] = String(opts.now);
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  // The worker's own fetch handler, called in this isolate with the real bindings. Not
  // `exports.default.fetch`: vitest-pool-workers 0.23 wraps the entrypoint's prototype in one more
  // Proxy on every request it dispatches, so each call gets slower than the last (the 400th
  // /healthz took ~150 ms, the 1st 0.1 ms) and a file with a thousand requests never finishes.
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' }),
    (opts.env ? { ...env, ...opts.env } : env) as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface TestShop {
  shopId: string;
  pk: string;
  sk: string;
  webhookSecret: string;
}

export const PRODUCTS = [
  { sku: 'oolong-250g', name: 'Oolong tea 250 g', names: { 'zh-Hant-HK': '凍頂烏龍茶' }, priceMinor: 16800 },
  { sku: 'egg-rolls', name: 'Egg rolls', priceMinor: 9800 },
  { sku: 'rose-mist', name: 'Rose face mist', priceMinor: 18800, override: { kind: 'percent' as const, value: 1500 } },
];

export async function createShop(overrides: Record<string, unknown> = {}): Promise<TestShop> {
  const res = await call('/v1/admin/shops', {
    key: ADMIN,
    body: {
      name: 'Test Tea House',
      currency: 'HKD',
      siteUrl: `${ORIGIN}/`,
      allowedOrigins: [ORIGIN],
      program: {
        kind: 'percent',
        rateBps: 1000,
        capMinor: 20000,
        holdDays: 30,
        windowDays: 30,
        model: 'last_click',
        friendReward: { kind: 'percent', value: 1000 },
      },
      products: PRODUCTS,
      allowBrowserConversions: true,
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`createShop: ${res.status} ${JSON.stringify(res.body)}`);
  return { shopId: res.body.shop.id, pk: res.body.publishableKey, sk: res.body.secretKey, webhookSecret: res.body.webhookSecret };
}

export async function createReferrer(shop: TestShop, body: Record<string, unknown> = {}) {
  const res = await call('/v1/referrers', { key: shop.pk, origin: ORIGIN, body });
  if (res.status !== 201) throw new Error(`createReferrer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { referrer: { id: string; code: string }; token: string };
}

export async function click(shop: TestShop, code: string, extra: Record<string, unknown> = {}, now?: number) {
  const { ip, ...rest } = extra;
  return call('/v1/clicks', {
    key: shop.pk,
    origin: ORIGIN,
    body: { code, ...rest },
    now,
    headers: { 'CF-Connecting-IP': String(ip ?? '203.0.113.7') },
  });
}

/** Every D1 table of the schema. */
export const TABLES = [
  'shops',
  'api_keys',
  'allowed_origins',
  'commission_programs',
  'products',
  'referrers',
  'clicks',
  'shares',
  'conversions',
  'refunds',
  'payouts',
  'ledger_entries',
  'idempotency_keys',
  'outbox_events',
  'ledger_tasks',
  'referrer_devices',
  'shop_totals',
  'buyer_claims',
  'team_offers',
  'teams',
  'team_members',
] as const;

/** Row counts of every table, to prove that a refused request wrote nothing. */
export async function tableCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await env.DB.prepare(`SELECT count(*) AS n FROM ${t}`).first<{ n: number }>())!.n;
  return out;
}

export const DAY = 86_400_000;
