/**
 * Clicks on referral links: `POST /v1/clicks` (the SDK, when a visitor lands with `?ref=`) and the
 * short link `GET /r/:code`, which records the click and redirects to the shop with the referral
 * parameter and the click id. A click goes to the shop's Durable Object, which validates the code,
 * rate-limits it and keeps it durably before answering (see durable/).
 */
import type { Bindings } from '../app-env.js';
import type { Channel } from '../contract/common.js';
import { CHANNELS } from '../contract/common.js';
import type { ClickInput, ClickRecorded } from '../contract/clicks.js';
import { ApiError } from '../errors.js';
import { findReferrerByCode } from '../db/referrers.js';
import { getShop, isOriginAllowed } from '../db/shops.js';
import { DAY_MS } from '../domain/time.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { REFERRAL_CODE_PATTERN, newId } from '../lib/ids.js';
import { clientOf } from './clients.js';
import type { Requester } from './clients.js';

async function record(env: Bindings, shopId: string, input: ClickInput, requester: Requester, now: number) {
  const id = newId('clk');
  const client = await clientOf(env, requester, now, input.visitorId);
  const result = await shopObject(env, shopId).record({
    id,
    shopId,
    code: input.code,
    channel: input.channel ?? 'direct',
    landingUrl: input.landingUrl ?? null,
    visitorHash: client.visitorHash,
    ipHash: client.ipHash,
    ipHashPrevious: client.ipHashPrevious,
    uaHash: client.uaHash,
    createdAt: now,
  });
  return { id, result };
}

/** Records a click from the SDK; 404 for an unknown or blocked code, 429 past the limits. */
export async function recordClick(
  env: Bindings,
  shopId: string,
  input: ClickInput,
  requester: Requester,
  now: number,
): Promise<ClickRecorded> {
  const { id, result } = await record(env, shopId, input, requester, now);
  if (!result.ok) {
    if (result.reason === 'rate_limited') {
      throw new ApiError(
        429,
        'rate_limited',
        'Too many clicks for this link from this client, or for this shop; try again later.',
        undefined,
        result.retryAfterMs ?? 60_000,
      );
    }
    throw new ApiError(404, 'referrer_not_found', `No active referrer has the code ${input.code}.`);
  }
  return {
    clickId: id,
    code: result.code,
    expiresAt: now + result.program.windowDays * DAY_MS,
    referrer: { displayName: result.displayName },
    friendReward: { kind: result.program.friendRewardKind, value: result.program.friendRewardValue },
  };
}

/**
 * Where a short link sends the visitor: the shop's site (or `to`, when it is on the shop's site or
 * one of its allowed origins — no open redirect), with `ref` and, when the click was recorded,
 * `sc_click` so the SDK adopts it instead of recording another. A rate-limited click still
 * redirects, without a click id.
 */
export async function followShortLink(
  env: Bindings,
  input: { code: string; to?: string; channel?: string; origin: string },
  requester: Requester,
  now: number,
): Promise<string> {
  const { code } = input;
  if (!REFERRAL_CODE_PATTERN.test(code)) throw new ApiError(404, 'referrer_not_found');
  const referrer = await findReferrerByCode(env.DB, code);
  if (!referrer || referrer.status === 'blocked') {
    throw new ApiError(404, 'referrer_not_found', `No active referrer has the code ${code}.`);
  }
  const shop = await getShop(env.DB, referrer.shop_id);
  if (!shop) throw new ApiError(404, 'referrer_not_found');

  let landing = new URL(shop.site_url, input.origin);
  if (input.to) {
    try {
      const wanted = new URL(input.to, landing);
      const sameAsSite = wanted.origin === landing.origin;
      if (
        (wanted.protocol === 'https:' || wanted.protocol === 'http:') &&
        (sameAsSite || (await isOriginAllowed(env.DB, shop.id, wanted.origin)))
      ) {
        landing = wanted;
      }
    } catch {
      /* keep the shop's site */
    }
  }
  const channel: Channel =
    input.channel && (CHANNELS as readonly string[]).includes(input.channel) ? (input.channel as Channel) : 'direct';
  const { id, result } = await record(
    env,
    shop.id,
    { code: referrer.code, channel, landingUrl: landing.toString() },
    requester,
    now,
  );
  landing.searchParams.set('ref', referrer.vanity_code ?? referrer.code);
  if (result.ok) landing.searchParams.set('sc_click', id);
  return landing.toString();
}
