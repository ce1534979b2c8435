// The npm package's type declarations: `tsc -p sdk/tsconfig.build.json` into a scratch directory,
// copied beside the modules in sdk/dist/npm. The API's wire types are sdk/src/api-types.ts (generated
// by `npm run contract` from the worker's OpenAPI document), so they ship like any other module.
import { cpSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { bin, NPM_OUT, ROOT } from './shared.mjs';

const TYPES_TMP = join(ROOT, 'sdk/dist/.types'); // `declarationDir` in sdk/tsconfig.build.json

export function npmTypes() {
  rmSync(TYPES_TMP, { recursive: true, force: true });
  execFileSync(bin('tsc'), ['-p', 'sdk/tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  cpSync(join(TYPES_TMP, 'sdk/src'), NPM_OUT, { recursive: true });
  rmSync(TYPES_TMP, { recursive: true, force: true });
}
