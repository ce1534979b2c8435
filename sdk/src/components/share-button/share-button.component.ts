/**
 * `<sc-share-button>`: "Share & earn HK$15" (the amount is the product's `earnMinor` from the shop
 * config, computed server-side) with the endorsement disclosure under it. A click runs the share
 * flow through the share controller (`internal/share-controller.ts`).
 */
import { html } from 'lit';
import type { ShopConfig } from '../../wire.js';
import { getConfig, type ScError } from '../../internal/api-client.js';
import { ShareCartElement } from '../../internal/base-element.js';
import { formatMoney, loadLocale, translate } from '../../internal/i18n.js';
import { ShareController } from '../../internal/share-controller.js';
import { hostStyles } from '../../internal/styles.js';
import { messages } from './share-button.messages.js';
import styles from './share-button.styles.js';

/**
 * @tagname sc-share-button
 * @summary A share-to-earn button: shares the visitor's personal referral link for a product and shows what they earn.
 *
 * @dependency sc-share-sheet
 *
 * @event sc-share - Something was shared. `detail: { channel, url, product }`; `channel` is `native` for the system share sheet.
 * @event sc-error - The referral link could not be made. `detail: { code, message }`.
 *
 * @slot - Replaces the button's label ("Share & earn HK$15").
 *
 * @csspart base - The wrapper.
 * @csspart button - The button.
 * @csspart icon - The share icon.
 * @csspart label - The label.
 * @csspart disclosure - The disclosure line under the button (hide it with `::part(disclosure) { display: none }` only where the page discloses otherwise).
 * @csspart error - The error message.
 * @csspart sheet - The share sheet's dialog (exported from `sc-share-sheet`, with its `channel`, `copy`, `qr`, `close`, `link`, `title`).
 *
 * @cssproperty --sc-share-button-bg - Button background. Default `--sc-color-primary`.
 * @cssproperty --sc-share-button-color - Button text colour. Default `--sc-color-on-primary`.
 * @cssproperty --sc-share-button-radius - Corner radius. Default `--sc-radius`.
 * @cssproperty --sc-share-button-padding - Button padding.
 * @cssproperty --sc-share-button-min-width - Minimum width (reserves space while loading). Default `11rem`.
 * @cssproperty --sc-share-button-disclosure-color - Disclosure text colour. Default `--sc-color-muted`.
 */
export class ShareButton extends ShareCartElement {
  static override styles = [hostStyles, styles];
  static override properties = {
    product: { reflect: true },
    url: {},
    text: {},
    disclosure: {},
    loading: { type: Boolean, reflect: true },
    config: { state: true },
  };

  /** SKU of the product: the earn amount, page URL and name come from the shop config. */
  product = '';
  /** The page to share instead of the product's URL (http/https only). */
  declare url?: string;
  /** The message shared with the link, instead of the localized default. */
  declare text?: string;
  /** The disclosure line, instead of the shop's configured text or the localized default. */
  declare disclosure?: string;

  private config: ShopConfig | null = null;
  /** Present while the shop config loads (the button keeps its size). */
  loading = false;
  private readonly sharing = new ShareController(this);

  private t(key: keyof (typeof messages)['en'], vars?: Record<string, string>) {
    return translate(messages, this.lang_, key, vars);
  }

  protected override willUpdate(): void {
    if (typeof messages[this.lang_] == 'function') loadLocale(messages, this.lang_).then(() => this.requestUpdate());
  }

  protected override refresh(): void {
    if (!this.allowed || this.config) return;
    this.loading = true;
    getConfig()
      .then((config) => (this.config = config))
      .catch((e: ScError) => this.fail(e.code, e.message, e))
      .finally(() => (this.loading = false));
  }

  /** "Share & earn HK$15", or "Share" when there is nothing to earn or no config. */
  private label(): string {
    const shop = this.config?.shop;
    const product = this.config?.products.find((p) => p.sku == this.product);
    if (!shop || !product || product.earnMinor <= 0) return this.t('share');
    return this.t('earn', { amount: formatMoney(product.earnMinor, product.currency, this.lang_, shop.currencyExponent) });
  }

  protected override render() {
    const disclosure = this.disclosure ?? this.config?.shop.disclosure ?? this.t('disclosure');
    const sharing = this.sharing;
    return html`<div part="base">
      <button
        part="button"
        type="button"
        class=${this.loading ? 'skeleton' : ''}
        aria-busy=${sharing.busy || this.loading ? 'true' : 'false'}
        aria-describedby="disclosure"
        @click=${() => sharing.run(() => ({ product: this.product || undefined, url: this.url, text: this.text }))}
        @pointerenter=${sharing.prefetch}
        @focus=${sharing.prefetch}
      >
        <svg part="icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M18 16a3 3 0 0 0-2.2 1L8.9 13a3 3 0 0 0 0-2l6.9-4A3 3 0 1 0 15 5l-7 4a3 3 0 1 0 0 6l7 4a3 3 0 1 0 3-3z" />
        </svg>
        <span part="label"><slot>${this.loading ? this.t('earn', { amount: '$00' }) : this.label()}</slot></span>
      </button>
      <p part="disclosure" id="disclosure">${disclosure}</p>
      <p part="error" class="error" role="alert">${sharing.error ? this.t('error') : ''}</p>
    </div>`;
  }
}
