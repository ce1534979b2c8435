// Installs what `npm start` and `npm test` need on a fresh clone: node_modules, and for the browser
// tests Debian's Chromium (as root) — otherwise it stops with a message naming what to install.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './wrangler-dev.mjs';

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/**
 * The packages of package-lock.json that node_modules lacks or holds at another version (npm writes
 * what it installed to node_modules/.package-lock.json), e.g. after a pull that added a dependency.
 * @returns {string[]} their paths, or ['node_modules'] when nothing is installed
 */
export function staleDependencies() {
  const marker = resolve(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(resolve(ROOT, 'node_modules', '.bin', 'wrangler')) || !existsSync(marker)) return ['node_modules'];
  const wanted = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')).packages ?? {};
  const installed = JSON.parse(readFileSync(marker, 'utf8')).packages ?? {};
  return Object.entries(wanted)
    .filter(([path, pkg]) => path !== '' && !pkg.link && !pkg.optional && installed[path]?.version !== pkg.version)
    .map(([path]) => path);
}

/** `npm ci` when node_modules is missing or differs from the lock file's packages. */
export function ensureDependencies() {
  const stale = staleDependencies();
  if (stale.length === 0) return;
  const which = stale[0] === 'node_modules' ? '' : ` (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''})`;
  console.log(`› installing dependencies (npm ci)${which}…`);
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    throw new Error('npm ci failed: check your network access to the npm registry and Node >= 20.');
  }
}

/**
 * Headless Chromium flags for this machine (no sandbox as root, no GPU, and no background network
 * traffic — the network is closed, so Chromium's own calls would only fail and slow it down).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Returns the Chromium executable, installing Debian's chromium when running as root. */
export function ensureChromium() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('› installing Debian chromium for the browser tests (apt-get)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    if (run('apt-get', ['install', '-y', '-qq', 'chromium'], { env }) === 0 && existsSync('/usr/bin/chromium')) {
      return '/usr/bin/chromium';
    }
  }
  throw new Error(
    'Chromium is needed for the browser tests. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) ' +
      'or set CHROME_PATH to a Chromium/Chrome executable.',
  );
}
