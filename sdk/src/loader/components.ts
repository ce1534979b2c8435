/**
 * The elements the script tag loads on demand: tag → its registration chunk. Add a component here
 * (and nowhere else) to make it lazy-loadable; each dynamic import becomes its own chunk.
 */
export const COMPONENTS: Record<string, () => Promise<unknown>> = {
  'sc-share-button': () => import('../components/share-button/share-button.js'),
  'sc-referral-banner': () => import('../components/referral-banner/referral-banner.js'),
  'sc-referrer-dashboard': () => import('../components/referrer-dashboard/referrer-dashboard.js'),
  'sc-order-tracker': () => import('../components/order-tracker/order-tracker.js'),
};
