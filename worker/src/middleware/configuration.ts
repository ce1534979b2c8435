/**
 * Refuses to serve while the worker is misconfigured: without an `IP_HASH_SALT` of at least 32
 * characters every request except `/healthz` is a 503 `server_misconfigured` naming the fix, before
 * anything is read, hashed or written. (Locally `.dev.vars` always has one.)
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { SALT_FIX, saltProblem } from '../lib/pseudonyms.js';

let logged = false;

export const requireConfiguration = createMiddleware<AppEnv>(async (c, next) => {
  const problem = saltProblem(c.env.IP_HASH_SALT);
  if (problem && c.req.path !== '/healthz') {
    if (!logged) {
      logged = true;
      console.error(JSON.stringify({ level: 'error', code: 'server_misconfigured', message: `${problem} ${SALT_FIX}` }));
    }
    throw new ApiError(503, 'server_misconfigured', `This worker is misconfigured: ${problem} ${SALT_FIX}`);
  }
  await next();
});
