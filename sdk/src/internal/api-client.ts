/**
 * The SDK's client for the ShareCart worker's publishable-key API. Every call goes through
 * `request()`: the publishable key as a bearer token, the referrer token when the call needs it,
 * JSON in and out, and one error type (`ScError`) whose `code` is the API's stable error code (or an
 * `sc_*` code for failures that happen in the browser) with the underlying failure as `cause`.
 * Calls whose answer does not change within a page (the shop config, this browser's referrer) are
 * memoised: one request however many components ask, retried after a failure.
 *
 * This module is in every component's first paint, so it holds only the core; keeping the referrer
 * token and the referrer, share, click and order endpoints are in `api-referrer.ts`.
 */
import type { ShopConfig } from '../wire.js';
import { allowed, memo, runtime } from './runtime.js';
import { read, TOKEN_KEY } from './storage.js';

/** An error from the SDK or the API, with a stable `code` (e.g. `referrer_not_found`, `sc_network`). */
export class ScError extends Error {
  override name = 'ScError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown; status?: number; requestId?: string },
  ) {
    super(message, options);
    this.status = options?.status ?? 0;
    this.requestId = options?.requestId;
  }
  /** HTTP status of the API answer; 0 when the request never got one. */
  readonly status: number;
  readonly requestId?: string;
}

/**
 * Calls the API. `referrer: true` adds this browser's referrer token.
 * @example
 * const config = await request<ShopConfig>('GET', '/v1/config');
 */
export async function request<T>(method: string, path: string, body?: unknown, referrer?: boolean): Promise<T> {
  const s = runtime().settings;
  if (!s) throw new ScError('sc_missing_key', 'no publishable key');
  if (!allowed()) throw new ScError('sc_consent_required', 'waiting for consent');
  const headers: Record<string, string> = { authorization: `Bearer ${s.key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (referrer) headers['x-referrer-token'] = referrerToken() ?? '';
  let res: Response;
  try {
    res = await fetch(s.api + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
    });
  } catch (cause) {
    throw new ScError('sc_network', `${method} ${path} failed`, { cause });
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = json?.error;
    throw new ScError(e?.code ?? `http_${res.status}`, e?.message ?? `${method} ${path}: ${res.status}`, {
      status: res.status,
      requestId: e?.requestId,
      cause: json,
    });
  }
  return json as T;
}

/** The referrer token (`rt_…`) this browser keeps, if any. */
export const referrerToken = (): string | null => read<string>(TOKEN_KEY);

/** GET /v1/config, memoised. */
export const getConfig = (): Promise<ShopConfig> => memo('config', () => request<ShopConfig>('GET', '/v1/config'));
