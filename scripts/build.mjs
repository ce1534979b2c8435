#!/usr/bin/env node
// `npm run build`: the SDK's builds and what the worker serves, one job per module in scripts/build/:
//   components.mjs  the component folders agree with the loader, the npm entry and package.json
//   bundle.mjs      the script-tag and npm builds (rollup.config.ts)
//   types.mjs       the npm package's type declarations
//   manifest.mjs    custom-elements.json from the JSDoc
//   pages.mjs       the static-asset headers, the demo pages, the dashboard page and the start page (/) in dist/public
//   budgets.mjs     gzip sizes to dist/sizes.json; a budget overrun fails the build
import { tsImport } from 'tsx/esm/api';
import { overBudget, measureSizes } from './build/budgets.mjs';
import { bundle } from './build/bundle.mjs';
import { componentProblems } from './build/components.mjs';
import { manifest } from './build/manifest.mjs';
import { copyDashboardPage, copyPages, writeHeaders } from './build/pages.mjs';
import { ROOT, step } from './build/shared.mjs';
import { npmTypes } from './build/types.mjs';

process.chdir(ROOT);
const { scriptTag, npm, dashboard, componentFolders, FIRST_PAINT } = await tsImport('../rollup.config.ts', import.meta.url);

const problems = componentProblems(componentFolders);
if (problems.length) {
  console.error(`build: the component folders and what names them disagree:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}

step('script-tag bundle → dist/public/sdk');
const output = await bundle(scriptTag);

step('npm package → sdk/dist/npm');
await bundle(npm);
npmTypes();

step('shop dashboard → dist/public/dashboard (outside the widget budgets)');
await bundle(dashboard);
copyDashboardPage();

step('custom-elements.json');
manifest();

writeHeaders();
copyPages();

const over = overBudget(measureSizes(output, `components/${FIRST_PAINT}/${FIRST_PAINT}.ts`));
if (over.length) {
  console.error(`\nbuild: SIZE BUDGET EXCEEDED (gzip):\n  ${over.join('\n  ')}\nSee dist/sizes.json.`);
  process.exit(1);
}
step('done');
