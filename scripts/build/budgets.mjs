// Sizes and budgets of the script-tag build: gzip -9 of each file, "first paint" (the loader plus the
// first-paint component's chunk, with everything they import statically), written to dist/sizes.json
// and printed one line each; a budget overrun is returned for the build to fail on.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, SDK_OUT } from './shared.mjs';

/** Budgets in gzip bytes (issue 3 §5). */
export const BUDGETS = { loader: 2048, first_paint: 10240, chunk: 6144 };

const LOADER = 'sharecart.js';

/**
 * Measures the script-tag build and writes dist/sizes.json: flat numbers the bench copies into
 * bench/results.json as `sdk.<key>` and `sdk.chunks.<name>.gzip_bytes`, plus the files behind each
 * number. `firstPaintModule`: the registration module whose chunk is on nearly every page.
 * @param {import('rollup').RollupOutput['output']} output
 * @param {string} firstPaintModule e.g. `components/share-button/share-button.ts`
 */
export function measureSizes(output, firstPaintModule) {
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
  const firstPaintFile = [...chunks.values()].find((c) =>
    c.facadeModuleId?.replaceAll('\\', '/').endsWith(firstPaintModule),
  )?.fileName;
  if (!firstPaintFile) throw new Error(`no chunk of the script-tag build loads ${firstPaintModule}`);
  const firstPaint = [...closure(firstPaintFile, closure(LOADER))];
  const loader = { file: LOADER, bytes: raw(LOADER), gzip_bytes: gz(LOADER) };
  const firstPaintGzip = firstPaint.reduce((n, f) => n + gz(f), 0);
  const chunkSizes = {};
  const files = {};
  for (const [file] of chunks) {
    if (file === LOADER) continue;
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

  const table = [
    ['loader', loader.gzip_bytes],
    ['first paint', firstPaintGzip],
    ...Object.entries(files).map(([n, c]) => [`  ${n}${c.first_paint ? ' (first paint)' : ''}`, c.gzip_bytes]),
  ];
  for (const [n, b] of table) console.log(`size: ${n.padEnd(24)} ${String(b).padStart(6)} B gzip`);
  return sizes;
}

/** The budgets `sizes` exceeds, one line each (empty when within budget). */
export function overBudget(sizes) {
  const { loader, first_paint: firstPaint, chunks } = sizes.files;
  const firstPaintGzip = sizes['first_paint.gzip_bytes'];
  const over = [];
  if (loader.gzip_bytes > BUDGETS.loader) over.push(`loader ${loader.gzip_bytes} B > ${BUDGETS.loader} B`);
  if (firstPaintGzip > BUDGETS.first_paint)
    over.push(`first paint (${firstPaint.join(' + ')}) ${firstPaintGzip} B > ${BUDGETS.first_paint} B`);
  for (const [name, c] of Object.entries(chunks)) {
    if (!c.first_paint && c.gzip_bytes > BUDGETS.chunk) over.push(`chunk ${name} ${c.gzip_bytes} B > ${BUDGETS.chunk} B`);
  }
  return over;
}
