/**
 * Worker tests run inside workerd through the Workers pool: real D1 (local SQLite) and real Durable
 * Objects, with the D1 migrations applied in the setup file. Storage is isolated per test file.
 */
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      main: join(root, 'worker/src/index.ts'),
      wrangler: { configPath: join(root, 'wrangler.toml') },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: 'adm_test_token_0123456789abcdef',
          // as in .dev.vars: tests that need production behaviour pass { ...env, ENVIRONMENT: 'production' }
          ENVIRONMENT: 'development',
          IP_HASH_SALT: 'test-salt-0123456789abcdef0123456789abcdef',
          TEST_CLOCK: 'enabled',
          CLICK_FLUSH_MS: '60000',
          TEST_MIGRATIONS: await readD1Migrations(join(root, 'worker/migrations')),
        },
      },
    })),
  ],
  test: {
    root,
    include: ['worker/src/**/*.test.ts', 'worker/test/**/*.test.ts'],
    setupFiles: [join(root, 'worker/test/setup.ts')],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
