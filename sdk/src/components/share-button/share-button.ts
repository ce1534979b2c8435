/** Registers `<sc-share-button>` (the share sheet it opens loads with the share flow). */
import { ShareButton } from './share-button.component.js';

export { ShareButton };
ShareButton.define('sc-share-button');

declare global {
  interface HTMLElementTagNameMap {
    'sc-share-button': ShareButton;
  }
}
