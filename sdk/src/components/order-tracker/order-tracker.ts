/** Registers `<sc-order-tracker>` (the share sheet it opens loads with the share flow). */
import { OrderTracker } from './order-tracker.component.js';

export { OrderTracker };
OrderTracker.define('sc-order-tracker');

declare global {
  interface HTMLElementTagNameMap {
    'sc-order-tracker': OrderTracker;
  }
}
