/** Registers `<sc-referrer-dashboard>`. */
import { ReferrerDashboard } from './referrer-dashboard.component.js';

export { ReferrerDashboard };
ReferrerDashboard.define('sc-referrer-dashboard');

declare global {
  interface HTMLElementTagNameMap {
    'sc-referrer-dashboard': ReferrerDashboard;
  }
}
