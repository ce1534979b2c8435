#!/usr/bin/env node
// Deploy checks that need no Cloudflare account and no network (both run by `npm test`):
//
//   node scripts/deploy-check.mjs bundle
//     `wrangler deploy --dry-run --outdir <tmp>` bundles the production worker exactly as
//     `wrangler deploy` would upload it (so a bad wrangler.toml or an import workerd cannot load
//     fails here), then measures what would be uploaded against Cloudflare's Worker size limits.
//     Needs `npm run build` first (wrangler.toml's assets directory, dist/public, must exist).
//
//   node scripts/deploy-check.mjs types
//     worker/worker-configuration.d.ts is what `npm run cf-typegen` generates today.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
const MiB = 1024 * 1024;

/**
 * Cloudflare's Worker size limits (https://developers.cloudflare.com/workers/platform/limits/#worker-size),
 * checked 2026-11. Since 2026-09-04 the platform checks only the uncompressed upload: 64 MiB on every
 * plan (https://developers.cloudflare.com/changelog/post/2026-09-04-increased-worker-size-limit/).
 * Before that, the limit was on the gzip-compressed upload: 3 MiB on Workers Free, 10 MiB on Workers
 * Paid — and wrangler 4.86 (pinned here) still measures against the 3 MiB. We enforce both: staying
 * under the old free-plan compressed limit keeps the worker deployable on any account and its cold
 * start small.
 */
export const LIMITS = {
  uncompressed: { bytes: 64 * MiB, what: 'uncompressed, every plan (current limit)' },
  freeGzip: { bytes: 3 * MiB, what: 'gzip, Workers Free (former limit; Paid was 10 MiB)' },
};

const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_LOG_SANITIZE: 'true',
  CI: 'true',
};

function wrangler(args) {
  const r = spawnSync(WRANGLER, args, { cwd: ROOT, env, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, out: `${r.stdout}\n${r.stderr}` };
}

const kib = (n) => `${(n / 1024).toFixed(2)} KiB`;
const pct = (n, of) => `${((n / of) * 100).toFixed(1)} %`;

function bundle() {
  if (!existsSync(join(ROOT, 'dist/public'))) {
    console.error('deploy-check: dist/public is missing (wrangler.toml serves it as assets): run `npm run build` first.');
    return false;
  }
  const outdir = mkdtempSync(join(tmpdir(), 'sharecart-deploy-'));
  try {
    const run = wrangler(['deploy', '--dry-run', '--outdir', outdir]);
    const reported = /Total Upload: ([^\n]*)/.exec(run.out.replace(/\x1b\[[0-9;]*m/g, ''))?.[1];
    if (!run.ok) {
      console.error(`deploy-check: wrangler deploy --dry-run failed:\n${run.out}`);
      return false;
    }
    // What `wrangler deploy` uploads: the modules (source maps only with upload_source_maps, not set).
    const files = [];
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (!name.endsWith('.map') && name !== 'README.md') files.push(path);
      }
    };
    walk(outdir);
    if (files.length === 0) {
      console.error(`deploy-check: wrangler wrote no modules to ${outdir}`);
      return false;
    }
    const contents = files.map((f) => readFileSync(f));
    const raw = contents.reduce((n, c) => n + c.length, 0);
    const gzip = gzipSync(Buffer.concat(contents)).length; // as wrangler measures: the modules, concatenated
    for (const [f, c] of files.map((f, i) => [f, contents[i]])) {
      console.log(`bundle: ${relative(outdir, f).padEnd(24)} ${kib(c.length).padStart(12)}  gzip ${kib(gzipSync(c).length)}`);
    }
    console.log(`bundle: total ${raw} B (${kib(raw)}), gzip ${gzip} B (${kib(gzip)})`);
    if (reported) console.log(`bundle: wrangler reports Total Upload: ${reported}`);
    const over = [];
    for (const [size, limit] of [
      [raw, LIMITS.uncompressed],
      [gzip, LIMITS.freeGzip],
    ]) {
      const line = `${kib(size)} of ${limit.bytes / MiB} MiB ${limit.what}: ${pct(size, limit.bytes)}`;
      console.log(`limit:  ${line}`);
      if (size > limit.bytes) over.push(line);
    }
    if (over.length) {
      console.error(`\ndeploy-check: THE WORKER IS TOO LARGE TO DEPLOY:\n  ${over.join('\n  ')}`);
      return false;
    }
    return true;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Regenerates the types with exactly `npm run cf-typegen`'s command into a scratch file beside the
 * committed one (the generated imports are relative to it) and compares them, line for line, except
 * the header line that names the command. (`wrangler types --check` exists in 4.86 but reads
 * `.dev.vars`, which `npm start` and `npm test` create, so it would always find local secrets that
 * the committed types rightly leave to app-env.ts.)
 */
function types() {
  const committed = 'worker/worker-configuration.d.ts';
  const command = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['cf-typegen'];
  const [bin, sub, target, ...rest] = command.split(/\s+/);
  if (bin !== 'wrangler' || sub !== 'types' || target !== committed) {
    console.error(`deploy-check: expected "cf-typegen" to be "wrangler types ${committed} …", found "${command}"`);
    return false;
  }
  const scratch = `worker/.cf-typegen-check-${process.pid}.d.ts`;
  try {
    const run = wrangler(['types', scratch, ...rest]);
    if (!run.ok) {
      console.error(`deploy-check: wrangler types failed:\n${run.out}`);
      return false;
    }
    const header = /^\/\/ Generated by Wrangler by running `.*` \(hash: (\w+)\)$/;
    const want = readFileSync(join(ROOT, scratch), 'utf8').split('\n');
    const have = readFileSync(join(ROOT, committed), 'utf8').split('\n');
    const differs = [];
    for (let i = 0; i < Math.max(want.length, have.length); i++) {
      const [w, h] = [want[i], have[i]];
      const same = header.test(w ?? '') && header.test(h ?? '') ? header.exec(w)[1] === header.exec(h)[1] : w === h;
      if (!same) differs.push(`line ${i + 1}:\n    committed: ${h ?? '(end of file)'}\n    generated: ${w ?? '(end of file)'}`);
    }
    if (differs.length) {
      console.error(
        `deploy-check: ${committed} differs from what \`npm run cf-typegen\` generates from wrangler.toml (${differs.length} lines). ` +
          `Run \`npm run cf-typegen\` and commit it.\n  ${differs.slice(0, 5).join('\n  ')}`,
      );
      return false;
    }
    const hash = have.map((l) => header.exec(l)?.[1]).find(Boolean);
    console.log(`types: ${committed} is current (${have.length} lines, env hash ${hash ?? 'none'}, ${want[2] ?? ''})`);
    return true;
  } finally {
    rmSync(join(ROOT, scratch), { force: true });
  }
}

const checks = { bundle, types };
const which = process.argv[2];
if (!checks[which]) {
  console.error(`usage: node scripts/deploy-check.mjs ${Object.keys(checks).join('|')}`);
  process.exit(2);
}
process.exit(checks[which]() ? 0 : 1);
