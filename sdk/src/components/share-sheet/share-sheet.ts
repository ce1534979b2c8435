/** Registers `<sc-share-sheet>`. */
import { ShareSheet } from './share-sheet.component.js';

export { ShareSheet };
ShareSheet.define('sc-share-sheet');

declare global {
  interface HTMLElementTagNameMap {
    'sc-share-sheet': ShareSheet;
  }
}
