/**
 * The share sheet: a native modal `<dialog>` (inert page behind, Esc closes) with its own focus
 * trap, the referral link with copy-link, a real `<a target="_blank" rel="noopener noreferrer">` per
 * network, and WeChat as a QR code (link, copy and QR code: `internal/copy-link.ts`). Inside WeChat's
 * browser it points to the ⋯ menu (and puts the referral link in the address bar, which is what that
 * menu shares); inside Instagram's and Facebook's browsers it leads with copy-link.
 */
import { html, nothing, type PropertyValues } from 'lit';
import type { Channel } from '../../wire.js';
import { referrerToken } from '../../internal/api-client.js';
import { recordShare } from '../../internal/api-referrer.js';
import { ShareCartElement } from '../../internal/base-element.js';
import { CopyLink } from '../../internal/copy-link.js';
import { translate } from '../../internal/i18n.js';
import { LINK_CHANNELS, referralUrl, safeHttpUrl, shareHref } from '../../internal/share-links.js';
import { srOnlyStyles } from '../../internal/sr-only.js';
import { hostStyles } from '../../internal/styles.js';
import { messages } from './share-sheet.messages.js';
import styles from './share-sheet.styles.js';

/**
 * @tagname sc-share-sheet
 * @summary A dialog to share a referral link: networks, copy link and a WeChat QR code.
 *
 * @event sc-share - A channel was used (link opened, link copied, QR shown). `detail: { channel, url, product }`.
 * @event sc-share-sheet-toggle - The dialog opened or closed. `detail: { open }`.
 *
 * @csspart dialog - The `<dialog>` element.
 * @csspart header - The title row.
 * @csspart title - The heading.
 * @csspart close - The close button.
 * @csspart link - The read-only input holding the link.
 * @csspart copy - The copy-link button.
 * @csspart channels - The list of networks.
 * @csspart channel - Each network's link or button (also `channel-<name>`, e.g. `channel-whatsapp`).
 * @csspart qr - The WeChat QR code panel.
 * @csspart hint - The in-app browser hint.
 * @csspart status - The live status line ("Link copied").
 *
 * @cssproperty --sc-share-sheet-bg - Dialog background. Default `--sc-color-surface`.
 * @cssproperty --sc-share-sheet-color - Dialog text colour. Default `--sc-color-text`.
 * @cssproperty --sc-share-sheet-radius - Corner radius. Default `--sc-radius`.
 * @cssproperty --sc-share-sheet-accent - Copy button colour. Default `--sc-color-primary`.
 * @cssproperty --sc-share-sheet-backdrop - Backdrop colour.
 */
export class ShareSheet extends ShareCartElement {
  static override styles = [hostStyles, srOnlyStyles, styles];
  static override properties = {
    link: {},
    code: {},
    refParam: { attribute: 'ref-param' },
    text: {},
    heading: {},
    product: {},
    mode: {},
    open: { type: Boolean, reflect: true },
  };

  /** The page to share (http/https); the referral code and channel are added per network. */
  link = '';
  /** The referrer's code; without one the link is shared as it is and nothing is recorded. */
  code: string | null = null;
  /** The referral query parameter. */
  refParam = 'ref';
  /** The message shared with the link. */
  text = '';
  /** The title (e-mail subject). */
  heading = '';
  /** The product SKU the share is recorded with. */
  product: string | null = null;
  /** `default`; `wechat` (inside WeChat's browser); `copy-first` (Instagram/Facebook in-app browsers). */
  mode: 'default' | 'wechat' | 'copy-first' = 'default';
  /** Whether the dialog is open. */
  open = false;

  private readonly copyLink = new CopyLink(this, (channel, url) => this.record(channel, url));
  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }
  private opener: HTMLElement | null = null;
  private addressBefore: string | null = null;

  /** Opens the dialog. */
  show(): void {
    this.open = true;
  }

  /** Closes the dialog and returns focus to what opened it. */
  hide(): void {
    this.open = false;
  }

  private t(key: keyof (typeof messages)['en'], vars?: Record<string, string>) {
    return translate(messages, this.lang_, key, vars);
  }

  /** The link for one channel: the referral code plus `utm_source=<channel>`. */
  channelUrl(channel: Channel): string {
    const base = safeHttpUrl(this.link)?.href ?? '';
    return base && this.code ? referralUrl(base, this.code, { param: this.refParam, channel }) : base;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open') || !this.dialog) return;
    if (this.open && !this.dialog.open) {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      this.opener = active as HTMLElement | null;
      this.dialog.showModal();
      (this.renderRoot.querySelector<HTMLElement>(this.mode == 'default' ? '.close' : '.copy') ?? this.dialog).focus();
      const wechatUrl = this.channelUrl('wechat');
      if (this.mode == 'wechat' && this.code && new URL(wechatUrl).origin == location.origin) {
        // WeChat's ⋯ menu shares the address bar: put the referral link there while the sheet is open.
        this.addressBefore = location.href;
        history.replaceState(history.state, '', wechatUrl);
        this.record('wechat');
      }
      this.emit('sc-share-sheet-toggle', { open: true });
    } else if (!this.open && changed.get('open')) {
      if (this.dialog.open) this.dialog.close();
      if (this.addressBefore) history.replaceState(history.state, '', this.addressBefore);
      this.addressBefore = null;
      this.opener?.focus?.();
      this.emit('sc-share-sheet-toggle', { open: false });
    }
  }

  /** Records a share: the event always, the API call when there is a referrer. */
  private record(channel: Channel, url = this.channelUrl(channel)) {
    this.emit('sc-share', { channel, url, product: this.product });
    if (this.code && referrerToken()) recordShare(channel, this.product ?? undefined).catch(() => {});
  }

  private onKeydown(e: KeyboardEvent) {
    if (e.key != 'Tab') return;
    const items = [...this.dialog.querySelectorAll<HTMLElement>('a[href], button, input')];
    const active = this.shadowRoot!.activeElement;
    const [first, last] = [items[0], items[items.length - 1]];
    if (e.shiftKey ? active == first || !active : active == last) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  }

  private channel(c: Channel, label: string) {
    return html`<span class="dot ${c}"></span><span>${label}</span>`;
  }

  protected override render() {
    const link = this.copyLink;
    return html`<dialog
      part="dialog"
      aria-labelledby="title"
      @keydown=${this.onKeydown}
      @cancel=${(e: Event) => (e.preventDefault(), this.hide())}
      @close=${() => this.hide()}
      @click=${(e: Event) => e.target == this.dialog && this.hide()}
    >
      <header part="header">
        <h2 part="title" id="title">${this.t('title')}</h2>
        <button part="close" class="close" type="button" aria-label=${this.t('close')} @click=${this.hide}>×</button>
      </header>
      ${
        this.mode == 'wechat'
          ? html`<p part="hint" class="wechat-menu">${this.t('wechatMenu')}</p>`
          : this.mode == 'copy-first'
            ? html`<p part="hint" class="hint">${this.t('inAppCopy')}</p>`
            : nothing
      }
      <div class="row">${link.field(this.channelUrl('copy'))}</div>
      <p part="status" class="status" role="status">${link.status}</p>
      <ul part="channels">
        ${LINK_CHANNELS.map(
          (c) =>
            html`<li>
              <a
                part="channel channel-${c}"
                class="channel"
                href=${shareHref(c, this.channelUrl(c), this.text, this.heading)}
                target="_blank"
                rel="noopener noreferrer"
                @click=${() => this.record(c)}
                >${this.channel(c, this.t(c))}<span class="sr-only">${this.t('newTab')}</span></a
              >
            </li>`,
        )}
        <li>
          ${link.toggle(this.channelUrl('wechat'), 'wechat', 'channel channel-wechat', 'channel', this.channel('wechat', this.t('wechat')))}
        </li>
      </ul>
      ${link.panel(this.t('wechatScan'), true)}
    </dialog>`;
  }
}
