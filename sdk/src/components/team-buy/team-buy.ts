/** Registers `<sc-team-buy>` (the share sheet it opens loads with the share flow). */
import { TeamBuy } from './team-buy.component.js';

export { TeamBuy };
TeamBuy.define('sc-team-buy');

declare global {
  interface HTMLElementTagNameMap {
    'sc-team-buy': TeamBuy;
  }
}
