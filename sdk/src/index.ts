/**
 * The npm package's entry, free of side effects: importing it defines no element and touches no
 * page. Register the elements you use, and configure (or boot) the SDK once:
 *
 * ```js
 * import { init } from 'sharecart';
 * import 'sharecart/share-button';            // registers <sc-share-button>
 * init({ key: 'pk_…', api: 'https://shop-worker.example' }); // capture + window.ShareCart + lazy loading
 * ```
 * On the shop's server, verify webhooks with `verifyWebhook` (also alone as `sharecart/webhooks`,
 * which imports nothing else). Or subclass a component without registering the original:
 * ```js
 * import { ShareButton } from 'sharecart';
 * class MyShareButton extends ShareButton {}
 * MyShareButton.define('my-share-button');
 * ```
 */
export { ShareButton } from './components/share-button/share-button.component.js';
export { ShareSheet } from './components/share-sheet/share-sheet.component.js';
export { ReferralBanner } from './components/referral-banner/referral-banner.component.js';
export { ReferrerDashboard, type DashboardView } from './components/referrer-dashboard/referrer-dashboard.component.js';
export { OrderTracker, type OrderReportStatus } from './components/order-tracker/order-tracker.component.js';
export { TeamBuy } from './components/team-buy/team-buy.component.js';
export { ShareCartElement } from './internal/base-element.js';
export { configure, type Settings } from './internal/runtime.js';
export { boot as init, type ShareCartApi, type BootOptions } from './loader/boot.js';
export { captureReferral } from './loader/capture.js';
export { ScError, request, getConfig, referrerToken } from './internal/api-client.js';
export {
  setReferrerToken,
  createReferrer,
  ensureReferrer,
  referrerStats,
  claimReferrer,
  recordShare,
  recordClick,
  reportBrowserConversion,
} from './internal/api-referrer.js';
export { resolveLocale, formatMoney, type Locale } from './internal/i18n.js';
export { formatPercent, zhe } from './internal/i18n-discount.js';
export { referralUrl, shareHref } from './internal/share-links.js';
export type { ShareOptions, ShareResult } from './internal/share-flow.js';
export type { Attribution, TeamMembership } from './internal/storage.js';
export type { ScEventDetails, ScEventName, ScEvent } from './internal/events.js';
export { VERSION } from './internal/env.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookHeaders,
  type WebhookVerificationErrorCode,
} from './webhooks/verify-webhook.js';
