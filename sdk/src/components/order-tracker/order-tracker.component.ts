/**
 * `<sc-order-tracker>`: for the shop's thank-you page. Two jobs:
 * 1. **Report the order from the browser** — only when the shop allows browser reports
 *   (`allowBrowserConversions` in the shop config), and only when the shop's server has not
 *   already reported it (no `claim-token`). Such orders are stored unverified, priced from the
 *   catalogue (so they need `items`, or at least `product`), attributed to the referral click this
 *   browser keeps, and their commission waits for the shop's own confirmation.
 * 2. **The post-purchase share (曬單)**: one tap makes the buyer a referrer — a verified buyer when
 *   the order came with a buyer claim token (`POST /v1/referrers { claimToken }`) — and opens the
 *   share flow for what they bought.
 */
import { html, nothing, type PropertyValues } from 'lit';
import type { ShopConfig } from '../../wire.js';
import { getConfig, referrerToken, type ScError } from '../../internal/api-client.js';
import { createReferrer, reportBrowserConversion } from '../../internal/api-referrer.js';
import { ShareCartElement } from '../../internal/base-element.js';
import { DEV_MODE } from '../../internal/env.js';
import { formatMoney, translate } from '../../internal/i18n.js';
import { formatPercent, zhe } from '../../internal/i18n-discount.js';
import { ShareController } from '../../internal/share-controller.js';
import { read, storedReferral, VISITOR_KEY } from '../../internal/storage.js';
import { hostStyles } from '../../internal/styles.js';
import { messages } from './order-tracker.messages.js';
import styles from './order-tracker.styles.js';

type Key = keyof (typeof messages)['en'];

/**
 * Where the order report stands: `idle` (nothing to report yet), `reporting`, `reported` (from this
 * browser, unverified), `reported-by-shop` (the shop's server reported it: a `claim-token` was
 * given), `not-reported` (the shop does not accept browser reports), `error`.
 */
export type OrderReportStatus = 'idle' | 'reporting' | 'reported' | 'reported-by-shop' | 'not-reported' | 'error';

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * @tagname sc-order-tracker
 * @summary The thank-you page's order report (when the shop allows browser reports) and post-purchase share (曬單).
 *
 * @dependency sc-share-sheet
 *
 * @event sc-order-report - The order was reported from this browser (stored unverified). `detail: { orderId, verified: false }`.
 * @event sc-referrer - The buyer became a referrer (a verified buyer when a claim token was given). `detail: { referrer }`.
 * @event sc-share - The buyer shared. `detail: { channel, url, product }`.
 * @event sc-error - Reporting or sharing failed. `detail: { code, message }`.
 *
 * @slot - Replaces the text under the title.
 * @slot icon - Replaces the shopping-bag icon.
 *
 * @csspart base - The card.
 * @csspart icon - The icon.
 * @csspart title - The heading.
 * @csspart text - The offer text.
 * @csspart button - The share button.
 * @csspart badge - The "verified buyer" badge.
 * @csspart status - The confirmation after sharing.
 * @csspart error - The error message.
 * @csspart sheet - The share sheet's dialog (exported from `sc-share-sheet`, with its `channel`, `copy`, `qr`, `close`, `link`, `title`).
 *
 * @cssproperty --sc-order-tracker-bg - Card background. Default `#fff7ed`.
 * @cssproperty --sc-order-tracker-color - Text colour. Default `--sc-color-text`.
 * @cssproperty --sc-order-tracker-accent - The button and border accent. Default `--sc-color-primary`.
 * @cssproperty --sc-order-tracker-radius - Corner radius. Default `--sc-radius`.
 * @cssproperty --sc-order-tracker-min-height - Height reserved while loading. Default `9rem`.
 */
export class OrderTracker extends ShareCartElement {
  static override styles = [hostStyles, styles];
  static override properties = {
    orderId: { attribute: 'order-id', reflect: true },
    amount: { type: Number },
    currency: {},
    claimToken: { attribute: 'claim-token' },
    items: {},
    product: {},
    url: {},
    status: { reflect: true },
    config: { state: true },
    loading: { state: true },
    shared: { state: true },
    verified: { state: true },
  };

  /** The shop's order id (as the shop's server would report it). */
  orderId = '';
  /** What the buyer paid, in integer minor units (HKD cents), for a browser report. */
  declare amount?: number;
  /** ISO-4217 currency of `amount`; default the shop's currency. */
  currency = '';
  /**
   * The buyer claim token the shop's server got when it reported the order (`buyerClaimToken`).
   * With it the order is not reported again, and sharing makes the buyer a verified-buyer referrer.
   */
  claimToken = '';
  /** The items of a browser report, `sku:quantity` separated by commas (prices come from the catalogue). */
  items = '';
  /** SKU of the product to share (e.g. the first item bought); its page, name and earn amount come from the config. */
  product = '';
  /** The page to share instead of the product's page (http/https). */
  declare url?: string;
  /** Where the order report stands (read only). */
  status: OrderReportStatus = 'idle';

  private config: ShopConfig | null = null;
  private loading = false;
  private shared = false;
  private verified = false;
  private readonly sharing = new ShareController(this);
  /** The claim token of a browser report. */
  private browserClaim = '';
  private reportedFor = '';

  private t(key: Key, vars?: Record<string, string>) {
    return translate(messages, this.lang_, key, vars);
  }

  protected override refresh(): void {
    if (!this.allowed) return;
    if (!this.config) {
      this.loading = true;
      getConfig()
        .then((config) => {
          this.config = config;
          void this.report();
        })
        .catch((e: ScError) => this.fail(e.code, e.message, e))
        .finally(() => (this.loading = false));
    } else void this.report();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('orderId') || changed.has('amount') || changed.has('claimToken') || changed.has('items')) void this.report();
  }

  /** Reports the order from the browser when it should (see the class comment). Safe to call again. */
  private async report(): Promise<void> {
    const config = this.config;
    if (!config || !this.allowed || !this.orderId) return;
    if (this.claimToken) {
      this.status = 'reported-by-shop';
      return;
    }
    if (!config.shop.allowBrowserConversions) {
      this.status = 'not-reported';
      return;
    }
    if (this.reportedFor == this.orderId) return;
    if (this.amount == null || !Number.isSafeInteger(this.amount) || this.amount < 0) {
      if (this.amount != null) {
        this.status = 'error';
        this.fail('sc_invalid_amount', 'amount must be an integer number of minor units (e.g. 16800 for HK$168).');
      }
      return;
    }
    // the worker prices browser reports from its catalogue: without items there is nothing to price
    const items = this.parseItems(config);
    if (!items.length) {
      this.status = 'not-reported';
      if (DEV_MODE) console.warn('[ShareCart] <sc-order-tracker> needs items="sku:qty,…" (or product) to report an order.');
      return;
    }
    this.reportedFor = this.orderId;
    this.status = 'reporting';
    const referral = storedReferral();
    const visitorId = read<string>(VISITOR_KEY);
    try {
      const answer = await reportBrowserConversion({
        orderId: this.orderId,
        amountMinor: this.amount,
        currency: this.currency || config.shop.currency,
        items,
        ...(referral ? { clickId: referral.clickId } : {}),
        ...(visitorId && visitorId.length >= 8 ? { visitorId } : {}),
      });
      this.browserClaim = answer.buyerClaimToken ?? '';
      this.status = 'reported';
      // an order the shop (or an earlier report) already recorded: nothing new to announce
      if (answer.conversion.recorded != 'unchanged') this.emit('sc-order-report', { orderId: this.orderId, verified: false });
    } catch (e) {
      const err = e as ScError;
      this.status = 'error';
      if (err.status == 0 || err.status >= 500) this.reportedFor = ''; // worth retrying on the next refresh
      this.fail(err.code ?? 'sc_report_failed', err.message ?? String(e), e);
    }
  }

  private parseItems(config: ShopConfig) {
    const out: Array<{ sku: string; quantity: number; unitPriceMinor: number }> = [];
    for (const part of this.items.split(',')) {
      const [sku, qty = '1'] = part.trim().split(':');
      const quantity = Number(qty);
      const product = config.products.find((p) => p.sku == sku);
      if (sku && SKU.test(sku) && Number.isInteger(quantity) && quantity > 0 && product) {
        out.push({ sku, quantity, unitPriceMinor: product.priceMinor });
      }
    }
    const bought = config.products.find((p) => p.sku == this.product);
    if (!out.length && bought) out.push({ sku: bought.sku, quantity: 1, unitPriceMinor: bought.priceMinor });
    return out;
  }

  /** One tap: become a referrer (verified buyer with a claim token), then share. */
  private async share() {
    const result = await this.sharing.run(async () => {
      const claim = this.claimToken || this.browserClaim;
      if (claim && !referrerToken()) {
        try {
          const referrer = await createReferrer({ claimToken: claim });
          this.verified = referrer.verifiedBuyer;
          this.emit('sc-referrer', { referrer });
        } catch (e) {
          // An unusable claim token (invalid, or already used): share as an ordinary referrer where the shop allows it.
          const code = (e as ScError).code;
          if (code != 'invalid_claim_token' && code != 'claim_token_used') throw e;
        }
      }
      return { product: this.product || undefined, url: this.url, text: this.shareText() };
    });
    if (result?.channel) this.shared = true;
  }

  private productConfig() {
    return this.config?.products.find((p) => p.sku == this.product) ?? null;
  }

  private shareText(): string {
    const shop = this.config?.shop.name ?? document.title;
    const product = this.productConfig();
    return product
      ? this.t('shareText', { product: product.names[this.lang_] ?? product.name, shop })
      : this.t('shareTextShop', { shop });
  }

  /** "Friends get 10% off their first order — you earn HK$16.80 when they buy it." */
  private offer(config: ShopConfig): string {
    const locale = this.lang_;
    const { shop, program } = config;
    const money = (minor: number) => formatMoney(minor, shop.currency, locale, shop.currencyExponent);
    const reward = program.friendReward;
    const friend =
      reward.kind == 'percent' && reward.value > 0
        ? this.t('friendPercent', { percent: formatPercent(reward.value, locale), zhe: zhe(reward.value) })
        : reward.kind == 'flat' && reward.value > 0
          ? this.t('friendFlat', { amount: money(reward.value) })
          : '';
    const product = this.productConfig();
    const earn =
      product && product.earnMinor > 0
        ? this.t('earnAmount', { amount: money(product.earnMinor) })
        : program.kind == 'percent'
          ? this.t('earnPercent', { percent: formatPercent(program.rateBps, locale) })
          : this.t('earnAmount', { amount: money(program.flatMinor) });
    if (!friend) return earn.charAt(0).toUpperCase() + earn.slice(1);
    return locale == 'en' ? `${friend}; ${earn}` : `${friend}，${earn}`;
  }

  protected override render() {
    const config = this.config;
    const loading = this.loading && !config;
    const { busy, error, prefetch } = this.sharing;
    const errorText = error ? this.t(error.code == 'referrer_not_allowed' ? 'errorNotAllowed' : 'error') : '';
    return html`<section part="base" class="base ${loading ? 'loading' : ''}" aria-labelledby="title" aria-busy=${loading ? 'true' : 'false'}>
      <span part="icon" class="icon" aria-hidden="true"
        ><slot name="icon"
          ><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2">
            <path d="M6 7h12l1 14H5L6 7z" /><path d="M9 10V6a3 3 0 0 1 6 0v4" /></svg></slot
      ></span>
      <div class="content">
        <h2 part="title" id="title" class="title">${this.t('title')}</h2>
        <p part="text" class="text ${loading ? 'skeleton' : ''}">
          <slot>${config ? this.offer(config) : loading ? this.t('loading') : ''}</slot>
        </p>
        <div class="actions">
          <button
            part="button"
            class=${loading ? 'skeleton' : ''}
            type="button"
            aria-busy=${busy ? 'true' : 'false'}
            @click=${this.share}
            @pointerenter=${prefetch}
            @focus=${prefetch}
          >
            ${this.t('share')}
          </button>
          ${this.verified ? html`<span part="badge" class="badge">✓ ${this.t('verified')}</span>` : nothing}
        </div>
        <p part="status" class="status" role="status">${busy ? this.t('preparing') : this.shared ? this.t('shared') : ''}</p>
        <p part="error" class="error" role="alert">${errorText}</p>
      </div>
    </section>`;
  }
}
