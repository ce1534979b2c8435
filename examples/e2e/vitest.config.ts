/**
 * End-to-end tests of the demo shop in real Chromium (playwright-core, Debian's /usr/bin/chromium or
 * CHROME_PATH) against a running local system: `wrangler dev` serving the API, the SDK and the shop
 * (SC_TEST_API, from `npm test`; or started by global-setup.ts on a fresh database when unset), the
 * demo seed, and the example merchant backend on a free port.
 *
 *   npx vitest run --config examples/e2e/vitest.config.ts
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname + '/../..',
    environment: 'node',
    include: ['examples/e2e/**/*.e2e.test.ts'],
    globalSetup: ['examples/e2e/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    retry: 0,
  },
});
