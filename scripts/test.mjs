#!/usr/bin/env node
// `npm test`: every test, on a fresh clone with nothing else typed.
//   1. install what is missing (node_modules; Debian chromium as root)
//   2. formatting (Prettier), typecheck (SDK, worker, and the example merchant backend against the
//      API's generated types), the API contract (worker/openapi.json and sdk/src/api-types.ts are what
//      the schemas generate, and the document passes Redocly's recommended lint: step `contract`),
//      and the committed worker-configuration.d.ts is what `npm run cf-typegen` generates (step `types`)
//   3. build the SDK (size budgets enforced by the build), then the production worker bundle with
//      `wrangler deploy --dry-run` (no account needed) against Cloudflare's size limits (step `deploy`)
//   4. unit tests in Node (seeds), worker tests in workerd (real D1 + Durable Objects)
//   5. a real `wrangler dev` on a fresh local database, then the component tests in headless
//      Chromium (@web/test-runner) and the end-to-end flows (playwright-core) against it
// Prints one closing line: "N passed, N failed".
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureChromium, ensureDependencies } from './lib/prepare.mjs';

ensureDependencies();
const { ROOT, applyMigrations, ensureDevVars, startWranglerDev, wranglerEnv } = await import('./lib/wrangler-dev.mjs');
const chrome = ensureChromium();
const vars = ensureDevVars();
const results = [];
const totals = { passed: 0, failed: 0, skipped: 0 };
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

function step(name, cmd, args, { env = {}, count } = {}) {
  return new Promise((done) => {
    const started = Date.now();
    console.log(`\n━━ ${name} ━━ ${cmd} ${args.join(' ')}`);
    let out = '';
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...wranglerEnv(), CHROME_PATH: chrome, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('exit', (code) => {
      const counted = count ? count(out) : null;
      if (counted) {
        totals.passed += counted.passed;
        totals.failed += counted.failed;
        totals.skipped += counted.skipped ?? 0;
      }
      if (code !== 0 && !(counted && counted.failed > 0)) totals.failed += 1; // a step that died counts as a failure
      results.push({ name, ok: code === 0, seconds: ((Date.now() - started) / 1000).toFixed(1), counted });
      done(code === 0);
    });
  });
}

const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** vitest's summary: "Tests  12 passed | 1 failed (13)". */
function vitestCount(out) {
  const line = strip(out)
    .split('\n')
    .reverse()
    .find((l) => /^\s*Tests\s+/.test(l));
  if (!line) return null;
  const n = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: n('passed'), failed: n('failed'), skipped: n('skipped') };
}
/** @web/test-runner's summary: "✓ 20 passed, 1 failed" style lines from the summary/default reporter. */
function wtrCount(out) {
  const text = strip(out);
  const passed = [...text.matchAll(/(\d+) passed/g)].map((m) => Number(m[1])).pop() ?? 0;
  const failed = [...text.matchAll(/(\d+) failed/g)].map((m) => Number(m[1])).pop() ?? 0;
  return passed || failed ? { passed, failed } : null;
}

const bin = (name) => resolve(ROOT, 'node_modules', '.bin', name);
let ok = true;

if (want('format'))
  ok = (await step('format (prettier --check)', bin('prettier'), ['--check', '.', '--log-level', 'warn'])) && ok;
if (want('typecheck')) {
  ok = (await step('typecheck: SDK', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])) && ok;
  ok = (await step('typecheck: worker', bin('tsc'), ['-p', 'worker/tsconfig.json', '--noEmit'])) && ok;
  ok =
    (await step('typecheck: example merchant backend (typed API client)', bin('tsc'), [
      '-p',
      'examples/merchant/tsconfig.json',
    ])) && ok;
}
if (want('contract')) {
  ok = (await step('API contract current (openapi.json, api-types.ts)', 'node', ['scripts/contract.mjs', '--check'])) && ok;
  ok =
    (await step('OpenAPI lint (Redocly recommended)', bin('redocly'), ['lint', 'worker/openapi.json', '--format', 'summary'])) &&
    ok;
}
if (want('types'))
  ok = (await step('worker types current (wrangler types)', 'node', ['scripts/deploy-check.mjs', 'types'])) && ok;
if (want('build')) ok = (await step('build + size budgets', 'node', ['scripts/build.mjs'])) && ok;
if (want('deploy'))
  ok = (await step('deploy bundle (wrangler deploy --dry-run)', 'node', ['scripts/deploy-check.mjs', 'bundle'])) && ok;
if (want('unit')) {
  ok =
    (await step('unit: domain rules and libraries (node)', bin('vitest'), ['run', '--project', 'unit'], {
      count: vitestCount,
    })) && ok;
  ok = (await step('unit: seeds (node)', bin('vitest'), ['run', '--project', 'seeds'], { count: vitestCount })) && ok;
}
if (want('worker'))
  ok =
    (await step('worker (workerd, D1, Durable Objects)', bin('vitest'), ['run', '--project', 'worker'], {
      count: vitestCount,
    })) && ok;

if (want('sdk') || want('e2e')) {
  const persistTo = mkdtempSync(join(tmpdir(), 'sharecart-test-'));
  const port = Number(process.env.SC_TEST_PORT ?? 8799);
  let worker = null;
  try {
    console.log(`\n━━ local worker ━━ wrangler dev on 127.0.0.1:${port} (fresh database in ${persistTo})`);
    applyMigrations({ persistTo });
    worker = await startWranglerDev({ port, persistTo });
    const env = { SC_TEST_API: worker.url, SC_ADMIN_TOKEN: vars.ADMIN_TOKEN, SC_TEST_PERSIST: persistTo };
    if (want('sdk')) {
      ok =
        (await step(
          'components (headless Chromium, @web/test-runner)',
          bin('web-test-runner'),
          ['--config', 'sdk/web-test-runner.config.mjs'],
          { env, count: wtrCount },
        )) && ok;
    }
    if (want('e2e')) {
      ok =
        (await step('end to end (playwright-core + Chromium)', bin('vitest'), ['run', '--project', 'e2e'], {
          env,
          count: vitestCount,
        })) && ok;
    }
  } catch (error) {
    console.error(error);
    totals.failed += 1;
    ok = false;
  } finally {
    await worker?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

console.log('\n━━ summary ━━');
for (const r of results) {
  const c = r.counted ? ` (${r.counted.passed} passed, ${r.counted.failed} failed)` : '';
  console.log(`${r.ok ? '✔' : '✘'} ${r.name} — ${r.seconds}s${c}`);
}
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
