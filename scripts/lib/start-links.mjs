// What `npm start` prints: every address of the local system, in one place for the banner and for the
// end-to-end test that fetches each one and refuses a 404 (examples/e2e/first-run.e2e.test.ts).

/**
 * The pages and endpoints, in the banner's order.
 * @param {string} base the worker, e.g. http://127.0.0.1:8787
 * @param {{ merchant?: string | null }} [options] the example merchant backend, when it runs
 * @returns {Array<{ label: string, url: string }>}
 */
export function startLinks(base, { merchant = null } = {}) {
  return [
    { label: 'Start page', url: `${base}/` },
    { label: 'Demo shop', url: `${base}/shop/` },
    { label: 'Strict-CSP page', url: `${base}/shop/csp` },
    { label: 'Extend example', url: `${base}/extend/` },
    { label: 'Shop dashboard', url: `${base}/dashboard/` },
    { label: 'API', url: `${base}/v1/` },
    { label: 'API reference', url: `${base}/docs` },
    { label: 'OpenAPI', url: `${base}/openapi.json` },
    { label: 'SDK bundle', url: `${base}/sdk/sharecart.js` },
    ...(merchant ? [{ label: 'Merchant backend', url: `${merchant}/` }] : []),
  ];
}

/**
 * The demo referrers' short links (`/r/CODE` records a click and redirects to the shop).
 * @param {string} base
 * @param {Array<{ code: string, vanityCode: string | null }>} referrers the seed's summary
 */
export const referralLinks = (base, referrers) => referrers.map((r) => `${base}/r/${r.vanityCode ?? r.code}`);
