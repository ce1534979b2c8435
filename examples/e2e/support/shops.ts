/**
 * Fresh shops for the end-to-end tests that must not touch the demo shop (payouts, deleting a
 * referrer): created through the admin API of the running worker, with its origin allowed.
 */
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { api } from './browser.js';

/** The admin token of the running worker (from `npm test`, or the .dev.vars it was started with). */
export async function adminToken(): Promise<string> {
  if (process.env.SC_ADMIN_TOKEN) return process.env.SC_ADMIN_TOKEN;
  const lib = await import(resolve(import.meta.dirname, '../../../scripts/lib/wrangler-dev.mjs'));
  return lib.ensureDevVars().ADMIN_TOKEN as string;
}

/** Calls the API with a key (secret, publishable or admin); a non-2xx answer throws with its body. */
export async function call<T = any>(
  path: string,
  key: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const res = await fetch(`${api}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface TestShop {
  shopId: string;
  publishableKey: string;
  secretKey: string;
  /** `whsec_…`: what the shop's server verifies deliveries with. */
  webhookSecret: string;
  admin: string;
}

/** A new HKD shop, 10 % commission with no hold, this worker's origin allowed. */
export async function newShop(name: string): Promise<TestShop> {
  const admin = await adminToken();
  const created = await call('/v1/admin/shops', admin, {
    body: {
      name,
      currency: 'HKD',
      siteUrl: `${api}/shop/`,
      allowedOrigins: [new URL(api).origin],
      program: { kind: 'percent', rateBps: 1000, holdDays: 0, windowDays: 30 },
    },
  });
  return {
    shopId: created.shop.id,
    publishableKey: created.publishableKey,
    secretKey: created.secretKey,
    webhookSecret: created.webhookSecret,
    admin,
  };
}

/** A dashboard sign-in link (`/dashboard/#token=dt_…`) for the shop. */
export async function signInUrl(shop: TestShop, label = 'E2E'): Promise<string> {
  return (await call(`/v1/admin/shops/${shop.shopId}/dashboard-tokens`, shop.admin, { body: { label } })).signInUrl;
}

/**
 * Runs SQL on the running worker's local D1 (`wrangler d1 execute --local`): for states that take
 * days to reach through the API, such as a webhook event dead-lettered after 3 days of failures.
 */
export async function executeSql(sql: string): Promise<void> {
  const persistTo = inject('persistTo');
  if (!persistTo) throw new Error('the worker under test has no known --persist-to (set SC_TEST_PERSIST)');
  const lib = await import(resolve(import.meta.dirname, '../../../scripts/lib/wrangler-dev.mjs'));
  lib.wrangler(['d1', 'execute', 'DB', '--local', '--command', sql], { persistTo });
}
