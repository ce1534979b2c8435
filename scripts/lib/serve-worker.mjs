#!/usr/bin/env node
// Serves the worker as `wrangler dev` does (same config, bindings, assets, local D1 and Durable
// Objects under --persist-to), but without the DevTools inspector, through wrangler's programmatic
// API (startWorker). The CLI always opens an inspector, and its proxy turns on the Network domain:
// every subrequest the worker makes (each D1 call, each Durable Object call) is then reported to
// the wrangler process, which writes it to its debug log — several hundred microseconds of CPU per
// subrequest that a deployed worker never pays. The bench serves the worker this way so that it
// measures the worker, not that dev-only tax (bench/RESULTS.md shows both).
//
// Started by startWranglerDev({ inspector: false }) with one argument, a JSON object:
// { port, persistTo?, config?, vars?, logLevel? }. Stops on SIGTERM/SIGINT.
import { unstable_startWorker } from 'wrangler';

const opts = JSON.parse(process.argv[2] ?? '{}');
const bindings = Object.fromEntries(
  Object.entries(opts.vars ?? {}).map(([name, value]) => [name, { type: 'plain_text', value: String(value) }]),
);
const worker = await unstable_startWorker({
  config: opts.config ?? 'wrangler.toml',
  bindings,
  dev: {
    server: { hostname: '127.0.0.1', port: opts.port },
    inspector: false,
    persist: opts.persistTo ?? false,
    logLevel: opts.logLevel ?? 'warn',
    watch: false,
  },
});
await worker.ready;
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    await worker.dispose();
    process.exit(0);
  });
}
