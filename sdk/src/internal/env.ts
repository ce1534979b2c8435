/**
 * Build-time constants. The script-tag and npm builds (rollup.config.ts, `env()`) rewrite the two
 * initialisers below to `false` and package.json's version, so terser drops `if (DEV_MODE) …` blocks;
 * tests and `tsc` see the defaults here.
 */

/** True in tests and development; `false` in the script-tag and npm builds. */
export const DEV_MODE: boolean = true;

/** The SDK version, injected from package.json at build time. */
export const VERSION: string = '0.0.0-dev';
