/**
 * Brings up the system the end-to-end tests drive, once for all test files:
 * 1. the worker: SC_TEST_API when the orchestrator (`npm test`) started one on a fresh database
 *    (SC_TEST_PERSIST is its --persist-to); otherwise a `wrangler dev` of our own on a free port and
 *    a temporary database with the migrations applied (building the SDK and shop first if needed);
 * 2. the demo seed (Harbour Leaf, shop_demo_hk) loaded into that database, with the worker's origin
 *    allowed — `INSERT OR IGNORE`, so loading it twice changes nothing;
 * 3. the example merchant backend (examples/merchant/server.mjs) on a free port, as `npm start` runs it.
 * The tests read the addresses with `inject()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEMO } from './demo.js';

const ROOT = resolve(import.meta.dirname, '../../..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The worker, e.g. http://127.0.0.1:8799 (it also serves /shop/ and /sdk/). */
    api: string;
    /** The example merchant backend, e.g. http://127.0.0.1:40123. */
    merchant: string;
    /** The Chromium executable. */
    chromePath: string;
    /** The worker's local state (`--persist-to`), for tests that run SQL on its D1 with `wrangler d1 execute`. */
    persistTo: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function waitFor(url: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export default async function setup(project: TestProject) {
  const lib = await import(resolve(ROOT, 'scripts/lib/wrangler-dev.mjs'));
  const cleanups: Array<() => unknown> = [];
  let api = process.env.SC_TEST_API?.replace(/\/+$/, '');
  let persistTo = process.env.SC_TEST_PERSIST;

  if (!api) {
    if (!existsSync(join(ROOT, 'dist/public/shop/index')) || !existsSync(join(ROOT, 'dist/public/sdk/sharecart.js'))) {
      spawnSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
      if (!existsSync(join(ROOT, 'dist/public/sdk/sharecart.js')))
        throw new Error('the build did not produce dist/public/sdk/sharecart.js');
    }
    lib.ensureDevVars();
    persistTo = mkdtempSync(join(tmpdir(), 'sharecart-e2e-'));
    const dir = persistTo;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    lib.applyMigrations({ persistTo });
    const worker = await lib.startWranglerDev({ port: await freePort(), persistTo });
    cleanups.push(() => worker.stop());
    api = worker.url as string;
  }

  // The demo shop, with this worker's origin allowed.
  if (persistTo) {
    const sql = join(mkdtempSync(join(tmpdir(), 'sharecart-seed-')), 'seed.sql');
    const port = new URL(api).port;
    const gen = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['seeds/generate.ts', '--origin', new URL(api).origin, '--origin', `http://localhost:${port}`, '--out', sql],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (gen.status !== 0) throw new Error(`seed generator failed:\n${gen.stderr}`);
    lib.executeSqlFile(sql, { persistTo });
    rmSync(resolve(sql, '..'), { recursive: true, force: true });
  }
  const config = await fetch(`${api}/v1/config`, {
    headers: { authorization: `Bearer ${DEMO.publishableKey}`, origin: new URL(api).origin },
  });
  if (!config.ok) {
    throw new Error(
      `the demo shop is not loaded in ${api} (GET /v1/config answered ${config.status}); set SC_TEST_PERSIST to its --persist-to directory`,
    );
  }

  // The merchant backend, as `npm start` runs it.
  const merchantPort = await freePort();
  const merchant: ChildProcess = spawn('node', [join(ROOT, 'examples/merchant/server.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(merchantPort),
      SHARECART_API: api,
      SHARECART_SECRET_KEY: DEMO.secretKey,
      SHOP_URL: `${api}/shop/`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let merchantLog = '';
  merchant.stdout?.on('data', (d) => (merchantLog += d));
  merchant.stderr?.on('data', (d) => (merchantLog += d));
  cleanups.push(() => merchant.kill('SIGTERM'));
  const merchantUrl = `http://127.0.0.1:${merchantPort}`;
  try {
    await waitFor(`${merchantUrl}/healthz`);
  } catch (e) {
    throw new Error(`the merchant backend did not start:\n${merchantLog}`, { cause: e });
  }

  project.provide('api', api);
  project.provide('merchant', merchantUrl);
  project.provide('chromePath', process.env.CHROME_PATH ?? '/usr/bin/chromium');
  project.provide('persistTo', persistTo ?? '');

  return async () => {
    if (process.env.SC_E2E_VERBOSE) console.log(merchantLog);
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}
