/** Registers `<sc-shop-dashboard>`. */
import { ShopDashboard } from './shop-dashboard.component.js';

export { ShopDashboard };

customElements.get('sc-shop-dashboard') || customElements.define('sc-shop-dashboard', ShopDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'sc-shop-dashboard': ShopDashboard;
  }
}
