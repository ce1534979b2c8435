/**
 * Rollup builds of the SDK (run by `scripts/build.mjs`, which also measures sizes, writes the
 * manifest and the static headers):
 * 1. the script-tag build in `dist/public/sdk/`: `sharecart.js` (the loader) plus one chunk per
 *    component, the share flow and the QR encoder, and one shared chunk with Lit and the base class;
 *    Lit's production build, `DEV_MODE` replaced by `false` so terser drops development code;
 * 2. the npm build in `sdk/dist/npm/`: ESM modules mirroring `sdk/src` (lit and uqr left external).
 */
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin, RollupOptions } from 'rollup';

const root = import.meta.dirname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** Modules that share the Lit chunk: Lit itself and what every component builds on. */
const SHARED = [/[\\/]node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element)[\\/]/];
const SHARED_SDK = ['internal/base-element.ts', 'internal/i18n.ts', 'internal/styles.ts'];

/** `DEV_MODE` → false and the version from package.json, in `internal/env.ts` only. */
const env = (): Plugin =>
  replace({
    include: ['**/sdk/src/internal/env.ts'],
    preventAssignment: false,
    delimiters: ['', ''],
    values: { 'DEV_MODE = true': 'DEV_MODE = false', "'0.0.0-dev'": JSON.stringify(version) },
  });

const ts = (outDir: string) =>
  typescript({
    tsconfig: join(root, 'tsconfig.json'),
    exclude: ['**/*.test.ts', join(root, 'sdk/src/test/**')],
    compilerOptions: { noEmit: false, declaration: false, outDir, sourceMap: false },
    noEmitOnError: false,
  });

/** Names component chunks after their tag. */
const CHUNK_NAMES: Record<string, string> = {
  'share-button': 'sc-share-button',
  'referral-banner': 'sc-referral-banner',
  'referrer-dashboard': 'sc-referrer-dashboard',
  'order-tracker': 'sc-order-tracker',
  'share-flow': 'sc-share-sheet',
};

export const scriptTag: RollupOptions = {
  input: { sharecart: 'sdk/src/sharecart.ts' },
  output: {
    dir: 'dist/public/sdk',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: (chunk) => `chunks/${CHUNK_NAMES[chunk.name] ?? chunk.name}-[hash].js`,
    manualChunks(id) {
      if (SHARED.some((re) => re.test(id)) || SHARED_SDK.some((p) => id.replaceAll('\\', '/').endsWith(`sdk/src/${p}`))) {
        return 'lit';
      }
    },
    generatedCode: 'es2015',
  },
  preserveEntrySignatures: 'allow-extension',
  plugins: [
    nodeResolve({ browser: true }),
    ts('dist/public/sdk'),
    env(),
    terser({
      ecma: 2020,
      module: true,
      compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
      format: { comments: false },
    }),
  ],
};

/** The npm build's entries: the side-effect-free index and each tag's registration module. */
const components = readdirSync(join(root, 'sdk/src/components'));
export const npm: RollupOptions = {
  input: [
    'sdk/src/index.ts',
    'sdk/src/sharecart.ts',
    ...components.map((name) => `sdk/src/components/${name}/${name}.ts`),
  ],
  external: [/^lit(\/|$)/, /^@lit\//, 'uqr'],
  output: {
    dir: 'sdk/dist/npm',
    format: 'es',
    preserveModules: true,
    preserveModulesRoot: 'sdk/src',
    entryFileNames: '[name].js',
  },
  preserveEntrySignatures: 'strict',
  plugins: [nodeResolve({ browser: true }), ts('sdk/dist/npm'), env()],
};

export default [scriptTag, npm];
