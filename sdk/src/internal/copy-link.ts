/**
 * Copy-link and QR code: the one piece behind every link a component offers to copy or scan (the
 * share sheet, the referrer dashboard), in the spirit of Shoelace's `sl-copy-button` and `sl-qr-code`.
 * It holds its state and renders into its host's own shadow root — not a nested element, so the
 * host's parts (`link`, `copy`, `qr`), ids and ARIA references (`aria-controls="qr"`) stay where shops
 * and assistive technology find them:
 * - `field(url)`: the read-only link (part `link`, selected on focus) and its copy button (part
 *   `copy`, which may copy a variant, e.g. tagged with the channel `copy`); a blocked clipboard
 *   selects the link and `status` says how to copy by hand;
 * - `toggle(…)`: the button that shows and hides the QR code;
 * - `panel(label)`: the QR code (part `qr`, id `qr`), made by uqr (`qr.ts`, fetched on first use). A
 *   failure is reported here, once, as `sc-error` `sc_qr_failed`.
 * Copying and showing the QR code call `onShare(channel, url)`: the host records the share.
 *
 * @example
 * private readonly link = new CopyLink(this, (channel, url) => this.emit('sc-share', { channel, url, product: null }));
 * render() {
 *   return html`<div class="row">${this.link.field(url)}${this.link.toggle(url, 'qr', 'qr-toggle', 'secondary', 'QR code')}</div>
 *     <p role="status">${this.link.status}</p>${this.link.panel('QR code of your link')}`;
 * }
 */
import { html, nothing, svg } from 'lit';
import type { Channel } from '../wire.js';
import type { ShareCartElement } from './base-element.js';
import { localeOf, translate, type Catalog } from './i18n.js';

const messages: Catalog<'link' | 'copy' | 'copied' | 'copyFailed'> = {
  en: {
    link: 'Your link',
    copy: 'Copy link',
    copied: 'Link copied',
    copyFailed: 'Press Ctrl+C (or ⌘C) to copy the selected link',
  },
  'zh-Hant-HK': {
    link: '你的連結',
    copy: '複製連結',
    copied: '已複製連結',
    copyFailed: '請按 Ctrl+C（或 ⌘C）複製已選取的連結',
  },
  'zh-Hans': {
    link: '你的链接',
    copy: '复制链接',
    copied: '已复制链接',
    copyFailed: '请按 Ctrl+C（或 ⌘C）复制已选中的链接',
  },
};

const selectAll = (e: FocusEvent) => (e.target as HTMLInputElement).select();

export class CopyLink {
  /** What the last copy did; '' before the first. */
  private copied: '' | 'copied' | 'copyFailed' = '';
  /** The QR code shown (an SVG path), or null while hidden. */
  qr: { size: number; d: string } | null = null;

  constructor(
    private readonly host: ShareCartElement,
    private readonly onShare: (channel: Channel, url: string) => void,
  ) {}

  private t(key: keyof (typeof messages)['en']): string {
    return translate(messages, localeOf(this.host), key);
  }

  /** "Link copied", or how to copy by hand; '' before the first copy. For the host's live status line. */
  get status(): string {
    return this.copied && this.t(this.copied);
  }

  /** Copies `url`; where the clipboard is blocked, selects the link field instead. */
  async copy(url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.copied = 'copied';
    } catch {
      this.host.renderRoot.querySelector<HTMLInputElement>('input[part=link]')?.select();
      this.copied = 'copyFailed';
    }
    this.host.requestUpdate();
    this.onShare('copy', url);
  }

  /** Shows the QR code of `url` (recorded as a share on `channel`), or hides it. */
  async toggleQr(url: string, channel: Channel): Promise<void> {
    if (this.qr) this.qr = null;
    else {
      try {
        const { qrPath } = await import('./qr.js');
        this.qr = qrPath(url);
        this.onShare(channel, url);
      } catch (e) {
        this.host.fail('sc_qr_failed', 'The QR code could not be made.', e);
      }
    }
    this.host.requestUpdate();
  }

  /**
   * The read-only link field showing `url` and its button copying `copied`; `describedBy`: the id of
   * a hint beside them.
   */
  field(url: string, copied = url, describedBy?: string) {
    return html`<input
        part="link"
        class="link"
        readonly
        .value=${url}
        aria-label=${this.t('link')}
        aria-describedby=${describedBy ?? nothing}
        @focus=${selectAll}
      /><button part="copy" class="copy" type="button" @click=${() => this.copy(copied)}>${this.t('copy')}</button>`;
  }

  /** The button that shows and hides the QR code of `url` (it controls the panel). */
  toggle(url: string, channel: Channel, part: string, className: string, label: unknown) {
    return html`<button
      part=${part}
      class=${className}
      type="button"
      aria-expanded=${this.qr ? 'true' : 'false'}
      aria-controls="qr"
      @click=${() => this.toggleQr(url, channel)}
    >
      ${label}
    </button>`;
  }

  /** The QR code panel, `label` naming the image; `caption` repeats it visibly under the code. */
  panel(label: string, caption = false) {
    const qr = this.qr;
    return html`<div part="qr" class="qr" id="qr" ?hidden=${!qr}>
      ${
        qr
          ? html`<svg viewBox="0 0 ${qr.size} ${qr.size}" role="img" aria-label=${label}>${svg`<path d=${qr.d} />`}</svg>${
              caption ? html`<span>${label}</span>` : nothing
            }`
          : nothing
      }
    </div>`;
  }
}
