/**
 * Rollup builds of the SDK (run by `scripts/build/bundle.mjs`; `scripts/build.mjs` composes the
 * whole build: types, manifest, pages, sizes):
 * 1. the script-tag build in `dist/public/sdk/`: `sharecart.js` (the loader) and `chunks/`, one chunk
 *    per rule in `chunkOf()` below; Lit's production build less what ShareCart never runs
 *    (`LIT_UNUSED`), `DEV_MODE` replaced by `false` so terser drops development code;
 * 2. the npm build in `sdk/dist/npm/`: ESM modules mirroring `sdk/src` (lit and uqr left external),
 *    one entry per component folder's registration module.
 */
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { GetModuleInfo, Plugin, RollupOptions } from 'rollup';

const root = import.meta.dirname;
const SRC = join(root, 'sdk/src');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/**
 * The component folders: every `sdk/src/components/<name>/` holding a `<name>.ts`, the module that
 * registers `<sc-name>`. The one list the builds derive from (npm entries, chunk names) and that
 * `scripts/build/components.mjs` checks the loader and package.json against.
 */
export const componentFolders: string[] = readdirSync(join(SRC, 'components')).filter((name) =>
  existsSync(join(SRC, `components/${name}/${name}.ts`)),
);

/** Characters of content hash in a chunk's file name (`scripts/build/budgets.mjs` strips them). */
export const CHUNK_HASH_LENGTH = 6;

/** The component nearly every page shows: it rides in the `lit` chunk; it defines "first paint". */
export const FIRST_PAINT = 'share-button';

/** Packages bundled into the script-tag build, and their chunk. */
const VENDOR_CHUNKS: Record<string, string> = {
  lit: 'lit',
  'lit-html': 'lit',
  'lit-element': 'lit',
  '@lit/reactive-element': 'lit',
  uqr: 'qr',
};

/**
 * Modules outside the loader, first paint and the component folders, each with its chunk: loaded on
 * demand, or shared by several component chunks.
 */
const SHARED_CHUNKS: Record<string, string> = {
  // the share flow opens the sheet: one chunk, fetched on the first tap (prefetched on hover/focus)
  'internal/share-flow.ts': 'sc-share-sheet',
  // referral links and the copy-link + QR piece: used by the share sheet and the referrer dashboard
  'internal/share-links.ts': 'share-links',
  'internal/copy-link.ts': 'share-links',
  // `.sr-only`, kept out of first paint: the same two components use it
  'internal/sr-only.ts': 'share-links',
  'internal/qr.ts': 'qr',
  'internal/api-referrer.ts': 'api-referrer',
  'internal/i18n-discount.ts': 'i18n-discount',
  'loader/capture.ts': 'capture',
  'loader/consent.ts': 'consent',
};

/** A module and everything it imports statically (what loading it costs). */
function staticClosure(id: string, info: GetModuleInfo, seen = new Set<string>()): Set<string> {
  if (!seen.has(id)) {
    seen.add(id);
    for (const dep of info(id)?.importedIds ?? []) staticClosure(dep, info, seen);
  }
  return seen;
}

let graph: { info: GetModuleInfo; loader: Set<string>; firstPaint: Set<string> } | undefined;

/**
 * Chunk assignment of the script-tag build, by rule; the first that matches wins, and a module under
 * `sdk/src` (or a package) that matches none fails the build, so nothing is absorbed silently
 * (Rollup would otherwise pull a module into whichever manual chunk imports it first):
 * 1. `sharecart` — the loader: the entry and everything it imports statically (derived from the
 *    module graph: runtime state, storage, build constants, lazy loading). No Lit.
 * 2. `lit` — Lit, and the first-paint component's registration module with everything it imports
 *    statically (derived): the base class, events, i18n, shared styles, the API core, the share
 *    controller and the share button's class, styles and strings. One file instead of three saves
 *    bytes on every page with a component; the price is that the capture chunk (referral landings
 *    only) pulls it in too, after the page has loaded, and that loading the chunk defines
 *    `<sc-share-button>` whichever component asked for it (harmless: an element nobody uses).
 *    Lit's decorators are refused: components declare `static properties`.
 * 3. `sc-<folder>` — each component folder (its registration module, class, styles, strings); a
 *    module there that is only imported lazily (a locale table) is its own chunk. Adding a component
 *    folder needs no edit here.
 * 4. `SHARED_CHUNKS` — the modules named there; `VENDOR_CHUNKS` — the packages named there.
 */
function chunkOf(id: string, { getModuleInfo: info }: { getModuleInfo: GetModuleInfo }): string | undefined {
  if (graph?.info !== info) {
    graph = {
      info,
      loader: staticClosure(join(SRC, 'sharecart.ts'), info),
      firstPaint: staticClosure(join(SRC, `components/${FIRST_PAINT}/${FIRST_PAINT}.ts`), info),
    };
  }
  const path = id.replaceAll('\\', '/');
  const vendor = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (vendor) {
    const [, pkg, file] = vendor;
    if (/lit/.test(pkg) && /(^|\/)decorators\b/.test(file))
      throw new Error(
        `${pkg}/${file}: declare reactive properties with \`static properties\`, not decorators (see sdk/src/internal/base-element.ts)`,
      );
    if (VENDOR_CHUNKS[pkg]) return VENDOR_CHUNKS[pkg];
    throw new Error(`${pkg} is in no chunk of the script-tag build: add it to VENDOR_CHUNKS in rollup.config.ts`);
  }
  if (!path.startsWith(SRC.replaceAll('\\', '/') + '/')) return undefined; // Rollup's own helpers
  if (graph.loader.has(id)) return 'sharecart';
  if (graph.firstPaint.has(id)) return 'lit';
  const module = relative(SRC, id).replaceAll('\\', '/');
  const folder = /^components\/([\w-]+)\/([^/]+)$/.exec(module);
  if (folder) {
    const lazy = !info(id)?.importers.length && folder[2] != `${folder[1]}.ts`;
    return lazy ? basename(id, '.ts') : `sc-${folder[1]}`;
  }
  if (SHARED_CHUNKS[module]) return SHARED_CHUNKS[module];
  throw new Error(
    `sdk/src/${module} is in no chunk of the script-tag build. Put it in a component folder, import it from ` +
      `the first-paint component or the loader, or name its chunk in SHARED_CHUNKS in rollup.config.ts.`,
  );
}

/** `DEV_MODE` → false and the version from package.json, in `internal/env.ts` only. */
const env = (): Plugin =>
  replace({
    include: ['**/sdk/src/internal/env.ts'],
    preventAssignment: false,
    delimiters: ['', ''],
    values: { 'DEV_MODE = true': 'DEV_MODE = false', "'0.0.0-dev'": JSON.stringify(version) },
  });

/**
 * Minifies the static text of Lit's `css`, `html` and `svg` template literals, never an expression.
 * - markup: a run of whitespace with a line break disappears between two tags and before a tag's
 *   closing `>`, and elsewhere becomes one space;
 * - CSS: whitespace around punctuation, before `!important` and at the ends goes; `0.5rem` becomes
 *   `.5rem`; quotes around an identifier in an attribute selector (`[aria-busy='true']`) go.
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
        const quasis = n.quasi.quasis;
        for (const [i, q] of quasis.entries()) {
          const raw: string = code.slice(q.start, q.end);
          let min = isCss
            ? raw
                .replace(/\s+/g, ' ')
                .replace(/\s*([{};,])\s*/g, '$1')
                .replace(/:\s+/g, ':')
                .replace(/;}/g, '}')
                .replace(/\s+!important/g, '!important')
                .replace(/([\s:(,/])0\.(\d)/g, '$1.$2')
                .replace(/\[([\w-]+)=(['"])([A-Za-z_][\w-]*)\2\]/g, '[$1=$3]')
            : raw
                .replace(/\s*\n\s*>/g, '>')
                .replace(/>\s*\n\s*</g, '><')
                .replace(/\s*\n\s*/g, ' ');
          if (isCss && i == 0) min = min.trimStart();
          if (isCss && i == quasis.length - 1) min = min.trimEnd();
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

/**
 * Code in Lit's production build that the script-tag build never runs, cut out of it by
 * `trimLit()` (about 370 B gzip of every first paint). Each cut is an exact piece of Lit's published,
 * minified module (lit is pinned in package-lock.json); a piece that is not there exactly once (a
 * Lit upgrade) fails the build, to be checked against the new release rather than shipped blind.
 * - the hooks of Lit's ShadyDOM/ShadyCSS polyfill support (`lit/polyfill-support.js`, for browsers
 *   without Shadow DOM, none of which runs this ES2021 module build) and of SSR hydration
 *   (`@lit-labs/ssr-client`: our components are never server-rendered, and a shop's hydration
 *   support would otherwise patch our LitElement too), and the `globalThis.lit*Versions` lists that
 *   only Lit's development builds read;
 * - what only decorators use (`addInitializer`, `Symbol.metadata`, `litPropertyMetadata`): the build
 *   refuses decorators (`chunkOf`), so no class of ours has any; a page that subclasses a script-tag
 *   element does so without a build step (examples/extend/gift-share-button.js), so with `static
 *   properties` too — code with a build step uses the npm package and its own, whole Lit;
 * - the long explanations in two `css` errors, shortened: both still throw.
 * The npm build leaves lit external, untouched.
 */
const LIT_UNUSED: Array<{ module: string; find: string; replace?: string }> = [
  {
    module: '@lit/reactive-element/css-tag.js',
    find: '"CSSResult is not constructable. Use `unsafeCSS` or `css` instead."',
    replace: '"CSSResult is not constructable"',
  },
  {
    module: '@lit/reactive-element/css-tag.js',
    find: `"Value passed to 'css' function must be a 'css' function result: "+t+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security."`,
    replace: `"css: not a css result: "+t`,
  },
  { module: '@lit/reactive-element/css-tag.js', find: '(void 0===t.ShadyCSS||t.ShadyCSS.nativeShadow)&&' },
  { module: '@lit/reactive-element/reactive-element.js', find: ',p=a.reactiveElementPolyfillSupport' },
  {
    module: '@lit/reactive-element/reactive-element.js',
    find: ',p?.({ReactiveElement:y}),(a.reactiveElementVersions??=[]).push("2.1.2")',
  },
  {
    module: '@lit/reactive-element/reactive-element.js',
    find: 'Symbol.metadata??=Symbol("metadata"),a.litPropertyMetadata??=new WeakMap;',
  },
  { module: '@lit/reactive-element/reactive-element.js', find: 'static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}' },
  { module: '@lit/reactive-element/reactive-element.js', find: ',void 0!==t.l&&(this.l=[...t.l])' },
  { module: '@lit/reactive-element/reactive-element.js', find: ',this.constructor.l?.forEach(t=>t(this))' },
  {
    module: '@lit/reactive-element/reactive-element.js',
    find: 'const t=this[Symbol.metadata];if(null!==t){const s=litPropertyMetadata.get(t);if(void 0!==s)for(const[t,i]of s)this.elementProperties.set(t,i)}',
  },
  { module: 'lit-html/lit-html.js', find: ',B=t.litHtmlPolyfillSupport;B?.(S,k),(t.litHtmlVersions??=[]).push("3.3.3")' },
  {
    module: 'lit-element/lit-element.js',
    find: ',s.litElementHydrateSupport?.({LitElement:i});const o=s.litElementPolyfillSupport;o?.({LitElement:i})',
  },
  { module: 'lit-element/lit-element.js', find: '(s.litElementVersions??=[]).push("4.2.2");' },
];

const trimLit = (): Plugin => {
  const applied = new Set<number>();
  return {
    name: 'sc-trim-lit',
    buildStart: () => applied.clear(),
    transform(code, id) {
      const path = id.replaceAll('\\', '/');
      let out = code;
      for (const [i, cut] of LIT_UNUSED.entries()) {
        if (!path.endsWith(`/node_modules/${cut.module}`)) continue;
        if (out.split(cut.find).length != 2)
          this.error(`${cut.module} changed (a Lit upgrade?): LIT_UNUSED in rollup.config.ts expects ${cut.find} once`);
        out = out.replace(cut.find, () => cut.replace ?? '');
        applied.add(i);
      }
      return out == code ? null : { code: out, map: null };
    },
    buildEnd(error) {
      const missed = LIT_UNUSED.filter((_, i) => !applied.has(i)).map((c) => c.module);
      if (!error && missed.length)
        this.error(`LIT_UNUSED in rollup.config.ts: not bundled any more: ${[...new Set(missed)].join(', ')}`);
    },
  };
};

const ts = (outDir: string) =>
  typescript({
    tsconfig: join(root, 'tsconfig.json'),
    exclude: ['**/*.test.ts', join(root, 'sdk/src/test/**')],
    compilerOptions: { noEmit: false, declaration: false, outDir, sourceMap: false },
    noEmitOnError: false,
  });

export const scriptTag: RollupOptions = {
  input: { sharecart: 'sdk/src/sharecart.ts' },
  output: {
    dir: 'dist/public/sdk',
    format: 'es',
    entryFileNames: '[name].js',
    // 6 characters of content hash (36 bits: two versions of one chunk never share a name in
    // practice): the loader and the lit chunk name every chunk they import, and each hash character
    // is incompressible first-paint bytes (8 → 6 saves about 26 B gzip)
    chunkFileNames: `chunks/[name]-[hash:${CHUNK_HASH_LENGTH}].js`,
    manualChunks: chunkOf,
    // the namespace object a dynamic import of a module inside a shared chunk resolves to: a plain object
    generatedCode: { preset: 'es2015', symbols: false },
    freeze: false,
  },
  preserveEntrySignatures: 'allow-extension',
  plugins: [
    nodeResolve({ browser: true }),
    ts('dist/public/sdk'),
    env(),
    minifyTemplates(),
    trimLit(),
    terser({
      ecma: 2020,
      module: true,
      // keep_fargs: nothing in the SDK or Lit reads a function's `length`
      compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true, keep_fargs: false },
      format: { comments: false },
    }),
  ],
};

/** A `.css` file imported as a string (uPlot's stylesheet, adopted by the funnel view's shadow root). */
const cssText = (): Plugin => ({
  name: 'sc-css-text',
  transform(code, id) {
    if (!id.endsWith('.css')) return null;
    return { code: `export default ${JSON.stringify(code.replace(/\s+/g, ' ').trim())};`, map: null };
  },
});

/**
 * The shop dashboard (`sdk/src/dashboard`, served at `/dashboard/`): its own bundle with its own
 * copy of Lit and with uPlot, outside the widgets' size budgets and never loaded by a shop page;
 * each view is a lazy chunk (the funnel's, with uPlot, only when the funnel is shown).
 */
export const dashboard: RollupOptions = {
  input: { dashboard: 'sdk/src/dashboard/dashboard.ts' },
  output: {
    dir: 'dist/public/dashboard',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
  },
  preserveEntrySignatures: 'allow-extension',
  plugins: [
    nodeResolve({ browser: true }),
    cssText(),
    ts('dist/public/dashboard'),
    env(),
    minifyTemplates(),
    terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } }),
  ],
};

/**
 * The npm build's entries: the side-effect-free index, the loader, each tag's registration module,
 * and `sharecart/webhooks` (verifyWebhook, for shops' servers: no Lit, no DOM).
 */
export const npm: RollupOptions = {
  input: [
    'sdk/src/index.ts',
    'sdk/src/sharecart.ts',
    'sdk/src/webhooks/verify-webhook.ts',
    ...componentFolders.map((name) => `sdk/src/components/${name}/${name}.ts`),
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

export default [scriptTag, npm, dashboard];
