// What every build job shares: where things are, and the `build: …` console line.
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The worker's static assets: the script-tag SDK, the start page, the demo pages, `_headers`. */
export const PUBLIC = join(ROOT, 'dist/public');
/** The script-tag build: `sharecart.js` and `chunks/`. */
export const SDK_OUT = join(PUBLIC, 'sdk');
/** The npm package's modules and declarations. */
export const NPM_OUT = join(ROOT, 'sdk/dist/npm');

/** A tool installed in node_modules/.bin. */
export const bin = (name) => join(ROOT, 'node_modules/.bin', name);

/** One line per step of the build, e.g. `build: custom-elements.json`. */
export const step = (what) => console.log(`build: ${what}`);
