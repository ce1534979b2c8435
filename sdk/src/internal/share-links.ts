/**
 * Referral links and the share URLs of each network. A referral link is the product page's own URL
 * with the code in the query (`?ref=CODE`, never after a `#`, which servers and some apps drop) and,
 * per channel, `utm_source=<channel>` so the click is recorded with where it came from.
 */
import type { Channel } from '../wire.js';

/** Only http(s) URLs are ever linked or shared; anything else (javascript:, data:) is refused. */
export function safeHttpUrl(value: string | null | undefined, base = location.href): URL | null {
  if (!value) return null;
  try {
    const url = new URL(value, base);
    return url.protocol == 'https:' || url.protocol == 'http:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Builds the referral link for a page.
 * @example referralUrl('https://shop.hk/p/oolong#reviews', 'AbC123', { channel: 'whatsapp' })
 * // 'https://shop.hk/p/oolong?ref=AbC123&utm_source=whatsapp#reviews'
 */
export function referralUrl(
  pageUrl: string,
  code: string,
  { param = 'ref', channel }: { param?: string; channel?: Channel } = {},
): string {
  const url = safeHttpUrl(pageUrl);
  if (!url) throw new TypeError(`Not an http(s) URL: ${pageUrl}`);
  const q = url.searchParams;
  for (const p of [param, 'sc_click', 'utm_source']) q.delete(p);
  q.set(param, code);
  if (channel) q.set('utm_source', channel);
  return url.href;
}

/** Channels that open a network's share page in a new tab, in the sheet's order. */
export const LINK_CHANNELS = ['whatsapp', 'facebook', 'x', 'telegram', 'line', 'weibo', 'threads', 'email'] as const;
export type LinkChannel = (typeof LINK_CHANNELS)[number];

/**
 * The share URL of a network for a link and a message.
 * @example shareHref('x', 'https://shop.hk/p?ref=A', 'Try this tea') // https://x.com/intent/tweet?text=…&url=…
 */
export function shareHref(channel: LinkChannel, url: string, text: string, title = text): string {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(text);
  const both = encodeURIComponent(text ? `${text} ${url}` : url);
  switch (channel) {
    case 'whatsapp':
      return `https://wa.me/?text=${both}`;
    case 'facebook':
      return `https://www.facebook.com/sharer/sharer.php?u=${u}`;
    case 'x':
      return `https://x.com/intent/tweet?text=${t}&url=${u}`;
    case 'telegram':
      return `https://t.me/share/url?url=${u}&text=${t}`;
    case 'line':
      return `https://social-plugins.line.me/lineit/share?url=${u}`;
    case 'weibo':
      return `https://service.weibo.com/share/share.php?url=${u}&title=${t}`;
    case 'threads':
      return `https://www.threads.net/intent/post?text=${both}`;
    case 'email':
      return `mailto:?subject=${encodeURIComponent(title)}&body=${encodeURIComponent(text ? `${text}\n\n${url}` : url)}`;
  }
}

/** Which in-app browser the page runs in, from the user agent. */
export type InAppBrowser = 'wechat' | 'instagram' | 'facebook' | 'line' | null;

export function inAppBrowser(ua = navigator.userAgent): InAppBrowser {
  if (/MicroMessenger/i.test(ua)) return 'wechat';
  if (/Instagram/.test(ua)) return 'instagram';
  if (/FBAN|FBAV|FB_IAB|FBIOS/.test(ua)) return 'facebook';
  if (/\bLine\//.test(ua)) return 'line';
  return null;
}
