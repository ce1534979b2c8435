// custom-elements.json (package.json's `customElements`) from the JSDoc on each component class,
// by @custom-elements-manifest/analyzer with custom-elements-manifest.config.mjs.
import { execFileSync } from 'node:child_process';
import { bin, ROOT } from './shared.mjs';

export function manifest() {
  execFileSync(bin('custom-elements-manifest'), ['analyze', '--config', 'custom-elements-manifest.config.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
