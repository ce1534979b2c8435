// Starts and stops a local `wrangler dev` (workerd, fully offline) for npm start, the tests and the bench.
// Wrangler runs in its own process group so that stopping it also stops workerd.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const WRANGLER = resolve(ROOT, 'node_modules', '.bin', 'wrangler');

/** Environment for every wrangler call: offline, no metrics, no prompts. */
export function wranglerEnv(extra = {}) {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_LOG_SANITIZE: 'true',
    NO_D1_WARNING: 'true',
    CI: 'true',
    ...extra,
  };
}

/** Shortest IP_HASH_SALT the worker accepts (worker/src/lib/pseudonyms.ts, SALT_MIN_LENGTH). */
const SALT_MIN_LENGTH = 32;

/**
 * Makes sure `.dev.vars` (never committed) has every local secret and setting, and returns its
 * values: a random admin token, a random IP-hash salt of at least 32 characters, and
 * `ENVIRONMENT="development"` (it overrides the `production` of wrangler.toml's [vars] locally).
 * An existing file keeps its values; missing keys are added and a salt that is too short is replaced.
 */
export function ensureDevVars(file = resolve(ROOT, '.dev.vars')) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const vars = parseDevVars(text);
  const wanted = {
    ADMIN_TOKEN: vars.ADMIN_TOKEN || `adm_${randomBytes(24).toString('base64url')}`,
    IP_HASH_SALT: (vars.IP_HASH_SALT ?? '').length >= SALT_MIN_LENGTH ? vars.IP_HASH_SALT : randomBytes(32).toString('base64url'),
    ENVIRONMENT: vars.ENVIRONMENT || 'development',
  };
  const changed = Object.keys(wanted).filter((k) => vars[k] !== wanted[k]);
  if (changed.length) {
    const kept = text.split('\n').filter((line) => {
      const m = /^\s*([A-Z0-9_]+)\s*=/.exec(line);
      return line.trim() !== '' && !(m && changed.includes(m[1]));
    });
    const added = changed.map((k) => `${k}="${wanted[k]}"`);
    writeFileSync(file, [...kept, ...added].join('\n') + '\n', { mode: 0o600 });
  }
  return { ...vars, ...wanted };
}

function parseDevVars(text) {
  const vars = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

async function answers(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Wrangler appends every debug message — with `wrangler dev`, each subrequest its inspector reports,
 * bodies included — to a log under ~/.config/.wrangler/logs, which grows by megabytes per test run. A
 * run with its own data directory (tests, bench) keeps that log there, and it goes with the directory.
 */
function debugLogIn(persistTo) {
  return persistTo && !process.env.WRANGLER_LOG_PATH ? { WRANGLER_LOG_PATH: resolve(persistTo, 'wrangler-debug.log') } : {};
}

/** Runs a wrangler sub-command to completion; throws with its output on failure. */
export function wrangler(args, { persistTo } = {}) {
  const full = persistTo ? [...args, '--persist-to', persistTo] : args;
  const r = spawnSync(WRANGLER, full, { cwd: ROOT, env: wranglerEnv(debugLogIn(persistTo)), encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`wrangler ${full.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Applies the D1 migrations to the local database. Idempotent. */
export function applyMigrations({ persistTo, config } = {}) {
  return wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...(config ? ['--config', config] : [])], { persistTo });
}

/** Executes a SQL file against the local database. */
export function executeSqlFile(file, { persistTo } = {}) {
  return wrangler(['d1', 'execute', 'DB', '--local', '--file', file, '--yes'], { persistTo });
}

/**
 * Starts `wrangler dev` on 127.0.0.1 and resolves once it answers /healthz.
 * With `inspector: false` the worker is served by serve-worker.mjs instead of the wrangler CLI:
 * the same worker and bindings without the DevTools inspector, whose per-subrequest reports cost
 * the wrangler process CPU that a deployed worker never spends (the bench uses it).
 * @param {{ port?: number, persistTo?: string, vars?: Record<string,string>, logLevel?: string, inherit?: boolean, timeoutMs?: number, config?: string, inspectorPort?: number, inspector?: boolean }} opts
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void>, child: import('node:child_process').ChildProcess }>}
 */
export async function startWranglerDev(opts = {}) {
  const port = opts.port ?? 8787;
  if (await answers(`http://127.0.0.1:${port}/healthz`)) {
    // never talk to a stale server left by another run: its database is not ours
    throw new Error(`Port ${port} is already in use by another server; stop it or choose another port (PORT=…).`);
  }
  const args = [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    opts.logLevel ?? 'warn',
    '--show-interactive-dev-session=false',
  ];
  if (opts.persistTo) args.push('--persist-to', opts.persistTo);
  if (opts.inspectorPort) args.push('--inspector-port', String(opts.inspectorPort));
  if (opts.config) args.push('--config', opts.config);
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push('--var', `${k}:${v}`);
  const [command, commandArgs] =
    opts.inspector === false
      ? [
          process.execPath,
          [
            resolve(import.meta.dirname, 'serve-worker.mjs'),
            JSON.stringify({ port, persistTo: opts.persistTo, config: opts.config, vars: opts.vars, logLevel: opts.logLevel }),
          ],
        ]
      : [WRANGLER, args];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: wranglerEnv(debugLogIn(opts.persistTo)),
    detached: true,
    stdio: opts.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, port, stop, child };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`wrangler dev did not answer ${url}/healthz within the timeout:\n${output}`);
}
