// @custom-elements-manifest/analyzer config: custom-elements.json (named in package.json's
// `customElements`) from the JSDoc on each component class (@tagname @summary @event @slot @csspart
// @cssproperty @dependency). Run by scripts/build.mjs.
export default {
  globs: ['sdk/src/components/**/*.component.ts'],
  exclude: ['**/*.test.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
