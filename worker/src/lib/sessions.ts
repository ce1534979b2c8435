/**
 * Dashboard session constants and the CSRF token (see services/sessions.ts for the design):
 * the cookie's name and lifetimes, and the session's CSRF token — an HMAC of the session secret, so
 * nothing more is stored and only a holder of the cookie's value can know it.
 */
import { hmacHex } from './crypto.js';

/** `__Host-`: the browser keeps it only if Secure, Path=/ and without Domain (never shared with subdomains). */
export const SESSION_COOKIE = '__Host-sc_session';
/** A cookie session lasts this long from sign-in (no sliding renewal). */
export const COOKIE_SESSION_MS = 4 * 60 * 60 * 1000;
/** An embedded session (minted by the shop's server for its admin page) lasts this long. */
export const EMBEDDED_SESSION_MS = 60 * 60 * 1000;
/** The header a cookie session's unsafe requests carry. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** The CSRF token of a session: HMAC-SHA256(session secret, purpose), hex. @example await csrfTokenOf('dss_…') */
export function csrfTokenOf(sessionSecret: string): Promise<string> {
  return hmacHex(sessionSecret, 'sharecart dashboard csrf v1');
}
