// A component is registered by its folder: `sdk/src/components/<name>/` with `<name>.component.ts`
// (the class) and `<name>.ts` (registers `<sc-name>`). The builds derive from the folders (npm
// entries, chunk names: rollup.config.ts); what cannot be derived is checked against them here,
// before bundling, and every disagreement fails the build with the line to write:
// - the loader's `COMPONENTS` (sdk/src/loader/components.ts): one line per folder, except a folder
//   that another component names as its `@dependency` and opens itself (the share sheet);
// - the npm entry (sdk/src/index.ts) exports the folder's class;
// - package.json: `exports['./<name>']` and `sideEffects` name the registration module (npm reads
//   package.json as committed, so it stays a static file).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './shared.mjs';

const read = (file) => readFileSync(join(ROOT, file), 'utf8');
const npmModule = (name, ext) => `./sdk/dist/npm/components/${name}/${name}.${ext}`;
const COMPONENT_MODULE = /^\.\/sdk\/dist\/npm\/components\/([\w-]+)\/\1\.js$/;

/**
 * What disagrees with the component folders, one message each (empty when all agree).
 * @param {string[]} folders the component folders (rollup.config.ts's `componentFolders`)
 */
export function componentProblems(folders) {
  const problems = [];
  const have = new Set(folders);
  const dependencies = new Set();
  /** Folder → the name of the class its `.component.ts` exports. */
  const classes = new Map();

  for (const name of folders) {
    const dir = `sdk/src/components/${name}`;
    const tag = `sc-${name}`;
    if (!existsSync(join(ROOT, dir, `${name}.component.ts`))) {
      problems.push(`${dir}/${name}.component.ts is missing: the class goes there, the registration in ${name}.ts`);
      continue;
    }
    const registration = read(`${dir}/${name}.ts`);
    if (!registration.includes(`.define('${tag}')`) || !registration.includes(`'${tag}':`))
      problems.push(`${dir}/${name}.ts must register <${tag}>: \`X.define('${tag}')\` and '${tag}' in HTMLElementTagNameMap`);
    const component = read(`${dir}/${name}.component.ts`);
    classes.set(name, /export class (\w+)/.exec(component)?.[1] ?? '…');
    for (const [, dep] of component.matchAll(/@dependency\s+sc-([\w-]+)/g)) dependencies.add(dep);
  }

  // The loader's lazy-loading list.
  const loaderFile = 'sdk/src/loader/components.ts';
  const loaded = new Map();
  for (const [line, tag, dir, file] of read(loaderFile).matchAll(
    /'sc-([\w-]+)':\s*\(\)\s*=>\s*import\('\.\.\/components\/([\w-]+)\/([\w-]+)\.js'\)/g,
  )) {
    if (dir != tag || file != tag) problems.push(`${loaderFile}: ${line} should import ../components/${tag}/${tag}.js`);
    loaded.set(tag, line);
  }
  for (const tag of loaded.keys())
    if (!have.has(tag)) problems.push(`${loaderFile} lazy-loads <sc-${tag}>, which has no folder sdk/src/components/${tag}/`);
  for (const name of folders)
    if (!loaded.has(name) && !dependencies.has(name))
      problems.push(
        `${loaderFile} has no line for <sc-${name}>; add to COMPONENTS:\n    'sc-${name}': () => import('../components/${name}/${name}.js'),`,
      );

  // The npm entry.
  const index = read('sdk/src/index.ts');
  for (const name of classes.keys())
    if (!index.includes(`from './components/${name}/${name}.component.js'`))
      problems.push(
        `sdk/src/index.ts does not export the class of <sc-${name}>; add:\n    export { ${classes.get(name)} } from './components/${name}/${name}.component.js';`,
      );

  // package.json.
  const pkg = JSON.parse(read('package.json'));
  for (const name of folders) {
    const entry = pkg.exports?.[`./${name}`];
    const want = { types: npmModule(name, 'd.ts'), import: npmModule(name, 'js') };
    if (JSON.stringify(entry) != JSON.stringify(want))
      problems.push(`package.json "exports" needs:\n    "./${name}": ${JSON.stringify(want)}`);
    if (!pkg.sideEffects?.includes(npmModule(name, 'js')))
      problems.push(`package.json "sideEffects" needs "${npmModule(name, 'js')}"`);
  }
  for (const [key, entry] of Object.entries(pkg.exports ?? {})) {
    const name = COMPONENT_MODULE.exec(entry?.import ?? '')?.[1];
    if (name && !have.has(name)) problems.push(`package.json "exports" has "${key}" for a component with no folder`);
  }
  for (const file of pkg.sideEffects ?? []) {
    const name = COMPONENT_MODULE.exec(file)?.[1];
    if (name && !have.has(name)) problems.push(`package.json "sideEffects" has "${file}" for a component with no folder`);
  }
  return problems;
}
