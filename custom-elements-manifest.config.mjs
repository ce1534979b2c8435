// @custom-elements-manifest/analyzer config: custom-elements.json (named in package.json's
// `customElements`) from the JSDoc on each component class (@tagname @summary @event @slot @csspart
// @cssproperty @dependency). Run by scripts/build.mjs.

/** `static properties` entries with `state: true` are internal: drop them from attributes/fields. */
const dropInternalState = () => ({
  name: 'sharecart-drop-internal-state',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules) {
      for (const decl of mod.declarations ?? []) {
        const hidden = new Set(
          (decl.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected').map((m) => m.name),
        );
        if (decl.attributes) decl.attributes = decl.attributes.filter((a) => !hidden.has(a.fieldName ?? a.name));
        if (decl.members) decl.members = decl.members.filter((m) => m.name !== 'properties' && m.name !== 'styles');
      }
    }
  },
});

export default {
  globs: ['sdk/src/components/**/*.component.ts', 'sdk/src/internal/base-element.ts'],
  exclude: ['**/*.test.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [dropInternalState()],
};
