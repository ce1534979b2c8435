#!/usr/bin/env node
// `npm run build`: the SDK's script-tag and npm builds (rollup.config.ts), their type declarations,
// custom-elements.json, the static-asset headers, the start page (/) and the demo pages copied into
// dist/public, and the size check: gzip sizes go to dist/sizes.json and a budget overrun fails the build.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { tsImport } from 'tsx/esm/api';

const ROOT = resolve(import.meta.dirname, '..');
const PUBLIC = join(ROOT, 'dist/public');
const SDK_OUT = join(PUBLIC, 'sdk');
const NPM_OUT = join(ROOT, 'sdk/dist/npm');
const TYPES_TMP = join(ROOT, 'sdk/dist/.types');

/** Budgets in gzip bytes (issue 3 §5). */
export const BUDGETS = { loader: 2048, first_paint: 10240, chunk: 6144 };

const bin = (name) => join(ROOT, 'node_modules/.bin', name);
const step = (what) => console.log(`build: ${what}`);
process.chdir(ROOT);

const { scriptTag, npm } = await tsImport('../rollup.config.ts', import.meta.url);

async function build(options) {
  const bundle = await rollup({ ...options, onwarn: (w, warn) => (w.code === 'CIRCULAR_DEPENDENCY' ? null : warn(w)) });
  try {
    const { output } = await bundle.write(options.output);
    return output;
  } finally {
    await bundle.close();
  }
}

// 1. Script-tag build.
step('script-tag bundle → dist/public/sdk');
rmSync(SDK_OUT, { recursive: true, force: true });
const output = await build(scriptTag);

// 2. npm build and declarations.
step('npm package → sdk/dist/npm');
rmSync(NPM_OUT, { recursive: true, force: true });
await build(npm);
rmSync(TYPES_TMP, { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'sdk/tsconfig.build.json'], { stdio: 'inherit' });
cpSync(join(TYPES_TMP, 'sdk/src'), NPM_OUT, { recursive: true });
// sdk/src/wire.ts re-exports the worker's types: ship them beside the SDK's declarations.
cpSync(join(TYPES_TMP, 'worker/src/wire.d.ts'), join(NPM_OUT, 'wire-types.d.ts'));
writeFileSync(join(NPM_OUT, 'wire.d.ts'), "export type * from './wire-types.js';\n");
rmSync(TYPES_TMP, { recursive: true, force: true });

// 3. custom-elements.json from the JSDoc.
step('custom-elements.json');
execFileSync(bin('custom-elements-manifest'), ['analyze', '--config', 'custom-elements-manifest.config.mjs'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

// 4. Static headers for the worker's assets: the SDK is loaded cross-origin as modules.
writeFileSync(
  join(PUBLIC, '_headers'),
  `/sdk/*
  Access-Control-Allow-Origin: *
  Cross-Origin-Resource-Policy: cross-origin
  X-Content-Type-Options: nosniff

/sdk/sharecart.js
  Cache-Control: public, max-age=300, stale-while-revalidate=86400

/sdk/chunks/*
  Cache-Control: public, max-age=31536000, immutable
`,
);

// 5. The demo shop and the extension example, when present.
for (const [from, to] of [
  ['examples/shop', 'shop'],
  ['examples/extend', 'extend'],
]) {
  if (!existsSync(join(ROOT, from))) continue;
  step(`${from} → dist/public/${to}`);
  rmSync(join(PUBLIC, to), { recursive: true, force: true });
  cpSync(join(ROOT, from), join(PUBLIC, to), { recursive: true, filter: (src) => !src.includes('/partials') });
  expandIncludes(join(ROOT, from), join(PUBLIC, to));
}

/**
 * Static pages share their header and footer through `<!-- #include partials/x.html -->` lines,
 * expanded here (indented like the marker) so the served pages are plain HTML.
 */
function expandIncludes(sourceDir, outDir) {
  for (const name of readdirSync(outDir).filter((f) => f.endsWith('.html'))) {
    const file = join(outDir, name);
    const html = readFileSync(file, 'utf8').replace(/^([ \t]*)<!-- #include ([\w./-]+) -->$/gm, (_, indent, part) =>
      readFileSync(join(sourceDir, part), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => (line ? indent + line : line))
        .join('\n'),
    );
    writeFileSync(file, html);
  }
}

// 6. The start page at `/` (the worker's own front door: links to the shop, the docs and the API).
for (const file of ['index.html', 'index.css']) {
  if (!existsSync(join(ROOT, 'examples', file))) continue;
  step(`examples/${file} → dist/public/${file}`);
  cpSync(join(ROOT, 'examples', file), join(PUBLIC, file));
}

// 7. Sizes and budgets.
const chunks = new Map(output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
const gz = (file) => gzipSync(readFileSync(join(SDK_OUT, file)), { level: 9 }).length;
const raw = (file) => readFileSync(join(SDK_OUT, file)).length;
/** A chunk and everything it imports statically: what loading it costs. */
const closure = (file, seen = new Set()) => {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const dep of chunks.get(file).imports) closure(dep, seen);
  return seen;
};
const byModule = (suffix) => [...chunks.values()].find((c) => c.facadeModuleId?.replaceAll('\\', '/').endsWith(suffix))?.fileName;
const loaderFile = 'sharecart.js';
const buttonFile = byModule('components/share-button/share-button.ts');
const firstPaint = [...closure(buttonFile, closure(loaderFile))];
// dist/sizes.json: flat numbers the bench copies into bench/results.json as `sdk.<key>` and
// `sdk.chunks.<name>.gzip_bytes`, plus the files behind each number.
const loader = { file: loaderFile, bytes: raw(loaderFile), gzip_bytes: gz(loaderFile) };
const firstPaintGzip = firstPaint.reduce((n, f) => n + gz(f), 0);
const chunkSizes = {};
const files = {};
for (const [file] of chunks) {
  if (file === loaderFile) continue;
  const name = file.replace(/^chunks\//, '').replace(/-[\w-]{8}\.js$/, '');
  chunkSizes[name] = gz(file);
  files[name] = { file, bytes: raw(file), gzip_bytes: gz(file), first_paint: firstPaint.includes(file) };
}
const sizes = {
  'loader.gzip_bytes': loader.gzip_bytes,
  'first_paint.gzip_bytes': firstPaintGzip,
  chunks: chunkSizes,
  version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
  budgets: BUDGETS,
  files: { loader, first_paint: firstPaint, chunks: files },
};
mkdirSync(join(ROOT, 'dist'), { recursive: true });
writeFileSync(join(ROOT, 'dist/sizes.json'), JSON.stringify(sizes, null, 2) + '\n');

const over = [];
if (loader.gzip_bytes > BUDGETS.loader) over.push(`loader ${loader.gzip_bytes} B > ${BUDGETS.loader} B`);
if (firstPaintGzip > BUDGETS.first_paint)
  over.push(`first paint (${firstPaint.join(' + ')}) ${firstPaintGzip} B > ${BUDGETS.first_paint} B`);
for (const [name, c] of Object.entries(files)) {
  if (!c.first_paint && c.gzip_bytes > BUDGETS.chunk) over.push(`chunk ${name} ${c.gzip_bytes} B > ${BUDGETS.chunk} B`);
}
const table = [
  ['loader', loader.gzip_bytes],
  ['first paint', firstPaintGzip],
  ...Object.entries(files).map(([n, c]) => [`  ${n}${c.first_paint ? ' (first paint)' : ''}`, c.gzip_bytes]),
];
for (const [n, b] of table) console.log(`size: ${n.padEnd(24)} ${String(b).padStart(6)} B gzip`);
if (over.length) {
  console.error(`\nbuild: SIZE BUDGET EXCEEDED (gzip):\n  ${over.join('\n  ')}\nSee dist/sizes.json.`);
  process.exit(1);
}
step('done');
