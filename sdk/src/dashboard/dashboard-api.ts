/**
 * The dashboard's client for the worker: every call of `<sc-shop-dashboard>` and its views goes
 * through one `DashboardApi`, which speaks one of two session transports (see
 * worker/src/services/sessions.ts):
 * - the cookie session of the dashboard served by the worker (`/dashboard/`): same-origin requests
 *   with the `__Host-sc_session` cookie, and on every change the session's `X-CSRF-Token`;
 * - an embedded session in a shop's own admin page: `Authorization: Bearer dss_…` (no cookie).
 * Errors are `ScError`s with the API's stable code.
 */
import { ScError } from '../internal/api-client.js';
import type { Session } from '../wire.js';

export { ScError };

export interface DashboardApiOptions {
  /** The worker's base URL, no trailing slash (default: this page's origin). */
  api?: string;
  /** An embedded session token (`dss_…`) minted by the shop's server; without it, the cookie session. */
  sessionToken?: string | null;
}

export class DashboardApi {
  readonly base: string;
  private readonly bearer: string | null;
  /** The session's CSRF token (cookie sessions), learned at sign-in or from `GET /v1/sessions/current`. */
  csrf: string | null = null;

  constructor(opts: DashboardApiOptions = {}) {
    this.base = (opts.api || location.origin).replace(/\/+$/, '');
    this.bearer = opts.sessionToken || null;
  }

  /** Whether this is an embedded (bearer) session. */
  get embedded(): boolean {
    return this.bearer !== null;
  }

  /** Calls the API and parses its JSON answer (null for 204). */
  async request<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
    const res = await this.fetch(method, path, body, extra);
    if (res.status === 204) return null as T;
    return (await res.json()) as T;
  }

  /** Calls the API and returns its body as text (CSV files). */
  async text(path: string): Promise<string> {
    return (await this.fetch('GET', path)).text();
  }

  private async fetch(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    else if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: this.bearer ? 'omit' : 'same-origin',
        cache: 'no-store',
      });
    } catch (cause) {
      throw new ScError('sc_network', `${method} ${path} failed`, { cause });
    }
    if (!res.ok) {
      const json = await res.json().catch(() => null);
      const e = json?.error;
      throw new ScError(e?.code ?? `http_${res.status}`, e?.message ?? `${method} ${path}: ${res.status}`, {
        status: res.status,
        requestId: e?.requestId,
        cause: json,
      });
    }
    return res;
  }

  /** Exchanges a dashboard token for the session cookie. */
  async signIn(token: string): Promise<Session> {
    const { session } = await this.request<{ session: Session }>('POST', '/v1/sessions', undefined, {
      authorization: `Bearer ${token}`,
    });
    this.csrf = session.csrfToken;
    return session;
  }

  /** The current session, or null when there is none (not signed in, expired, revoked). */
  async current(): Promise<Session | null> {
    try {
      const { session } = await this.request<{ session: Session }>('GET', '/v1/sessions/current');
      this.csrf = session.csrfToken;
      return session;
    } catch (e) {
      if ((e as ScError).status === 401) return null;
      throw e;
    }
  }

  async signOut(): Promise<void> {
    await this.request('DELETE', '/v1/sessions/current');
    this.csrf = null;
  }
}

/** A query string from the defined values. @example query({ limit: 50, referrerId: undefined }) // '?limit=50' */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
