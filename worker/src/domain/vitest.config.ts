/**
 * Node-side test config for the pure domain rules: they need no Workers runtime, so they run
 * fast in plain Node. Run from the repo root:
 *   npx vitest run --config worker/src/domain/vitest.config.ts
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // the repository root, wherever the command is run from
    root: decodeURIComponent(new URL('../../..', import.meta.url).pathname),
    environment: 'node',
    include: ['worker/src/domain/**/*.test.ts'],
  },
});
