/**
 * Extending a ShareCart component from the npm package (the bundler way).
 *
 * `<hl-gift-share-button>` is Harbour Leaf's own share button: everything `<sc-share-button>` does
 * (the earn amount from the shop config, the share flow, the disclosure, events), plus a gift tag
 * above the button, a `note` attribute, a new look, and a "shared" state after a share.
 * Importing the class never registers `<sc-share-button>`: only the subclass's tag is defined.
 *
 * ```sh
 * npm install sharecart lit
 * ```
 * ```js
 * // main.js — configure first (imports run in order), then define the elements
 * import './sharecart-setup.js'; // import { init } from 'sharecart'; init({ key: 'pk_…', api: 'https://shop-worker.example' });
 * import './gift-share-button.js';
 * ```
 */
import { css, html } from 'lit';
import { ShareButton } from 'sharecart';

export class GiftShareButton extends ShareButton {
  static override styles = [
    ...ShareButton.styles,
    css`
      :host {
        --sc-share-button-bg: linear-gradient(135deg, #1f4d3a, #2b6a50);
        --sc-share-button-radius: 999px;
        --sc-share-button-padding: 0.75rem 1.5rem;
      }
      [part~='button'] {
        background: var(--sc-share-button-bg);
        box-shadow: 0 6px 16px rgb(31 77 58 / 0.3);
      }
      .tag {
        display: inline-block;
        margin: 0 0 0.5rem;
        padding: 0.125rem 0.625rem;
        font-size: 0.8125em;
        font-weight: 600;
        color: #8a3b12;
        background: #ffedd5;
        border-radius: 999px;
      }
      :host([shared]) [part~='button'] {
        --sc-share-button-bg: #15803d;
      }
    `,
  ];

  static override properties = {
    ...ShareButton.properties,
    note: {},
    shared: { type: Boolean, reflect: true },
  };

  /** The gift tag above the button. */
  note = 'Gift idea 送禮之選';
  /** Set once the visitor has shared (restyles the button). */
  shared = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('sc-share', () => (this.shared = true));
  }

  protected override render() {
    return html`<p part="tag" class="tag">🎁 ${this.note}</p>${super.render()}`;
  }
}

GiftShareButton.define('hl-gift-share-button');

declare global {
  interface HTMLElementTagNameMap {
    'hl-gift-share-button': GiftShareButton;
  }
}
