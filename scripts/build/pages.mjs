// What the worker serves besides the API and the SDK: the static-asset headers, the demo shop and
// the extension example (examples/shop, examples/extend → dist/public/shop, /extend, their shared
// header and footer expanded), and the start page at `/` (examples/index.html, index.css).
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC, ROOT, step } from './shared.mjs';

/** Headers of the worker's static assets: the SDK is loaded cross-origin as modules. */
export function writeHeaders() {
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

/dashboard/*
  Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'
  X-Frame-Options: DENY
  Referrer-Policy: no-referrer
  X-Content-Type-Options: nosniff
  Cache-Control: no-cache

/dashboard/chunks/*
  Cache-Control: public, max-age=31536000, immutable
`,
  );
}

/** The demo shop, the extension example and the start page, each when present. */
export function copyPages() {
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
  for (const file of ['index.html', 'index.css']) {
    if (!existsSync(join(ROOT, 'examples', file))) continue;
    step(`examples/${file} → dist/public/${file}`);
    cpSync(join(ROOT, 'examples', file), join(PUBLIC, file));
  }
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

/** The dashboard's page and its stylesheet (sdk/src/dashboard) beside its bundle in dist/public/dashboard. */
export function copyDashboardPage() {
  for (const file of ['index.html', 'dashboard.css'])
    cpSync(join(ROOT, 'sdk/src/dashboard', file), join(PUBLIC, 'dashboard', file));
}
