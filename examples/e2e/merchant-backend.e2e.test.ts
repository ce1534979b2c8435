/**
 * The example merchant backend (examples/merchant/server.mjs) against the real worker: it prices
 * orders from the catalogue whatever the form says, attributes with the click id from the form or
 * the `sc_ref` cookie, makes one order however often the form is sent, refuses forms from other
 * sites, and never lets the secret key out.
 */
import { describe, expect, test } from 'vitest';
import { api, DEMO, merchant, secretApi, shop } from './support/browser.js';

const origin = new URL(api).origin;

/** Posts the checkout form as the shop's page would (manual redirects: we read the Location). */
async function checkout(fields: Array<[string, string]>, headers: Record<string, string> = {}) {
  const res = await fetch(`${merchant}/checkout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const body = await res.text();
  return { res, body, location: res.headers.get('location') ?? '' };
}

const contact: Array<[string, string]> = [
  ['name', 'Test Buyer'],
  ['email', 'merchant.e2e@example.com'],
  ['address', '1 Queen’s Road Central'],
];

/** A real referral click, as the SDK records it from the shop's page. */
async function click(code = 'maggie'): Promise<string> {
  const res = await fetch(`${api}/v1/clicks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO.publishableKey}`, 'content-type': 'application/json', origin },
    body: JSON.stringify({ code, landingUrl: `${shop}index`, visitorId: `e2e-${crypto.randomUUID()}` }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { clickId: string }).clickId;
}

describe('the merchant backend', () => {
  test('prices from the catalogue, ignoring prices and totals sent by the browser', async () => {
    const { res, location } = await checkout([
      ...contact,
      ['item', 'egg-rolls:3'],
      ['price', '1'],
      ['amount', '1'],
      ['total', '1'],
      ['checkout_id', crypto.randomUUID()],
    ]);
    expect(res.status).toBe(303);
    const thankYou = new URL(location);
    expect(thankYou.href.startsWith(`${shop}thank-you?`)).toBe(true);
    expect(thankYou.searchParams.get('amount')).toBe('29400'); // 3 × HK$98, no referral
    expect(thankYou.searchParams.get('total')).toBe('32400'); // + HK$30 delivery under HK$300
    const { conversion } = await secretApi<{ conversion: { amountMinor: number; referrerId: string | null; items: unknown[] } }>(
      `/v1/conversions/${await conversionIdOf(thankYou.searchParams.get('order')!)}`,
    );
    expect(conversion.amountMinor).toBe(29400);
    expect(conversion.referrerId).toBeNull();
    expect(conversion.items).toEqual([{ sku: 'egg-rolls', quantity: 3, unitPriceMinor: 9800 }]);
  });

  test('attributes with the sc_ref cookie when the form has no click id, and applies the friend discount', async () => {
    const clickId = await click();
    const cookie = `sc_ref=${encodeURIComponent(JSON.stringify({ clickId, code: 'maggie', expires: Date.now() + 864e5 }))}`;
    const { location } = await checkout([...contact, ['item', 'xo-sauce:1'], ['checkout_id', crypto.randomUUID()]], { cookie });
    const thankYou = new URL(location);
    expect(thankYou.searchParams.get('amount')).toBe('24120'); // HK$268 − 10 %
    const orderId = thankYou.searchParams.get('order')!;
    const order = await merchantOrder(orderId);
    expect(order.clickId).toBe(clickId);
    expect(order.commissionMinor).toBe(2412);
    expect(order.commissionStatus).toBe('pending');
  });

  test('the same checkout sent twice makes one order and one conversion', async () => {
    const clickId = await click();
    const form: Array<[string, string]> = [
      ...contact,
      ['item', 'almond-cookies:2'],
      ['sharecart_click', clickId],
      ['checkout_id', crypto.randomUUID()],
    ];
    const [a, b] = await Promise.all([checkout(form), checkout(form)]);
    const first = new URL(a.location);
    const second = new URL(b.location);
    expect(second.searchParams.get('order')).toBe(first.searchParams.get('order'));
    expect(second.searchParams.get('claim')).toBe(first.searchParams.get('claim'));
    const orders = await merchantOrders();
    expect(orders.filter((o) => o.orderId == first.searchParams.get('order'))).toHaveLength(1);
  });

  test('sends the buyer back for an empty cart, unknown products or a missing email', async () => {
    expect((await checkout([...contact, ['checkout_id', crypto.randomUUID()]])).location).toBe(
      `${shop}checkout?error=empty_cart`,
    );
    expect((await checkout([...contact, ['item', 'no-such-tea:1']])).location).toBe(`${shop}checkout?error=unknown_product`);
    expect((await checkout([...contact, ['item', 'oolong-250g:0']])).location).toBe(`${shop}checkout?error=invalid_cart`);
    expect(
      (
        await checkout([
          ['name', 'x'],
          ['item', 'oolong-250g:1'],
        ])
      ).location,
    ).toBe(`${shop}checkout?error=invalid_contact`);
  });

  test('refuses a form posted from another site', async () => {
    const { res } = await checkout([...contact, ['item', 'oolong-250g:1']], { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  test('never lets the secret key out', async () => {
    const answers = await Promise.all([
      checkout([...contact, ['item', 'oolong-250g:1'], ['checkout_id', crypto.randomUUID()]]),
      fetch(`${merchant}/`).then(async (res) => ({ res, body: await res.text(), location: '' })),
      fetch(`${merchant}/orders`).then(async (res) => ({ res, body: await res.text(), location: '' })),
    ]);
    for (const { res, body } of answers) {
      expect(body).not.toContain('sk_');
      expect(JSON.stringify([...res.headers])).not.toContain('sk_');
    }
  });
});

type MerchantOrder = {
  orderId: string;
  clickId: string | null;
  conversionId: string | null;
  commissionMinor: number | null;
  commissionStatus: string | null;
};

async function merchantOrders(): Promise<MerchantOrder[]> {
  return ((await (await fetch(`${merchant}/orders`)).json()) as { data: MerchantOrder[] }).data;
}

async function merchantOrder(orderId: string): Promise<MerchantOrder> {
  const order = (await merchantOrders()).find((o) => o.orderId == orderId);
  if (!order) throw new Error(`the merchant backend has no order ${orderId}`);
  return order;
}

async function conversionIdOf(orderId: string): Promise<string> {
  const id = (await merchantOrder(orderId)).conversionId;
  if (!id) throw new Error(`order ${orderId} was not reported to ShareCart`);
  return id;
}
