/**
 * The shop CLI (`npm run shop`, scripts/shop.mjs) end to end against the local worker, as a shop
 * owner runs it: `create` prints keys that work and the exact script tag; `origins add|remove`,
 * `program set`, `products import`, `keys rotate` and `webhook set` change what the API then
 * answers; bad arguments and a bad CSV exit 2 with a clear message and change nothing. The admin
 * token comes from .dev.vars, as for `npm start`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api } from './support/browser.js';
import { ensureDevVars } from '../../scripts/lib/wrangler-dev.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const ORIGIN = 'https://cli-tea.example';
const dir = mkdtempSync(join(tmpdir(), 'sharecart-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `npm run shop -- …` (the script itself) against the test worker. */
function shopCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const { ADMIN_TOKEN: _admin, SHARECART_SECRET_KEY: _sk, ...inherited } = process.env;
  return new Promise((done) => {
    const child = spawn('node', ['scripts/shop.mjs', ...args, '--api', api], {
      cwd: ROOT,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => done({ code: code ?? -1, out, err }));
  });
}

async function apiCall(path: string, key: string, init: { origin?: string } = {}) {
  const res = await fetch(`${api}${path}`, {
    headers: { authorization: `Bearer ${key}`, ...(init.origin ? { origin: init.origin } : {}) },
  });
  return { status: res.status, body: (await res.json()) as any };
}

let shop: { id: string; pk: string; sk: string; webhookSecret: string; dashboard: string };
const asOwner = () => ({ SHARECART_SECRET_KEY: shop.sk });

beforeAll(async () => {
  const { code, out, err } = await shopCli(['create', '--name', 'CLI Tea 茶', '--origin', ORIGIN, '--currency', 'HKD']);
  expect(err).toBe('');
  expect(code).toBe(0);
  const field = (label: string) => new RegExp(`^  ${label}\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '';
  shop = {
    id: /^Shop (shop_\w+) \(CLI Tea 茶, HKD\)$/m.exec(out)?.[1] ?? '',
    pk: field('publishable key'),
    sk: field('secret key'),
    webhookSecret: field('webhook secret'),
    dashboard: /^  dashboard\s+(.+)$/m.exec(out)?.[1] ?? '',
  };
  expect(shop).toMatchObject({
    id: expect.stringMatching(/^shop_/),
    pk: expect.stringMatching(/^pk_live_/),
    sk: expect.stringMatching(/^sk_live_/),
    webhookSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
  });
  // the exact tag to paste, as the last line
  expect(out.trimEnd().split('\n').at(-1)).toBe(
    `<script type="module" src="${api}/sdk/sharecart.js" data-shop="${shop.pk}"></script>`,
  );
});

describe('npm run shop', () => {
  test('create: the publishable key works from the origin, the secret key reads the program it set', async () => {
    const config = await apiCall('/v1/config', shop.pk, { origin: ORIGIN });
    expect(config.status).toBe(200);
    expect(config.body.shop).toMatchObject({ name: 'CLI Tea 茶', currency: 'HKD' });
    expect((await apiCall('/v1/config', shop.pk, { origin: 'https://elsewhere.example' })).status).toBe(403);
    expect((await apiCall('/v1/program', shop.sk)).body.program).toMatchObject({ kind: 'percent', rateBps: 1000, holdDays: 30 });
    expect((await apiCall('/v1/webhooks/secret', shop.sk)).body.webhookSecret).toBe(shop.webhookSecret);
  });

  test('create: a dashboard sign-in link when the worker has dashboard tokens, else a line saying there is none', async () => {
    // the dashboard (issue 7 §2) owns dashboard tokens: the CLI asks the worker for one
    const tokens = await apiCall(`/v1/admin/shops/${shop.id}/dashboard-tokens`, ensureDevVars().ADMIN_TOKEN);
    if (tokens.status === 404) {
      expect(tokens.body.error.code).toBe('route_not_found');
      expect(shop.dashboard).toBe('(this worker has no dashboard yet: no sign-in link)');
    } else {
      expect(tokens.status).toBe(200);
      const link = new RegExp(`^${api}/dashboard/#token=(dt_\\S+)   ← sign-in link, shown once$`).exec(shop.dashboard);
      expect(link).not.toBeNull();
      expect(tokens.body.data).toEqual([
        expect.objectContaining({ label: 'Created by npm run shop', hint: link![1]!.slice(-4) }),
      ]);
    }
  });

  test('origins add and remove', async () => {
    const second = 'https://second-cli-tea.example';
    const added = await shopCli(['origins', 'add', '--shop', shop.id, second]);
    expect(added).toMatchObject({ code: 0, out: `Allowed origins of ${shop.id}: ${ORIGIN}, ${second}\n` });
    expect((await apiCall('/v1/config', shop.pk, { origin: second })).status).toBe(200);
    expect((await shopCli(['origins', 'remove', '--shop', shop.id, second])).code).toBe(0);
    expect((await apiCall('/v1/config', shop.pk, { origin: second })).status).toBe(403);
  });

  test('program set: rate, hold days, window and model', async () => {
    const set = await shopCli(
      ['program', 'set', '--rate', '1500', '--hold-days', '14', '--window-days', '7', '--model', 'first_click'],
      asOwner(),
    );
    expect(set).toMatchObject({ code: 0, out: 'Program: 15% (1500 bps), cap none, held 14 days, 7-day window, first_click\n' });
    expect((await apiCall('/v1/program', shop.sk)).body.program).toMatchObject({
      kind: 'percent',
      rateBps: 1500,
      holdDays: 14,
      windowDays: 7,
      model: 'first_click',
    });
  });

  test('products import: a CSV with quoted fields, Chinese names and an override; a bad one sends nothing', async () => {
    const good = join(dir, 'products.csv');
    writeFileSync(
      good,
      '\uFEFFsku,name,price_minor,name_zh_hant_hk,commission_bps,active\n' +
        'oolong-250g,"Oolong, high mountain, 250 g",16800,凍頂烏龍茶,,true\n' +
        'rose-mist,"Rose ""mist"" spray",18800,玫瑰噴霧,1500,\n',
    );
    const imported = await shopCli(['products', 'import', good, '--json'], asOwner());
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    const products = (await apiCall('/v1/products', shop.sk)).body.data;
    expect(products).toEqual([
      expect.objectContaining({
        sku: 'oolong-250g',
        name: 'Oolong, high mountain, 250 g',
        priceMinor: 16800,
        names: { 'zh-Hant-HK': '凍頂烏龍茶' },
        override: null,
        earnMinor: 2520,
      }),
      expect.objectContaining({
        sku: 'rose-mist',
        name: 'Rose "mist" spray',
        priceMinor: 18800,
        override: { kind: 'percent', value: 1500 },
      }),
    ]);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'sku,name,price_minor,colour\nnew-tea,New tea,168.00,red\n');
    const refused = await shopCli(['products', 'import', bad], asOwner());
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/unknown column colour/);
    writeFileSync(bad, 'sku,name,price_minor\nnew-tea,New tea,168.00\nbad sku,,1\n');
    const rows = await shopCli(['products', 'import', bad], asOwner());
    expect(rows.code).toBe(2);
    expect(rows.err).toContain('row 2: price_minor "168.00" must be whole minor units');
    expect(rows.err).toContain('row 3: sku "bad sku"');
    expect(rows.err).toContain('row 3: name is empty');
    expect((await apiCall('/v1/products', shop.sk)).body.data).toHaveLength(2);
  });

  test('webhook set, and keys rotate: the old secret key stops, the webhook secret changes', async () => {
    const hook = await shopCli(['webhook', 'set', 'https://hooks.cli-tea.example/sharecart'], asOwner());
    expect(hook).toMatchObject({ code: 0, out: 'Webhooks go to https://hooks.cli-tea.example/sharecart\n' });
    expect((await apiCall('/v1/webhooks', shop.sk)).body.endpoint.url).toBe('https://hooks.cli-tea.example/sharecart');

    const rotated = await shopCli(['keys', 'rotate', '--shop', shop.id, '--kind', 'secret', '--json']);
    expect(rotated.code).toBe(0);
    const { secretKey } = JSON.parse(rotated.out) as { secretKey: string };
    expect(secretKey).toMatch(/^sk_live_/);
    expect((await apiCall('/v1/program', secretKey)).status).toBe(200);
    expect((await apiCall('/v1/program', shop.sk)).status).toBe(401);

    const webhook = await shopCli(['keys', 'rotate', '--shop', shop.id, '--kind', 'webhook', '--overlap-hours', '1']);
    expect(webhook.code).toBe(0);
    const fresh = /webhook secret\s+(whsec_\S+)/.exec(webhook.out)?.[1];
    const now = (await apiCall('/v1/webhooks/secret', secretKey)).body;
    expect(now.webhookSecret).toBe(fresh);
    expect(fresh).not.toBe(shop.webhookSecret);
    expect(now.previousSecretExpiresAt).toBeGreaterThan(Date.now());
  });

  test('bad arguments: a clear message and a non-zero exit, nothing created', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [[], {}, /usage: npm run shop/],
      [['create', '--origin', ORIGIN], {}, /create needs --name/],
      [['create', '--name', 'X', '--origin', 'shop.example'], {}, /absolute URL/],
      [['create', '--name', 'X', '--origin', ORIGIN, '--rate', 'ten'], {}, /--rate must be a whole number/],
      [['create', '--name', 'X', '--origin', ORIGIN, '--rate', '100', '--flat', '100'], {}, /--rate or --flat, not both/],
      [['create', '--name', 'X', '--origin', ORIGIN, '--currency', 'hkd'], {}, /ISO-4217/],
      [['create', '--name', 'X', '--colour', 'red'], {}, /Unknown option '--colour'/],
      [['open', 'shop'], {}, /unknown command "open shop"/],
      [['keys', 'rotate', '--shop', 'shop_x'], {}, /--kind publishable, secret, both or webhook/],
      [['origins', 'add', '--shop', 'shop_x'], {}, /at least one origin/],
      [['program', 'set', '--rate', '100'], {}, /SHARECART_SECRET_KEY/],
      [['program', 'set'], asOwner(), /at least one of/],
      [['products', 'import'], asOwner(), /one CSV file/],
      [['products', 'import', join(dir, 'missing.csv')], asOwner(), /no such file/],
    ];
    for (const [args, env, message] of cases) {
      const run = await shopCli(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.err).toMatch(message);
      expect(run.out).toBe('');
    }
    // refused by the worker: exit 1 with its error
    const unknownShop = await shopCli(['keys', 'rotate', '--shop', 'shop_nope', '--kind', 'secret']);
    expect(unknownShop.code).toBe(1);
    expect(unknownShop.err).toMatch(/404 not_found/);
    const wrongToken = await shopCli(['create', '--name', 'X', '--origin', ORIGIN], {
      ADMIN_TOKEN: 'adm_wrong_token_0000000000',
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.err).toMatch(/401 unauthorized/);
  });

  test('the form the start page shows, with no command, still creates a shop', async () => {
    const run = await shopCli(['--name', 'Start page shop', '--site', `${ORIGIN}/`, '--origin', ORIGIN]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Shop shop_\w+ \(Start page shop, HKD\)$/m);
  });
});
