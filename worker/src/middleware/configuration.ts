/**
 * Refuses to serve while the worker is misconfigured: without an `IP_HASH_SALT` of at least 32
 * characters every request except `/healthz` is a 503 `server_misconfigured` naming the fix, before
 * anything is read, hashed or written. (Locally `.dev.vars` always has one.) The cron uses
 * `logConfigurationProblem` too: its work hashes nothing, so it logs the problem and carries on.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { SALT_FIX, saltProblem } from '../lib/pseudonyms.js';

let loggedAt = 0;

/**
 * Logs a clear error (at most once a minute per isolate) when a required secret is missing or too
 * short; returns the problem, or null when the configuration is complete.
 * @example if (logConfigurationProblem(env, 'cron')) skipHashing()
 */
export function logConfigurationProblem(env: { IP_HASH_SALT?: string }, where: string): string | null {
  const problem = saltProblem(env.IP_HASH_SALT);
  if (problem && Date.now() - loggedAt > 60_000) {
    loggedAt = Date.now();
    console.error(JSON.stringify({ level: 'error', code: 'server_misconfigured', where, message: `${problem} ${SALT_FIX}` }));
  }
  return problem;
}

export const requireConfiguration = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.path === '/healthz') return next();
  const problem = logConfigurationProblem(c.env, 'fetch');
  if (problem) throw new ApiError(503, 'server_misconfigured', `This worker is misconfigured: ${problem} ${SALT_FIX}`);
  await next();
});
