/**
 * The caller of a publishable-key write as the rate limits and the self-referral checks see it:
 * pseudonyms of its IP (under today's key, and yesterday's in the first minute of a day), user
 * agent and SDK visitor id — never the values themselves — and the shop's limits on such writes.
 */
import type { Bindings } from '../app-env.js';
import { ApiError } from '../errors.js';
import { clientKeys } from '../domain/rate-limits.js';
import type { RateKind } from '../domain/rate-limits.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { ipHashes, uaHash, visitorHash as visitorPseudonym } from '../lib/pseudonyms.js';

/** The caller as the request shows it (services hash what they keep). */
export interface Requester {
  ip: string | null;
  userAgent: string | null;
}

export interface Client {
  ipHash: string | null;
  ipHashPrevious: string | null;
  visitorHash: string | null;
  uaHash: string | null;
  /** what the limiter counts this client under */
  keys: string[];
}

export async function clientOf(env: Bindings, requester: Requester, now: number, visitorId?: string): Promise<Client> {
  const salt = env.IP_HASH_SALT ?? '';
  const [ips, visitorHash, ua] = await Promise.all([
    ipHashes(salt, requester.ip, now),
    visitorId ? visitorPseudonym(salt, visitorId) : null,
    uaHash(salt, requester.userAgent, now),
  ]);
  const ipHash = ips.current;
  const ipHashPrevious = ips.previous;
  return { ipHash, ipHashPrevious, visitorHash, uaHash: ua, keys: clientKeys({ ipHash, ipHashPrevious, visitorHash }) };
}

/** Counts one publishable-key write against the shop's limits, or throws 429 `rate_limited` (with Retry-After). */
export async function limitWrite(
  env: Bindings,
  shopId: string,
  kind: Exclude<RateKind, 'click'>,
  client: Client,
  now: number,
): Promise<void> {
  const verdict = await shopObject(env, shopId).limit(kind, client.keys, now);
  if (!verdict.ok) {
    throw new ApiError(
      429,
      'rate_limited',
      'Too many requests from this client or for this shop; try again later.',
      undefined,
      verdict.retryAfterMs,
    );
  }
}
