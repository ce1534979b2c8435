/**
 * The elements the script tag loads on demand: tag → its folder's registration module, whose chunk
 * (`sc-<folder>`, rollup.config.ts) is fetched when the tag appears in the page. One line per
 * component folder; a folder another component opens itself (`@dependency`, like the share sheet)
 * may be left out. The build checks this list against `sdk/src/components/*` (scripts/build/components.mjs).
 */
export const COMPONENTS: Record<string, () => Promise<unknown>> = {
  'sc-share-button': () => import('../components/share-button/share-button.js'),
  'sc-referral-banner': () => import('../components/referral-banner/referral-banner.js'),
  'sc-referrer-dashboard': () => import('../components/referrer-dashboard/referrer-dashboard.js'),
  'sc-order-tracker': () => import('../components/order-tracker/order-tracker.js'),
  'sc-team-buy': () => import('../components/team-buy/team-buy.js'),
};
