/**
 * Short links: `GET /r/:code` records the click and redirects (302) to the landing page with the
 * referral parameter and the click id (services/clicks.ts). `?to=` may choose a landing page on the
 * shop's own origins; `?c=` names the channel.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { followShortLink } from '../services/clicks.js';
import { requester } from './router.js';

export const shortLinks = new Hono<AppEnv>();

shortLinks.get('/:code', async (c) => {
  const landing = await followShortLink(
    c.env,
    { code: c.req.param('code'), to: c.req.query('to'), channel: c.req.query('c'), origin: new URL(c.req.url).origin },
    requester(c),
    c.get('now'),
  );
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(landing, 302);
});
