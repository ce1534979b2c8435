#!/usr/bin/env node
// `npm start`: install if needed, build the SDK, migrate and seed the local D1, start the example
// merchant backend and `wrangler dev` on 127.0.0.1, and print where everything is.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureDependencies, run } from './lib/prepare.mjs';
import { referralLinks, startLinks } from './lib/start-links.mjs';

ensureDependencies();
const { ROOT, applyMigrations, ensureDevVars, executeSqlFile, startWranglerDev } = await import('./lib/wrangler-dev.mjs');

const port = Number(process.env.PORT ?? process.argv.find((a) => a.startsWith('--port='))?.slice(7) ?? 8787);
const merchantPort = Number(process.env.MERCHANT_PORT ?? port + 1);
const vars = ensureDevVars();

console.log('› building the SDK…');
if (run('node', ['scripts/build.mjs']) !== 0) process.exit(1);

console.log('› applying D1 migrations to the local database…');
applyMigrations();

console.log('› loading the demo shop (seeds/)…');
mkdirSync(resolve(ROOT, '.wrangler'), { recursive: true });
const seedFile = resolve(ROOT, '.wrangler', 'seed.sql');
const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
const seed = await new Promise((done, fail) => {
  const child = spawn(
    resolve(ROOT, 'node_modules/.bin/tsx'),
    ['seeds/generate.ts', ...origins.flatMap((o) => ['--origin', o]), '--out', seedFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('exit', (code) =>
    code === 0 ? done(JSON.parse(out.trim().split('\n').pop())) : fail(new Error(`seed generator exited ${code}`)),
  );
});
executeSqlFile(seedFile);

const worker = await startWranglerDev({ port, logLevel: 'info', inherit: true });
const url = worker.url;

let merchant = null;
const merchantServer = resolve(ROOT, 'examples/merchant/server.mjs');
if (existsSync(merchantServer)) {
  merchant = spawn('node', [merchantServer], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      PORT: String(merchantPort),
      SHARECART_API: url,
      SHARECART_SECRET_KEY: seed.secretKey,
      SHOP_URL: `${url}/shop/`,
    },
  });
}

const line = '─'.repeat(72);
const links = startLinks(url, { merchant: merchant ? `http://127.0.0.1:${merchantPort}` : null });
console.log(`\n${line}
 ShareCart is running (fully local, workerd + local D1)

${links.map((l) => `   ${l.label.padEnd(16)} ${l.url}`).join('\n')}

   Demo shop id     ${seed.shopId}
   Publishable key  ${seed.publishableKey}
   Secret key       ${seed.secretKey}     (local demo only)
   Admin token      ${vars.ADMIN_TOKEN}   (from .dev.vars)
   Referral links   ${referralLinks(url, seed.referrers).join('  ')}
   Dashboard login  ${url}/dashboard/#token=${seed.dashboardToken}   (local demo only)
${line}
 Ctrl-C stops everything.\n`);

const stop = async () => {
  merchant?.kill('SIGTERM');
  await worker.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
worker.child.on('exit', (code) => {
  merchant?.kill('SIGTERM');
  process.exit(code ?? 0);
});
