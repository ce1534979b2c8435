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
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin, RollupOptions } from 'rollup';

const root = import.meta.dirname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/**
 * Chunk assignment. Rollup would pull a manual chunk's dependencies into it, so the loader's own
 * modules are pinned to the entry (`sharecart`) explicitly; otherwise the loader would import Lit.
 * - `lit`: Lit and what every component builds on (base class, i18n, shared styles, API client),
 *   plus the share button's class.
 *   One file instead of two saves bytes on every page with a component; the price is that the
 *   capture chunk (referral landings only) pulls it in too, after the page has loaded.
 * - `capture` (automatic): referral capture, only on pages that carry a referral parameter;
 * - `sharecart`: the loader (runtime state, storage, events, build constants).
 */
const LIT = /[\\/]node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element)[\\/](?!decorators)/;
const CHUNKS: Record<string, string> = {
  'internal/base-element.ts': 'lit',
  'internal/i18n.ts': 'lit',
  'internal/styles.ts': 'lit',
  'internal/api-client.ts': 'lit',
  // The share button is the widget nearly every page shows: its class rides in the shared chunk (its
  // registration stays in its own chunk, so no other page defines the tag).
  'components/share-button/share-button.component.ts': 'lit',
  'components/share-button/share-button.styles.ts': 'lit',
  'components/share-button/share-button.messages.ts': 'lit',
  'internal/runtime.ts': 'sharecart',
  'internal/storage.ts': 'sharecart',
  'internal/events.ts': 'sharecart',
  'internal/env.ts': 'sharecart',
  'loader/boot.ts': 'sharecart',
  'loader/autoload.ts': 'sharecart',
  'loader/components.ts': 'sharecart',
  'sharecart.ts': 'sharecart',
};

/** `DEV_MODE` → false and the version from package.json, in `internal/env.ts` only. */
const env = (): Plugin =>
  replace({
    include: ['**/sdk/src/internal/env.ts'],
    preventAssignment: false,
    delimiters: ['', ''],
    values: { 'DEV_MODE = true': 'DEV_MODE = false', "'0.0.0-dev'": JSON.stringify(version) },
  });

/**
 * Collapses the whitespace of Lit's `css`, `html` and `svg` template literals (indentation and line
 * breaks; a run of whitespace with a line break between two tags disappears, elsewhere it becomes
 * one space). Only static template text changes, never an expression.
 */
const minifyTemplates = (): Plugin => ({
  name: 'sc-minify-templates',
  transform(code, id) {
    if (!/[\\/]sdk[\\/]src[\\/]/.test(id) || !/\b(css|html|svg)\s*`/.test(code)) return null;
    const edits: Array<[number, number, string]> = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node != 'object') return;
      if (Array.isArray(node)) return node.forEach(walk);
      const n = node as Record<string, any>;
      if (n.type == 'TaggedTemplateExpression' && n.tag.type == 'Identifier' && /^(css|html|svg)$/.test(n.tag.name)) {
        const isCss = n.tag.name == 'css';
        for (const q of n.quasi.quasis) {
          const raw: string = code.slice(q.start, q.end);
          const min = isCss
            ? raw
                .replace(/\s+/g, ' ')
                .replace(/\s*([{};,])\s*/g, '$1')
                .replace(/:\s+/g, ':')
                .replace(/;}/g, '}')
            : raw.replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ');
          if (min != raw) edits.push([q.start, q.end, min]);
        }
      }
      for (const key in n) if (key != 'start' && key != 'end') walk(n[key]);
    };
    walk(this.parse(code));
    if (!edits.length) return null;
    let out = code;
    for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
    return { code: out, map: null };
  },
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
      if (LIT.test(id)) return 'lit';
      const m = /sdk\/src\/(.+)$/.exec(id.replaceAll('\\', '/'));
      return m ? CHUNKS[m[1]] : undefined;
    },
    generatedCode: 'es2015',
  },
  preserveEntrySignatures: 'allow-extension',
  plugins: [
    nodeResolve({ browser: true }),
    ts('dist/public/sdk'),
    env(),
    minifyTemplates(),
    terser({
      ecma: 2020,
      module: true,
      compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true },
      format: { comments: false },
    }),
  ],
};

/** The npm build's entries: the side-effect-free index and each tag's registration module. */
const components = readdirSync(join(root, 'sdk/src/components')).filter((name) =>
  existsSync(join(root, `sdk/src/components/${name}/${name}.ts`)),
);
export const npm: RollupOptions = {
  input: ['sdk/src/index.ts', 'sdk/src/sharecart.ts', ...components.map((name) => `sdk/src/components/${name}/${name}.ts`)],
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
