import { describe, expect, it } from 'vitest';
import { call, click, createReferrer, createShop, ORIGIN } from './helpers';

describe('the referral flow end to end inside workerd', () => {
  it('creates a shop, records a click, reports an order and credits a pending commission', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const clicked = await click(shop, referrer.code, { channel: 'whatsapp' });
    expect(clicked.status).toBe(201);
    const order = await call('/v1/conversions', {
      key: shop.sk,
      body: {
        orderId: 'A-1',
        amountMinor: 16800,
        currency: 'HKD',
        items: [{ sku: 'oolong-250g', quantity: 1, unitPriceMinor: 16800 }],
        clickId: clicked.body.clickId,
      },
    });
    expect(order.status).toBe(201);
    expect(order.body.conversion.source).toBe('click');
    expect(order.body.conversion.commissionMinor).toBe(1680);
    const me = await call('/v1/referrers/me', { key: shop.pk, origin: ORIGIN, headers: { 'X-Referrer-Token': token } });
    expect(me.status).toBe(200);
    expect(me.body.balances.pending).toBe(1680);
    expect(me.body.stats.clicks).toBe(1);
  });
});
