/**
 * Issue 8 (privacy and secrets), URLs a shop configures, through the API in both environments:
 * product `url` / `imageUrl` are https or a path on this worker (http only in local development);
 * `webhookUrl` is https on a public host outside local development. A refused URL is a 400
 * `invalid_request` whose issue names the field (`code: "invalid_url"`), and nothing is written.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN, PRODUCTS, call, createShop } from './helpers';
import { T0, dbFingerprint } from './fixtures';

const PRODUCTION = { ENVIRONMENT: 'production' };
const DEVELOPMENT = { ENVIRONMENT: 'development' };

function createShopIn(environment: Record<string, unknown>, extra: Record<string, unknown>) {
  return call('/v1/admin/shops', {
    key: ADMIN,
    now: T0,
    env: environment,
    body: { name: 'URL shop', currency: 'HKD', siteUrl: 'https://shop.example/', ...extra },
  });
}

async function expectRefused(res: Awaited<ReturnType<typeof call>>, path: string, message: RegExp) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.message).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}: `));
  const issue = res.body.error.details.issues.find((i: { path: string }) => i.path === path);
  expect(issue, JSON.stringify(res.body.error.details)).toBeDefined();
  expect(issue.message).toMatch(message);
}

// [url, accepted in development, accepted in production]
const PRODUCT_URLS: Array<[string, boolean, boolean]> = [
  ['https://shop.example/products/oolong', true, true],
  ['/shop/product?sku=oolong-250g', true, true],
  ['/shop/img/oolong-250g.svg', true, true],
  ['http://shop.example/products/oolong', true, false],
  ['http://127.0.0.1:8787/shop/product', true, false],
  ['//evil.example/x', false, false],
  ['javascript:alert(1)', false, false],
  ['data:text/html,<b>x</b>', false, false],
  ['products/oolong', false, false],
];

// [url, accepted in development, accepted in production]
const WEBHOOK_URLS: Array<[string, boolean, boolean]> = [
  ['https://hooks.shop.example/sharecart', true, true],
  ['http://hooks.shop.example/sharecart', true, false],
  ['http://127.0.0.1:8788/webhooks', true, false],
  ['https://localhost/hook', true, false],
  ['https://api.localhost/hook', true, false],
  ['https://nas.local/hook', true, false],
  ['https://metadata.internal/hook', true, false],
  ['https://127.0.0.1/hook', true, false],
  ['https://10.0.0.8/hook', true, false],
  ['https://172.20.1.1/hook', true, false],
  ['https://192.168.0.10/hook', true, false],
  ['https://169.254.169.254/hook', true, false],
  ['https://100.100.1.1/hook', true, false],
  ['https://0.0.0.0/hook', true, false],
  ['https://2130706433/hook', true, false],
  ['https://0x7f.0.0.1/hook', true, false],
  ['https://0177.0.0.1/hook', true, false],
  ['https://[::1]/hook', true, false],
  ['https://[::]/hook', true, false],
  ['https://[fd00::1]/hook', true, false],
  ['https://[fe80::1]/hook', true, false],
  ['https://[::ffff:127.0.0.1]/hook', true, false],
  ['https://[::ffff:192.168.1.1]/hook', true, false],
  ['ftp://hooks.shop.example/x', false, false],
  ['not a url', false, false],
];

describe('webhookUrl when a shop is created', () => {
  it.each(WEBHOOK_URLS)('%s → development %s, production %s', async (url, inDevelopment, inProduction) => {
    for (const [environment, accepted] of [
      [DEVELOPMENT, inDevelopment],
      [PRODUCTION, inProduction],
    ] as const) {
      const before = await dbFingerprint();
      const res = await createShopIn(environment, { webhookUrl: url });
      if (accepted) {
        expect(res.status, `${environment.ENVIRONMENT}: ${JSON.stringify(res.body)}`).toBe(201);
        expect(res.body.shop.webhookUrl).toBe(url);
      } else {
        await expectRefused(res, 'webhookUrl', /./);
        expect(await dbFingerprint()).toBe(before);
      }
    }
  });

  it('the production message says why: https, and a public host', async () => {
    await expectRefused(await createShopIn(PRODUCTION, { webhookUrl: 'http://hooks.shop.example/' }), 'webhookUrl', /https/);
    await expectRefused(
      await createShopIn(PRODUCTION, { webhookUrl: 'https://2130706433/hook' }),
      'webhookUrl',
      /^Webhooks must go to a public host: 127\.0\.0\.1 is a loopback address\.$/,
    );
  });

  it('a worker without ENVIRONMENT behaves as production', async () => {
    const res = await call('/v1/admin/shops', {
      key: ADMIN,
      env: { ENVIRONMENT: undefined },
      body: { name: 'No env', currency: 'HKD', siteUrl: 'https://shop.example/', webhookUrl: 'https://127.0.0.1/h' },
    });
    await expectRefused(res, 'webhookUrl', /loopback/);
  });
});

describe('product url and imageUrl', () => {
  it.each(PRODUCT_URLS)('%s → development %s, production %s (shop creation and PUT /v1/products)', async (url, dev, prod) => {
    for (const [environment, accepted] of [
      [DEVELOPMENT, dev],
      [PRODUCTION, prod],
    ] as const) {
      for (const field of ['url', 'imageUrl'] as const) {
        const before = await dbFingerprint();
        const created = await createShopIn(environment, { products: [PRODUCTS[0], { ...PRODUCTS[1], [field]: url }] });
        if (accepted) expect(created.status, JSON.stringify(created.body)).toBe(201);
        else {
          await expectRefused(created, `products.1.${field}`, /./);
          expect(await dbFingerprint()).toBe(before);
        }
      }
    }
    const shop = await createShop();
    for (const [environment, accepted] of [
      [DEVELOPMENT, dev],
      [PRODUCTION, prod],
    ] as const) {
      for (const field of ['url', 'imageUrl'] as const) {
        const before = await dbFingerprint();
        const res = await call('/v1/products/egg-rolls', {
          method: 'PUT',
          key: shop.sk,
          env: environment,
          body: { name: 'Egg rolls', priceMinor: 9800, [field]: url },
        });
        if (accepted) {
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          expect(res.body.product[field]).toBe(url);
        } else {
          await expectRefused(res, field, /./);
          expect(await dbFingerprint()).toBe(before);
        }
      }
    }
  });

  it('every refused URL of a request is listed, the first in the message', async () => {
    const res = await createShopIn(PRODUCTION, {
      webhookUrl: 'https://10.0.0.1/h',
      products: [
        { ...PRODUCTS[0], url: 'http://shop.example/a' },
        { ...PRODUCTS[1], imageUrl: 'http://shop.example/b.png' },
      ],
    });
    await expectRefused(res, 'webhookUrl', /private/);
    expect(res.body.error.details.issues.map((i: { path: string; code: string }) => `${i.path} ${i.code}`)).toEqual([
      'webhookUrl invalid_url',
      'products.0.url invalid_url',
      'products.1.imageUrl invalid_url',
    ]);
  });
});
