/**
 * The API endpoints beyond the core client (`api-client.ts`): this browser's referrer (and keeping
 * its token), shares, clicks and browser-reported orders. Kept apart so that first paint does not
 * carry them.
 */
import type {
  Channel,
  ClickRecorded,
  ReferrerCreated,
  ReferrerDeleted,
  ReferrerExport,
  ReferrerPublic,
  ReferrerStats,
  ShareRecorded,
} from '../wire.js';
import { referrerToken, request, type ScError } from './api-client.js';
import { memo, runtime } from './runtime.js';
import { read, TOKEN_KEY, VISITOR_KEY, write } from './storage.js';

/**
 * This browser's pseudonymous visitor id (sent with clicks, and with the referrer's own writes so
 * that buying through one's own link in one's own browser is caught as self-referral); created on
 * first use. Nothing is stored (and `request()` sends nothing) before consent in consent mode.
 */
export function visitorId(): string | undefined {
  let id = read<string>(VISITOR_KEY);
  if (!id && write(VISITOR_KEY, (id = crypto.randomUUID()))) return id;
  return id ?? undefined;
}

/** Keeps a referrer token (e.g. after a post-purchase claim); `null` forgets it. */
export function setReferrerToken(token: string | null): void {
  write(TOKEN_KEY, token);
  runtime().memo.delete('referrer');
}

/** POST /v1/referrers: creates a referrer (from this browser) and keeps its token. */
export async function createReferrer(body: {
  displayName?: string;
  email?: string;
  claimToken?: string;
}): Promise<ReferrerPublic> {
  const created = await request<ReferrerCreated>('POST', '/v1/referrers', { ...body, visitorId: visitorId() });
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
  request<{ referrer: ReferrerPublic }>('POST', '/v1/referrers/me/claim', { ...body, visitorId: visitorId() }, true);

/** GET /v1/referrers/me/export: everything the shop keeps about this browser's referrer (their data, JSON). */
export const exportMyData = () => request<ReferrerExport>('GET', '/v1/referrers/me/export', undefined, true);

/**
 * DELETE /v1/referrers/me: deletes this browser's referrer identity (the shop's ledger keeps the
 * amounts without the person; the link stops earning), then forgets its token here.
 */
export async function deleteMyIdentity(): Promise<ReferrerDeleted> {
  const deleted = await request<ReferrerDeleted>('DELETE', '/v1/referrers/me', { confirm: 'delete' }, true);
  setReferrerToken(null);
  return deleted;
}

/** POST /v1/shares: records a share on a channel. */
export const recordShare = (channel: Channel, sku?: string) =>
  request<ShareRecorded>('POST', '/v1/shares', { channel, sku, visitorId: visitorId() }, true);

/** POST /v1/clicks: records a visitor's arrival through a referral code. */
export const recordClick = (body: { code: string; channel?: string; landingUrl?: string; visitorId?: string }) =>
  request<ClickRecorded>('POST', '/v1/clicks', body);

/** POST /v1/conversions/browser: an unverified order report from the thank-you page. */
export const reportBrowserConversion = (body: {
  orderId: string;
  amountMinor: number;
  currency: string;
  /** required: the worker prices browser reports from its catalogue (`unitPriceMinor` is ignored) */
  items: Array<{ sku: string; quantity: number; unitPriceMinor: number }>;
  clickId?: string;
  referralCode?: string;
  couponCode?: string;
  visitorId?: string;
}) =>
  request<{
    conversion: { id: string; orderId: string; verified: boolean; recorded: 'created' | 'replayed' | 'unchanged' };
    buyerClaimToken?: string;
  }>('POST', '/v1/conversions/browser', body);
