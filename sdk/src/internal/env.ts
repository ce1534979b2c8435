/**
 * Build-time constants. The production build (rollup.config.ts) replaces this whole module with
 * literals, so `if (DEV_MODE) …` blocks are dropped by terser; tests and `tsc` see the defaults here.
 */

/** True in tests and development; `false` in the script-tag and npm builds. */
export const DEV_MODE: boolean = true;

/** The SDK version, injected from package.json at build time. */
export const VERSION: string = '0.0.0-dev';
