/**
 * Which environment this worker runs in: `ENVIRONMENT` from wrangler.toml's [vars] ("production"),
 * overridden locally by `.dev.vars` ("development", written by scripts/lib/wrangler-dev.mjs) and by
 * the test bindings. Anything but "development" — a missing value included — is production, so a
 * forgotten setting fails closed (https only, no private webhook hosts).
 */

/** @example if (!isLocal(c.env)) refuseHttp() */
export function isLocal(env: { ENVIRONMENT?: string }): boolean {
  return env.ENVIRONMENT === 'development';
}
