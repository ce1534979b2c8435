// A shop for a load scenario, made through the worker's own admin API: one product (oolong, HK$168),
// the bench's origin allowed, and one referrer. Used by the stage bench, bench/ab.mjs and
// bench/threads.mjs (bench/run.mjs makes its shops with more products and programs).

/** Request headers of a key, from the bench's origin. */
export const keyHeaders = (key, origin) => ({
  Authorization: `Bearer ${key}`,
  Origin: origin,
  'Content-Type': 'application/json',
});

/**
 * @param {{ url: string, origin: string, admin: string, name: string, program?: object }} opts
 * @returns {Promise<{ pk: string, sk: string, referrer: { id: string, code: string } }>}
 */
export async function createBenchShop({ url, origin, admin, name, program }) {
  const post = async (path, key, body) => {
    const res = await fetch(url + path, { method: 'POST', headers: keyHeaders(key, origin), body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const shop = await post('/v1/admin/shops', admin, {
    name,
    currency: 'HKD',
    siteUrl: `${origin}/`,
    allowedOrigins: [origin],
    ...(program ? { program } : {}),
    products: [{ sku: 'oolong-250g', name: 'Oolong', priceMinor: 16800 }],
  });
  const { referrer } = await post('/v1/referrers', shop.publishableKey, {});
  return { pk: shop.publishableKey, sk: shop.secretKey, referrer };
}
