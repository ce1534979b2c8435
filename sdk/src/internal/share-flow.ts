/**
 * The share flow behind `ShareCart.share()` and the share controller (`share-controller.ts`: the share
 * button, the order tracker): get or create this browser's
 * referrer, build the referral link, then `navigator.share` where it exists and accepts the data
 * (cancelling is not an error), else the share sheet. Inside in-app browsers (WeChat, Instagram,
 * Facebook), whose share APIs are unreliable, it goes straight to the sheet in the matching mode.
 * Loaded on demand, together with the sheet (one chunk, `sc-share-sheet`).
 */
import type { Channel, ShopConfig } from '../wire.js';
import '../components/share-sheet/share-sheet.js';
import { messages } from '../components/share-sheet/share-sheet.messages.js';
import { getConfig } from './api-client.js';
import { ensureReferrer, recordShare } from './api-referrer.js';
import { emit } from './events.js';
import { localeOf, resolveLocale, translate } from './i18n.js';
import { allowed, runtime } from './runtime.js';
import { inAppBrowser, referralUrl, safeHttpUrl } from './share-links.js';

export interface ShareOptions {
  /** SKU of the product shared: its page URL and name come from the shop config. */
  product?: string;
  /** The page to share; default the product's URL, else the current page. */
  url?: string;
  /** Title (e-mail subject, native share title); default the product name or the page title. */
  title?: string;
  /** Message shared with the link; default a localized "I think you'll like {product}". */
  text?: string;
}

export interface ShareResult {
  /** The channel used, `null` when cancelled or still choosing in the sheet. */
  channel: Channel | null;
  /** The referral link (without a channel). */
  url: string;
}

/** The current page without referral parameters. */
function currentPage(): string {
  const url = new URL(location.href);
  url.searchParams.delete(runtime().settings?.refParam ?? 'ref');
  url.searchParams.delete('sc_click');
  return url.href;
}

/**
 * Shares a product or page. `host` is the element the flow belongs to (events fire from it, the
 * sheet is mounted in its shadow root so its parts can be exported); default the document.
 * Rejects with an `ScError` when the referral link cannot be made (e.g. the shop only lets verified
 * buyers refer).
 * @example await share({ product: 'oolong-250g' });
 */
export async function share(options: ShareOptions = {}, host?: HTMLElement): Promise<ShareResult> {
  const locale = host ? localeOf(host) : resolveLocale(runtime().settings?.locale || document.documentElement.lang);
  let config: ShopConfig | null = null;
  let code: string | null = null;
  if (allowed()) {
    config = await getConfig().catch(() => null);
    code = (await ensureReferrer()).code;
  }
  const product = config?.products.find((p) => p.sku == options.product);
  const link = safeHttpUrl(options.url ?? product?.url ?? currentPage())?.href ?? currentPage();
  const title = options.title ?? product?.names[locale] ?? product?.name ?? document.title;
  const text = options.text ?? translate(messages, locale, 'shareText', { product: title });
  const param = runtime().settings?.refParam ?? 'ref';
  const urlFor = (channel: Channel) => (code ? referralUrl(link, code, { param, channel }) : link);
  const sku = product?.sku ?? options.product ?? null;
  const target = host ?? document;
  const inApp = inAppBrowser();

  if (!inApp && navigator.share) {
    const data = { title, text, url: urlFor('native') };
    if (!navigator.canShare || navigator.canShare(data)) {
      try {
        await navigator.share(data);
        emit('sc-share', { channel: 'native', url: data.url, product: sku }, target);
        if (code) recordShare('native', sku ?? undefined).catch(() => {});
        return { channel: 'native', url: urlFor('native') };
      } catch (e) {
        if ((e as DOMException).name == 'AbortError') return { channel: null, url: link };
        // NotAllowedError (activation lost) and the like: fall back to the sheet.
      }
    }
  }

  const sheet = document.createElement('sc-share-sheet');
  Object.assign(sheet, { link, code, refParam: param, text, heading: title, product: sku });
  sheet.mode = inApp == 'wechat' ? 'wechat' : inApp ? 'copy-first' : 'default';
  sheet.locale = locale;
  sheet.setAttribute('exportparts', 'dialog:sheet, channel, copy, qr, close, link, title');
  let channel: Channel | null = null;
  sheet.addEventListener('sc-share', (e) => (channel = e.detail.channel));
  (host?.shadowRoot ?? document.body).append(sheet);
  sheet.show();
  await new Promise<void>((resolve) => sheet.addEventListener('sc-share-sheet-toggle', (e) => !e.detail.open && resolve()));
  sheet.remove();
  return { channel, url: link };
}
