/**
 * Every vitest suite of the repository, one project each (run one with `--project <name>`; `npm test`
 * runs them in order, see scripts/test.mjs):
 * - `unit`: the pure rules (worker/src/domain), the leaf libraries and pure primitives of the worker,
 *   and the SDK's `verifyWebhook` (sdk/src/webhooks, for shops' servers), in plain Node — they need no
 *   Workers runtime, and run once;
 * - `seeds`: the demo-data generator, in Node;
 * - `worker`: the worker's tests inside workerd through the Workers pool — real D1 (local SQLite)
 *   and real Durable Objects, the D1 migrations applied in worker/test/setup.ts, storage isolated
 *   per test file; webhooks are delivered to a real HTTP receiver in Node (worker/test/webhook-receiver.ts);
 * - `e2e`: the demo shop in real Chromium (playwright-core) against a running local system
 *   (`wrangler dev` at SC_TEST_API from `npm test`, or started on a fresh database by
 *   examples/e2e/support/global-setup.ts).
 */
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { join } from 'node:path';

const root = import.meta.dirname;

/** Pure code that runs in plain Node (no `cloudflare:*` import), and the SDK's server-side helper. */
const NODE_UNITS = [
  'worker/src/domain/**/*.test.ts',
  'worker/src/lib/**/*.test.ts',
  'worker/src/durable/group-commit.test.ts',
  'sdk/src/webhooks/**/*.test.ts',
];

export default defineConfig({
  test: {
    // the e2e project's global teardown stops wrangler dev
    teardownTimeout: 30_000,
    projects: [
      {
        test: { name: 'unit', root, environment: 'node', include: NODE_UNITS },
      },
      {
        test: { name: 'seeds', root, environment: 'node', include: ['seeds/**/*.test.ts'] },
      },
      {
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
                // a receiver that never answers fails its attempt after this long (production: 10 s)
                WEBHOOK_TIMEOUT_MS: '1500',
                TEST_MIGRATIONS: await readD1Migrations(join(root, 'worker/migrations')),
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          root,
          include: ['worker/test/**/*.test.ts'],
          setupFiles: [join(root, 'worker/test/setup.ts')],
          // a real HTTP receiver in Node for the webhook deliveries (inject('webhookReceiver'))
          globalSetup: [join(root, 'worker/test/webhook-receiver.ts')],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root,
          environment: 'node',
          include: ['examples/e2e/**/*.e2e.test.ts'],
          globalSetup: ['examples/e2e/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          retry: 0,
        },
      },
    ],
  },
});
