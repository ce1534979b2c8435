/**
 * Hono typing of the app: the bindings from wrangler.toml (and secrets), and the variables every
 * request carries. Variables that only some routes have are declared by the middleware that sets
 * them (e.g. `KeyEnv` in middleware/auth.ts: the shop and the key kind), so a handler can read
 * `c.get('shop')` only behind a key middleware.
 */
export interface Bindings extends Env {
  /** Admin bearer token (secret; `.dev.vars` locally). */
  ADMIN_TOKEN: string;
  /**
   * Key material for every pseudonym of personal data (IP, user agent, visitor and customer
   * hashes; see lib/pseudonyms.ts). Secret, at least 32 characters; without it the worker answers
   * 503 `server_misconfigured` (middleware/configuration.ts). `.dev.vars` locally.
   */
  IP_HASH_SALT: string;
  /** "enabled" only in tests: lets `X-ShareCart-Test-Now` set the clock. Never set in production. */
  TEST_CLOCK?: string;
  /** JSON overrides of the rate limits (domain/rate-limits.ts); only the bench sets it. */
  RATE_LIMITS?: string;
  /** How long a webhook receiver may take to answer, in ms (default 10000; domain/webhooks.ts). */
  WEBHOOK_TIMEOUT_MS?: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    /** set by the request-id middleware */
    requestId: string;
    /** set by the clock middleware: ms since epoch for this request */
    now: number;
    /** set by a publishable-key middleware for the CORS middleware: the allowed origin to echo */
    corsOrigin?: string;
  };
}
