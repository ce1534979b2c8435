/**
 * The SDK's client for the ShareCart worker's publishable-key API. Every call goes through
 * `request()`: the publishable key as a bearer token, the referrer token when the call needs it,
 * JSON in and out, and one error type (`ScError`) whose `code` is the API's stable error code (or an
 * `sc_*` code for failures that happen in the browser) with the underlying failure as `cause`.
 * Calls whose answer does not change within a page (the shop config, this browser's referrer) are
 * memoised: one request however many components ask, retried after a failure.
 */
import type {
  Channel,
  ClickRecorded,
  ReferrerCreated,
  ReferrerPublic,
  ReferrerStats,
  ShareRecorded,
  ShopConfig,
} from '../wire.js';
import { allowed, memo, runtime } from './runtime.js';
import { read, TOKEN_KEY, write } from './storage.js';

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
  if (!s) throw new ScError('sc_missing_key', 'ShareCart is not configured (data-shop on the script tag, or configure()).');
  if (!allowed()) throw new ScError('sc_consent_required', 'ShareCart waits for ShareCart.consent(true).');
  const headers: Record<string, string> = { authorization: `Bearer ${s.key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (referrer) {
    const token = referrerToken();
    if (!token) throw new ScError('sc_no_referrer', 'No referrer in this browser yet.');
    headers['x-referrer-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(s.api + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
    });
  } catch (cause) {
    throw new ScError('sc_network', `ShareCart API unreachable (${method} ${path})`, { cause });
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = json?.error;
    throw new ScError(e?.code ?? `http_${res.status}`, e?.message ?? `${method} ${path} answered ${res.status}`, {
      status: res.status,
      requestId: e?.requestId,
      cause: json,
    });
  }
  return json as T;
}

/** The referrer token (`rt_…`) this browser keeps, if any. */
export const referrerToken = (): string | null => read<string>(TOKEN_KEY);

/** Keeps a referrer token (e.g. after a post-purchase claim); `null` forgets it. */
export function setReferrerToken(token: string | null): void {
  write(TOKEN_KEY, token);
  runtime().memo.delete('referrer');
}

/** GET /v1/config, memoised. */
export const getConfig = (): Promise<ShopConfig> => memo('config', () => request<ShopConfig>('GET', '/v1/config'));

/** POST /v1/referrers: creates a referrer and keeps its token. */
export async function createReferrer(body: {
  displayName?: string;
  email?: string;
  claimToken?: string;
}): Promise<ReferrerPublic> {
  const created = await request<ReferrerCreated>('POST', '/v1/referrers', body);
  setReferrerToken(created.token);
  return created.referrer;
}

/** GET /v1/referrers/me: this browser's referrer with stats and balances. */
export const referrerStats = (): Promise<ReferrerStats> => request<ReferrerStats>('GET', '/v1/referrers/me', undefined, true);

/**
 * This browser's referrer, created anonymously on first use; memoised. A token the API no longer
 * accepts is dropped and a new referrer is created.
 */
export const ensureReferrer = (): Promise<ReferrerPublic> =>
  memo('referrer', async () => {
    if (referrerToken()) {
      try {
        return (await referrerStats()).referrer;
      } catch (e) {
        if ((e as ScError).status != 401 && (e as ScError).status != 404) throw e;
        write(TOKEN_KEY, null);
      }
    }
    return createReferrer({});
  });

/** POST /v1/referrers/me/claim: attaches an email/phone/name to this browser's referrer. */
export const claimReferrer = (body: { email?: string; phone?: string; displayName?: string }) =>
  request<{ referrer: ReferrerPublic }>('POST', '/v1/referrers/me/claim', body, true);

/** POST /v1/shares: records a share on a channel. */
export const recordShare = (channel: Channel, sku?: string) =>
  request<ShareRecorded>('POST', '/v1/shares', sku ? { channel, sku } : { channel }, true);

/** POST /v1/clicks: records a visitor's arrival through a referral code. */
export const recordClick = (body: { code: string; channel?: string; landingUrl?: string; visitorId?: string }) =>
  request<ClickRecorded>('POST', '/v1/clicks', body);

/** POST /v1/conversions/browser: an unverified order report from the thank-you page. */
export const reportBrowserConversion = (body: {
  orderId: string;
  amountMinor: number;
  currency: string;
  items?: Array<{ sku: string; quantity: number; amountMinor?: number }>;
  clickId?: string;
  code?: string;
}) =>
  request<{ conversion: Record<string, unknown>; verified: false }>('POST', '/v1/conversions/browser', body);
