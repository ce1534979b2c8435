/** Hono typing for the whole app: bindings from wrangler.toml and per-request variables. */
import type { ShopRow } from './db/shops.js';

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
}

export type KeyKind = 'publishable' | 'secret' | 'admin';

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    /** set by the request-id middleware */
    requestId: string;
    /** set by the clock middleware: ms since epoch for this request */
    now: number;
    /** set by the key middlewares */
    shop: ShopRow;
    keyKind: KeyKind;
  };
}
