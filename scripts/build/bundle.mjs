// Runs one of rollup.config.ts's builds (the script-tag build, the npm build) into its emptied
// output directory; resolves with Rollup's output (chunks and assets) for the size check.
import { rmSync } from 'node:fs';
import { rollup } from 'rollup';

/** @param {import('rollup').RollupOptions & { output: import('rollup').OutputOptions }} options */
export async function bundle(options) {
  rmSync(options.output.dir, { recursive: true, force: true });
  const build = await rollup({ ...options, onwarn: (w, warn) => (w.code === 'CIRCULAR_DEPENDENCY' ? null : warn(w)) });
  try {
    const { output } = await build.write(options.output);
    return output;
  } finally {
    await build.close();
  }
}
