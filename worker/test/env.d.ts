declare namespace Cloudflare {
  interface Env {
    ADMIN_TOKEN: string;
    IP_HASH_SALT: string;
    TEST_CLOCK?: string;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
