// Extending a ShareCart component with no build step (the script-tag way): the same
// <hl-gift-share-button> as gift-share-button.ts, subclassing the class the ShareCart script tag
// registered for <sc-share-button>. Lit's `css`/`html` are not needed: the extra styles are a
// constructable stylesheet, and the gift tag is plain DOM beside the element.
await customElements.whenDefined('sc-share-button');
const ShareButton = customElements.get('sc-share-button');

const giftStyles = new CSSStyleSheet();
giftStyles.replaceSync(`
  :host {
    --sc-share-button-bg: linear-gradient(135deg, #1f4d3a, #2b6a50);
    --sc-share-button-radius: 999px;
    --sc-share-button-padding: 0.75rem 1.5rem;
  }
  [part~='button'] {
    background: var(--sc-share-button-bg);
    box-shadow: 0 6px 16px rgb(31 77 58 / 0.3);
  }
  :host([shared]) [part~='button'] {
    --sc-share-button-bg: #15803d;
  }
`);

export class GiftShareButton extends ShareButton {
  static styles = [...[ShareButton.styles].flat(), giftStyles];
  static properties = { shared: { type: Boolean, reflect: true } };

  constructor() {
    super();
    /** Set once the visitor has shared (restyles the button). */
    this.shared = false;
    this.addEventListener('sc-share', () => (this.shared = true));
  }
}

GiftShareButton.define('hl-gift-share-button');
