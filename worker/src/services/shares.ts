/** Shares: a referrer shared through a channel (publishable key, rate-limited); remembers the browser. */
import type { Bindings } from '../app-env.js';
import type { ShareInput, ShareRecorded } from '../contract/shares.js';
import type { ShopRow } from '../db/shops.js';
import { insertShareStatement } from '../db/shares.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { newId } from '../lib/ids.js';
import { clientOf, limitWrite } from './clients.js';
import type { Requester } from './clients.js';
import { deviceOf, referrerFromToken } from './referrers.js';

export async function recordShare(
  env: Bindings,
  shop: ShopRow,
  input: { token: string | undefined; body: ShareInput; requester: Requester; now: number },
): Promise<ShareRecorded> {
  const { body, now } = input;
  const client = await clientOf(env, input.requester, now, body.visitorId);
  await limitWrite(env, shop.id, 'share', client, now);
  const referrer = await referrerFromToken(env.DB, shop.id, input.token);
  const id = newId('shr');
  const [, device] = await env.DB.batch([
    insertShareStatement(env.DB, {
      id,
      shop_id: referrer.shop_id,
      referrer_id: referrer.id,
      channel: body.channel,
      sku: body.sku ?? null,
      created_at: now,
    }),
    ...deviceOf(env.DB, referrer, client.visitorHash, now),
  ]);
  // a browser this referrer had not shared from before: the shop's object must see it
  if (device && device.meta.changes > 0) await shopObject(env, referrer.shop_id).forgetReferrer(referrer.id);
  return { id, channel: body.channel };
}
