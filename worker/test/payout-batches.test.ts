/**
 * Payout batches (issue 7 §2): the referrers due (available at or above the shop's threshold), the
 * PayPal Payouts and bank/FPS files (checked line by line), and "mark paid" writing the payout
 * ledger entries exactly once under concurrent clicks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, createReferrer, createShop, type TestShop } from './helpers';
import { T0, count, reportOrder, settle, sumBuckets, ledgerOf } from './fixtures';

let shop: TestShop;
const ids: Record<'fps' | 'paypal' | 'phone' | 'small' | 'none', string> = {
  fps: '',
  paypal: '',
  phone: '',
  small: '',
  none: '',
};

async function earn(code: string, orderId: string, amountMinor: number) {
  const res = await reportOrder(shop, { orderId, amountMinor, currency: 'HKD', referralCode: code });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  shop = await createShop({ name: 'Harbour, "Leaf"', program: { kind: 'percent', rateBps: 1000, holdDays: 0, windowDays: 30 } });
  const people = {
    fps: { displayName: '=HYPERLINK("x")', fpsId: '1234567' },
    paypal: { displayName: 'Ka Yan, "KY"', paypalEmail: 'KaYan@Example.HK' },
    phone: { displayName: '陳美琪', phone: '+852 9123 4567' },
    small: { displayName: 'Small', fpsId: '7654321' },
    none: { displayName: 'Nobody' },
  } as const;
  let n = 0;
  for (const [key, p] of Object.entries(people) as Array<[keyof typeof ids, Record<string, string>]>) {
    const { referrer } = await createReferrer(shop);
    ids[key] = referrer.id;
    const { phone, ...managed } = p;
    if (phone) {
      // contact given by the referrer (claim), payout details by the shop
      const row = await env.DB.prepare('UPDATE referrers SET phone = ? WHERE id = ?').bind(phone, referrer.id).run();
      expect(row.meta.changes).toBe(1);
    }
    const patched = await call(`/v1/referrers/${referrer.id}`, { method: 'PATCH', key: shop.sk, body: managed });
    expect(patched.status).toBe(200);
    await earn(referrer.code, `PB-${++n}`, key === 'small' ? 5_000 : 120_000 + n * 100);
  }
  await settle(T0);
  const threshold = await call('/v1/shop', { method: 'PATCH', key: shop.sk, body: { payoutThresholdMinor: 10_000 } });
  expect(threshold.body.shop.payoutThresholdMinor).toBe(10_000);
});

describe('payout batches', () => {
  let batchId = '';
  let items: Array<{ payoutId: string; referrerId: string; amountMinor: number; rail: string }> = [];

  it('lists the referrers due: available at or above the threshold, with the rail each is paid by', async () => {
    const due = await call('/v1/payouts/due', { key: shop.sk });
    expect(due.status).toBe(200);
    const byId = Object.fromEntries(due.body.data.map((d: { referrerId: string; rail: string }) => [d.referrerId, d.rail]));
    expect(byId).toEqual({ [ids.fps]: 'fps', [ids.paypal]: 'paypal', [ids.phone]: 'fps', [ids.none]: 'manual' });
    // 10 % of HK$50 is below the HK$100 threshold
    expect(Object.keys(byId)).not.toContain(ids.small);
  });

  it('makes a batch of them, and the files list each item on its rail', async () => {
    const created = await call('/v1/payouts/batches', { key: shop.sk, body: {}, now: T0 });
    expect(created.status).toBe(201);
    batchId = created.body.batch.id;
    items = created.body.batch.items;
    expect(created.body.batch).toMatchObject({ status: 'open', currency: 'HKD', itemCount: 4 });
    const item = (id: string) => items.find((i) => i.referrerId === id)!;
    const amount = (id: string) => (item(id).amountMinor / 100).toFixed(2);

    const paypal = await call(`/v1/payouts/batches/${batchId}/paypal.csv`, { key: shop.sk });
    expect(paypal.status).toBe(200);
    expect(paypal.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(paypal.headers.get('Content-Disposition')).toBe(`attachment; filename="${batchId}-paypal.csv"`);
    expect((paypal.body as string).split('\r\n')).toEqual([
      `kayan@example.hk,${amount(ids.paypal)},HKD,${item(ids.paypal).payoutId},"Harbour, ""Leaf"" referral commission",PAYPAL`,
      '',
    ]);

    const bank = await call(`/v1/payouts/batches/${batchId}/bank.csv`, { key: shop.sk });
    const lines = (bank.body as string).split('\r\n');
    expect(lines[0]).toBe('payout_id,referrer_code,name,amount,currency,rail,fps_id,phone,email,bank_account,reference');
    const codes = Object.fromEntries(
      (await env.DB.prepare('SELECT id, code FROM referrers').all<{ id: string; code: string }>()).results.map((r) => [
        r.id,
        r.code,
      ]),
    );
    const ref = (id: string) => `"Harbour, ""Leaf"" ${item(id).payoutId}"`;
    expect(lines.slice(1).sort()).toEqual(
      [
        // a formula-looking name is escaped (no spreadsheet injection)
        `${item(ids.fps).payoutId},${codes[ids.fps]},"'=HYPERLINK(""x"")",${amount(ids.fps)},HKD,fps,1234567,,,,${ref(ids.fps)}`,
        `${item(ids.phone).payoutId},${codes[ids.phone]},陳美琪,${amount(ids.phone)},HKD,fps,+852 9123 4567,+852 9123 4567,,,${ref(ids.phone)}`,
        `${item(ids.none).payoutId},${codes[ids.none]},Nobody,${amount(ids.none)},HKD,manual,,,,,${ref(ids.none)}`,
        '',
      ].sort(),
    );
  });

  it('holds its referrers: they are not due again, and no single payout spends their balance meanwhile', async () => {
    expect((await call('/v1/payouts/due', { key: shop.sk })).body.data).toEqual([]);
    const again = await call('/v1/payouts/batches', { key: shop.sk, body: {} });
    expect([again.status, again.body.error.code]).toEqual([422, 'nothing_to_pay']);
    const single = await call('/v1/payouts', { key: shop.sk, body: { referrerId: ids.paypal } });
    expect([single.status, single.body.error.code]).toEqual([409, 'payout_in_batch']);
  });

  it('mark paid, clicked 20 times at once, writes each payout and its ledger entries exactly once', async () => {
    const before = await count("SELECT count(*) AS n FROM ledger_entries WHERE type = 'payout'");
    expect(before).toBe(0);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(`/v1/payouts/batches/${batchId}/mark-paid`, { key: shop.sk, body: {}, now: T0 + 1000 }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    for (const a of answers) expect(a.body.batch).toMatchObject({ status: 'paid', paidAt: T0 + 1000, itemCount: 4 });
    expect(await count('SELECT count(*) AS n FROM payouts')).toBe(4);
    expect(await count("SELECT count(*) AS n FROM ledger_entries WHERE type = 'payout'")).toBe(8);
    expect(await count("SELECT count(*) AS n FROM outbox_events WHERE type = 'payout.paid'")).toBe(4);
    for (const i of items) {
      const b = sumBuckets(await ledgerOf({ referrerId: i.referrerId }));
      expect({ available: b.available, paid: b.paid }).toEqual({ available: 0, paid: i.amountMinor });
    }
    // again, later: the same batch, nothing written
    const later = await call(`/v1/payouts/batches/${batchId}/mark-paid`, { key: shop.sk, body: {}, now: T0 + 9000 });
    expect(later.body.batch.paidAt).toBe(T0 + 1000);
    expect(await count("SELECT count(*) AS n FROM ledger_entries WHERE type = 'payout'")).toBe(8);
    // a paid batch cannot be cancelled
    expect((await call(`/v1/payouts/batches/${batchId}/cancel`, { key: shop.sk, body: {} })).status).toBe(409);
  });

  it('a cancelled batch is never paid, and its referrers are due again', async () => {
    await earn(
      (await env.DB.prepare('SELECT code FROM referrers WHERE id = ?').bind(ids.fps).first<{ code: string }>())!.code,
      'PB-X',
      300_000,
    );
    await settle(T0 + 2000);
    const created = await call('/v1/payouts/batches', { key: shop.sk, body: { referrerIds: [ids.fps] }, now: T0 + 3000 });
    expect(created.status).toBe(201);
    const id = created.body.batch.id;
    expect((await call(`/v1/payouts/batches/${id}/cancel`, { key: shop.sk, body: {} })).body.batch.status).toBe('cancelled');
    const paid = await call(`/v1/payouts/batches/${id}/mark-paid`, { key: shop.sk, body: {} });
    expect([paid.status, paid.body.error.code]).toEqual([409, 'batch_not_open']);
    expect(await count('SELECT count(*) AS n FROM payouts')).toBe(4);
    expect((await call('/v1/payouts/due', { key: shop.sk })).body.data.map((d: { referrerId: string }) => d.referrerId)).toEqual([
      ids.fps,
    ]);
    const listed = await call('/v1/payouts/batches', { key: shop.sk });
    expect(listed.body.data.map((b: { status: string }) => b.status)).toEqual(['cancelled', 'paid']);
  });

  it("another shop cannot read, download or pay this shop's batch", async () => {
    const other = await createShop();
    for (const [method, path] of [
      ['GET', `/v1/payouts/batches/${batchId}`],
      ['GET', `/v1/payouts/batches/${batchId}/bank.csv`],
      ['POST', `/v1/payouts/batches/${batchId}/mark-paid`],
    ]) {
      expect((await call(path!, { method, key: other.sk, body: method === 'POST' ? {} : undefined })).status).toBe(404);
    }
  });
});
