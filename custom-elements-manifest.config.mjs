// @custom-elements-manifest/analyzer config: custom-elements.json (named in package.json's
// `customElements`) from the JSDoc on each component class (@tagname @summary @event @slot @csspart
// @cssproperty @dependency). Run by scripts/build/manifest.mjs.

/**
 * Internal reactive state is not API. The analyzer's Lit support reads every `static properties`
 * entry as an attribute, `state: true` ones included; this plugin drops, per class, the attributes of
 * `state: true` entries and of private or protected fields, takes the `attribute` off those fields,
 * and hides the `properties` and `styles` statics.
 */
const dropInternalState = () => {
  /** Class name → names of its `static properties` entries with `state: true`. */
  const stateByClass = new Map();
  return {
    name: 'sharecart-drop-internal-state',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
        if (!isStatic || !ts.isPropertyDeclaration(member) || member.name.getText() !== 'properties') continue;
        if (!member.initializer || !ts.isObjectLiteralExpression(member.initializer)) continue;
        const state = new Set();
        for (const entry of member.initializer.properties) {
          const options = ts.isPropertyAssignment(entry) ? entry.initializer : null;
          const isState =
            options &&
            ts.isObjectLiteralExpression(options) &&
            options.properties.some(
              (o) =>
                ts.isPropertyAssignment(o) && o.name.getText() === 'state' && o.initializer.kind === ts.SyntaxKind.TrueKeyword,
            );
          if (isState) state.add(entry.name.getText());
        }
        stateByClass.set(node.name.getText(), state);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          const state = stateByClass.get(decl.name) ?? new Set();
          const hidden = new Set([
            ...state,
            ...(decl.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected').map((m) => m.name),
          ]);
          if (decl.attributes) decl.attributes = decl.attributes.filter((a) => !hidden.has(a.fieldName ?? a.name));
          if (decl.members) {
            decl.members = decl.members.filter((m) => m.name !== 'properties' && m.name !== 'styles');
            for (const m of decl.members) if (hidden.has(m.name)) delete m.attribute;
          }
        }
      }
    },
  };
};

export default {
  globs: [
    'sdk/src/components/**/*.component.ts',
    'sdk/src/internal/base-element.ts',
    'sdk/src/dashboard/shop-dashboard.component.ts',
    'sdk/src/dashboard/views/*-view.ts',
  ],
  exclude: ['**/*.test.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [dropInternalState()],
};
