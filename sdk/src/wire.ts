/**
 * The worker's wire types, re-exported for the SDK (types only: no bytes in any bundle). SDK modules
 * import from here, never from `worker/` directly, so the npm build can ship these declarations
 * beside its own (`scripts/build/types.mjs` points this file's `.d.ts` at a copy of the worker's).
 */
export type * from '../../worker/src/wire.js';
