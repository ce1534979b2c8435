/**
 * Every list pages the same way (`limit`, `starting_after`, and `{ data, has_more }`): walking a
 * list two at a time returns every item exactly once, in the list's order, and `has_more` is false
 * only on the last page.
 */
import { describe, expect, it } from 'vitest';
import { call, createReferrer, createShop, type TestShop } from './helpers';
import { T0, clickId, reportOrder } from './fixtures';

/** Walks a list two at a time; returns `idOf` of every item (the cursor is each item's `cursorKey`). */
async function walk(shop: TestShop, path: string, idOf: (item: Record<string, unknown>) => string, cursorKey = 'id') {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(`${path}${sep}limit=2${after ? `&starting_after=${encodeURIComponent(after)}` : ''}`, {
      key: shop.sk,
      now: T0 + 1000,
    });
    expect(res.status).toBe(200);
    expect(
      Object.keys(res.body)
        .filter((k) => k !== 'totals')
        .sort(),
    ).toEqual(['data', 'has_more']);
    const items = res.body.data as Array<Record<string, unknown>>;
    seen.push(...items.map(idOf));
    if (!res.body.has_more) return seen;
    expect(items).toHaveLength(2);
    after = items.at(-1)![cursorKey] as string;
  }
  throw new Error('no last page');
}

describe('one pagination shape for every list', () => {
  it('conversions, referrers, ledger entries, balances and products each walk to the end, once each', async () => {
    const shop = await createShop();
    const referrers = [];
    for (let i = 0; i < 5; i++) referrers.push(await createReferrer(shop));
    for (let i = 0; i < 5; i++) {
      const clk = await clickId(shop, referrers[i]!.referrer.code, T0 + i);
      const res = await reportOrder(
        shop,
        { orderId: `PG-${i}`, amountMinor: 10000, currency: 'HKD', clickId: clk },
        { now: T0 + i },
      );
      expect(res.status).toBe(201);
    }
    const conversions = await walk(shop, '/v1/conversions', (c) => c.orderId as string);
    expect(conversions).toEqual(['PG-4', 'PG-3', 'PG-2', 'PG-1', 'PG-0']); // newest first
    const listed = await walk(shop, '/v1/referrers', (r) => r.id as string);
    expect([...listed].sort()).toEqual(referrers.map((r) => r.referrer.id).sort());
    expect(new Set(listed).size).toBe(5);
    const entries = await walk(shop, '/v1/ledger', (e) => e.id as string);
    expect(entries).toHaveLength(5);
    const balances = await walk(shop, '/v1/balances', (b) => b.referrerId as string, 'referrerId');
    expect([...balances].sort()).toEqual(referrers.map((r) => r.referrer.id).sort());
    const products = await walk(shop, '/v1/products', (p) => p.sku as string, 'sku');
    expect(products).toEqual([...products].sort());
    expect(products.length).toBeGreaterThanOrEqual(3);
    // the totals cover every referrer, whatever the page
    const first = await call('/v1/balances?limit=1', { key: shop.sk });
    expect(first.body.totals).toMatchObject({ pending: 5000 });
  });
});
