/** Registers `<sc-referral-banner>`. */
import { ReferralBanner } from './referral-banner.component.js';

export { ReferralBanner };
ReferralBanner.define('sc-referral-banner');

declare global {
  interface HTMLElementTagNameMap {
    'sc-referral-banner': ReferralBanner;
  }
}
