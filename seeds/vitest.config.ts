// Tests of the demo-data generator: plain Node (it writes SQL, it never runs in workerd).
// Run: npx vitest run --config seeds/vitest.config.ts
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // keep Vite's cache in the repo's node_modules, not in seeds/node_modules
  cacheDir: resolve(import.meta.dirname, '..', 'node_modules', '.vite', 'seeds'),
  test: {
    root: import.meta.dirname,
    environment: 'node',
    include: ['**/*.test.ts'],
  },
});
