/**
 * Short links: `GET /r/:code` records the click and redirects (302) to the landing page with the
 * referral parameter and the click id, so the SDK adopts the click instead of recording another.
 * `?to=` may choose a landing page, but only on one of the shop's allowed origins (no open redirect).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { findReferrerByCode } from '../db/referrers.js';
import { getShop, isOriginAllowed } from '../db/shops.js';
import { CHANNELS } from '../wire.js';
import type { Channel } from '../wire.js';
import { recordClick } from './public.js';
import { REFERRAL_CODE_PATTERN } from '../lib/ids.js';

export const shortLinks = new Hono<AppEnv>();

shortLinks.get('/:code', async (c) => {
  const code = c.req.param('code');
  if (!REFERRAL_CODE_PATTERN.test(code)) throw new ApiError(404, 'referrer_not_found');
  const referrer = await findReferrerByCode(c.env.DB, code);
  if (!referrer || referrer.status === 'blocked')
    throw new ApiError(404, 'referrer_not_found', `No active referrer has the code ${code}.`);
  const shop = await getShop(c.env.DB, referrer.shop_id);
  if (!shop) throw new ApiError(404, 'referrer_not_found');

  const self = new URL(c.req.url);
  let landing = new URL(shop.site_url, self.origin);
  const to = c.req.query('to');
  if (to) {
    try {
      const wanted = new URL(to, landing);
      const sameAsSite = wanted.origin === landing.origin;
      if (
        (wanted.protocol === 'https:' || wanted.protocol === 'http:') &&
        (sameAsSite || (await isOriginAllowed(c.env.DB, shop.id, wanted.origin)))
      ) {
        landing = wanted;
      }
    } catch {
      /* keep the shop's site */
    }
  }
  const channelParam = c.req.query('c');
  const channel: Channel =
    channelParam && (CHANNELS as readonly string[]).includes(channelParam) ? (channelParam as Channel) : 'direct';
  const { id, result } = await recordClick(c, shop.id, { code: referrer.code, channel, landingUrl: landing.toString() });
  landing.searchParams.set('ref', referrer.vanity_code ?? referrer.code);
  if (result.ok) landing.searchParams.set('sc_click', id);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(landing.toString(), 302);
});
