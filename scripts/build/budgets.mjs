// Sizes and budgets of the script-tag build: gzip -9 of each file, "first paint" (the loader plus the
// chunk that holds the first-paint component, with everything they import statically), written to
// dist/sizes.json and printed one line each; a budget overrun is returned for the build to fail on.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, SDK_OUT } from './shared.mjs';

/** Budgets in gzip bytes (issue 3 §5): the loader, and every chunk outside first paint. */
export const BUDGETS = { loader: 2048, chunk: 6144 };

/** First paint's budget while the bench has not recorded shareon's size (issue 10). */
export const FIRST_PAINT_FALLBACK = 9600;

/**
 * First paint's budget (issue 10): no larger than shareon (its IIFE JS + CSS, gzip -9) as the last
 * bench recorded it, `peers.shareon.gzip_bytes` in bench/results.json; `FIRST_PAINT_FALLBACK`
 * when the bench has not run.
 * @returns {{ bytes: number, from: string }}
 */
export function firstPaintBudget(resultsFile = join(ROOT, 'bench/results.json')) {
  const shareon = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8'))['peers.shareon.gzip_bytes'] : null;
  return shareon > 0
    ? { bytes: shareon, from: 'shareon’s size, peers.shareon.gzip_bytes in bench/results.json' }
    : { bytes: FIRST_PAINT_FALLBACK, from: 'the fixed budget: bench/results.json has no peers.shareon.gzip_bytes yet' };
}

/**
 * First paint over shareon's size, to 3 decimals — the bench's `sdk.first_paint.ratio_to_shareon`
 * (the goal is ≤ 1) — or null when either size is unknown.
 * @example firstPaintRatio(9638, 9686) // 0.995
 * @param {number | null | undefined} firstPaintBytes `first_paint.gzip_bytes` of dist/sizes.json
 * @param {number | null | undefined} shareonBytes `peers.shareon.gzip_bytes` of the same bench run
 */
export function firstPaintRatio(firstPaintBytes, shareonBytes) {
  return firstPaintBytes > 0 && shareonBytes > 0 ? Math.round((1000 * firstPaintBytes) / shareonBytes) / 1000 : null;
}

const LOADER = 'sharecart.js';

/**
 * Measures the script-tag build and writes dist/sizes.json: flat numbers the bench copies into
 * bench/results.json as `sdk.<key>` and `sdk.chunks.<name>.gzip_bytes`, plus the files behind each
 * number. `firstPaintModule`: the registration module whose chunk is on nearly every page.
 * @param {import('rollup').RollupOutput['output']} output
 * @param {string} firstPaintModule e.g. `components/share-button/share-button.ts`
 * @param {{ bytes: number, from: string }} firstPaintBudgeted first paint's budget (default `firstPaintBudget()`)
 */
export function measureSizes(output, firstPaintModule, firstPaintBudgeted = firstPaintBudget()) {
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
    c.moduleIds.some((id) => id.replaceAll('\\', '/').endsWith(firstPaintModule)),
  )?.fileName;
  if (!firstPaintFile) throw new Error(`no chunk of the script-tag build loads ${firstPaintModule}`);
  const firstPaint = [...closure(firstPaintFile, closure(LOADER))];
  const loader = { file: LOADER, bytes: raw(LOADER), gzip_bytes: gz(LOADER) };
  const firstPaintGzip = firstPaint.reduce((n, f) => n + gz(f), 0);
  const chunkSizes = {};
  const files = {};
  for (const [file] of chunks) {
    if (file === LOADER) continue;
    const name = file.replace(/^chunks\//, '').replace(/-[\w-]{6}\.js$/, ''); // CHUNK_HASH_LENGTH in rollup.config.ts
    chunkSizes[name] = gz(file);
    files[name] = { file, bytes: raw(file), gzip_bytes: gz(file), first_paint: firstPaint.includes(file) };
  }
  const sizes = {
    'loader.gzip_bytes': loader.gzip_bytes,
    'first_paint.gzip_bytes': firstPaintGzip,
    chunks: chunkSizes,
    version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    budgets: { ...BUDGETS, first_paint: firstPaintBudgeted.bytes, first_paint_from: firstPaintBudgeted.from },
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

/** The budgets `sizes` (from `measureSizes()`) exceeds, one line each (empty when within budget). */
export function overBudget(sizes) {
  const { loader, first_paint: firstPaint, chunks } = sizes.files;
  const budgets = sizes.budgets;
  const firstPaintGzip = sizes['first_paint.gzip_bytes'];
  const over = [];
  if (loader.gzip_bytes > budgets.loader) over.push(`loader ${loader.gzip_bytes} B > ${budgets.loader} B`);
  if (firstPaintGzip > budgets.first_paint)
    over.push(
      `first paint (${firstPaint.join(' + ')}) ${firstPaintGzip} B > ${budgets.first_paint} B (${budgets.first_paint_from}); ` +
        `move what the share button's first render does not need into a lazy chunk (sdk/README.md, "Build and size budgets")`,
    );
  for (const [name, c] of Object.entries(chunks)) {
    if (!c.first_paint && c.gzip_bytes > budgets.chunk) over.push(`chunk ${name} ${c.gzip_bytes} B > ${budgets.chunk} B`);
  }
  return over;
}
