/** Registers `<sc-share-button>` (and the share sheet it opens, which loads with the share flow). */
import { ShareButton } from './share-button.component.js';

export { ShareButton };
ShareButton.define('sc-share-button');

declare global {
  interface HTMLElementTagNameMap {
    'sc-share-button': ShareButton;
  }
}
