// The npm package's type declarations: `tsc -p sdk/tsconfig.build.json` into a scratch directory,
// copied beside the modules in sdk/dist/npm. sdk/src/wire.ts re-exports the worker's wire types, so
// their declarations ship too (as wire-types.d.ts, with wire.d.ts pointing at them).
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { bin, NPM_OUT, ROOT } from './shared.mjs';

const TYPES_TMP = join(ROOT, 'sdk/dist/.types'); // `declarationDir` in sdk/tsconfig.build.json

export function npmTypes() {
  rmSync(TYPES_TMP, { recursive: true, force: true });
  execFileSync(bin('tsc'), ['-p', 'sdk/tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  cpSync(join(TYPES_TMP, 'sdk/src'), NPM_OUT, { recursive: true });
  cpSync(join(TYPES_TMP, 'worker/src/wire.d.ts'), join(NPM_OUT, 'wire-types.d.ts'));
  writeFileSync(join(NPM_OUT, 'wire.d.ts'), "export type * from './wire-types.js';\n");
  rmSync(TYPES_TMP, { recursive: true, force: true });
}
