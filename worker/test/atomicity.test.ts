/**
 * Guarantee 7: multi-row writes are atomic. A test trigger makes one statement of a write fail
 * (a ledger entry, an outbox event, a key…) and the test checks that nothing of that write
 * remains; after the trigger is dropped, the same request succeeds exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { ADMIN, call, createReferrer, createShop, DAY } from './helpers';
import { T0, clickId, count, dbFingerprint, ledgerOf, reportOrder, settle } from './fixtures';
import type { ConversionRow } from '../src/db/conversions';
import { insertConversionStatement } from '../src/db/conversions';
import { insertEntryStatements } from '../src/db/ledger';

const TRIGGER = 'test_injected_failure';

/** Makes every insert into `table` that matches `when` fail, until {@link heal}. */
async function breakInserts(table: string, when: string) {
  await env.DB.prepare(
    `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
  ).run();
}

async function heal() {
  await env.DB.prepare(`DROP TRIGGER IF EXISTS ${TRIGGER}`).run();
}

afterEach(heal);

async function attributed(orderId: string) {
  const shop = await createShop();
  const { referrer } = await createReferrer(shop);
  const clk = await clickId(shop, referrer.code);
  return { shop, referrer, body: { orderId, amountMinor: 16800, currency: 'HKD', clickId: clk } };
}

describe('db.batch is all or nothing', () => {
  it('a conversion row and a ledger entry that violates a CHECK: neither is stored', async () => {
    const shop = await createShop();
    const row: ConversionRow = {
      id: 'conv_atomic_1',
      shop_id: shop.shopId,
      order_id: 'AT-0',
      amount_minor: 100,
      currency: 'HKD',
      items: '[]',
      referrer_id: 'ref_x',
      click_id: null,
      source: 'code',
      verified: 1,
      customer_hash: null,
      commission_minor: 10,
      commission_status: 'pending',
      explanation: '{}',
      request_hash: 'h',
      created_at: T0,
    };
    const statements = [
      insertConversionStatement(env.DB, row),
      ...insertEntryStatements(
        env.DB,
        { shopId: shop.shopId, referrerId: 'ref_x', currency: 'HKD', txnId: 'txn_atomic', conversionId: row.id, now: T0 },
        [{ type: 'commission', bucket: 'bogus' as never, amountMinor: 10 }],
      ),
    ];
    await expect(env.DB.batch(statements)).rejects.toThrow(/CHECK/);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE id = ?', row.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM ledger_entries WHERE txn_id = 'txn_atomic'")).toBe(0);
  });
});

describe('every multi-row write of the API leaves nothing partial when one statement fails', () => {
  it('reporting an order: the ledger insert fails → no conversion, no event; the key is freed; the retry writes one of each', async () => {
    const { shop, body } = await attributed('AT-1');
    await breakInserts('ledger_entries', "NEW.type = 'commission'");
    const before = await dbFingerprint();
    const failed = await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'at-1' } });
    expect(failed.status).toBe(500);
    expect(failed.body.error).toMatchObject({ code: 'internal_error', message: 'Something went wrong on our side.' });
    expect(JSON.stringify(failed.body)).not.toMatch(/injected|ledger_entries|SQLITE/i);
    expect(await dbFingerprint()).toBe(before);

    await heal();
    const ok = await reportOrder(shop, body, { headers: { 'Idempotency-Key': 'at-1' } });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('Idempotent-Replayed')).toBeNull();
    expect(ok.body.conversion.commissionMinor).toBe(1680);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect(await ledgerOf({ conversionId: ok.body.conversion.id })).toHaveLength(1);
    expect(await count('SELECT count(*) AS n FROM outbox_events WHERE shop_id = ?', shop.shopId)).toBe(1);
  });

  it('reporting an order: the outbox insert (the last statement) fails → no conversion and no ledger entry', async () => {
    const { shop, body } = await attributed('AT-2');
    await breakInserts('outbox_events', "NEW.type = 'conversion.attributed'");
    const before = await dbFingerprint();
    expect((await reportOrder(shop, body)).status).toBe(500);
    expect(await dbFingerprint()).toBe(before);
    await heal();
    expect((await reportOrder(shop, body)).status).toBe(201);
  });

  it('a refund: the void entry fails → no refund row, no event', async () => {
    const { shop, body } = await attributed('AT-3');
    expect((await reportOrder(shop, body)).status).toBe(201);
    await breakInserts('ledger_entries', "NEW.type = 'void'");
    const before = await dbFingerprint();
    const failed = await call('/v1/refunds', {
      key: shop.sk,
      now: T0 + DAY,
      body: { orderId: 'AT-3', refundId: 'r', amountMinor: 16800 },
    });
    expect(failed.status).toBe(500);
    expect(await dbFingerprint()).toBe(before);
    await heal();
    const ok = await call('/v1/refunds', {
      key: shop.sk,
      now: T0 + DAY,
      body: { orderId: 'AT-3', refundId: 'r', amountMinor: 16800 },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.reversedCommissionMinor).toBe(1680);
  });

  it('a payout: the paid entry (third statement) fails → no payout row and no available debit', async () => {
    const { shop, referrer, body } = await attributed('AT-4');
    expect((await reportOrder(shop, body)).status).toBe(201);
    expect(await settle(T0 + 30 * DAY, shop.shopId)).toBe(1);
    await breakInserts('ledger_entries', "NEW.type = 'payout' AND NEW.bucket = 'paid'");
    const before = await dbFingerprint();
    const failed = await call('/v1/payouts', { key: shop.sk, now: T0 + 31 * DAY, body: { referrerId: referrer.id } });
    expect(failed.status).toBe(500);
    expect(await dbFingerprint()).toBe(before);
    await heal();
    const ok = await call('/v1/payouts', { key: shop.sk, now: T0 + 31 * DAY, body: { referrerId: referrer.id } });
    expect(ok.status).toBe(201);
    expect(ok.body.balances).toMatchObject({ available: 0, paid: 1680 });
  });

  it('a release: the available entry fails → the pending entry is not written either; the next run releases once', async () => {
    const { shop, body } = await attributed('AT-5');
    const reported = await reportOrder(shop, body);
    await breakInserts('ledger_entries', "NEW.type = 'release' AND NEW.bucket = 'available'");
    const before = await dbFingerprint();
    await expect(settle(T0 + 30 * DAY, shop.shopId)).rejects.toThrow(/injected failure/);
    expect(await dbFingerprint()).toBe(before);
    await heal();
    expect(await settle(T0 + 30 * DAY, shop.shopId)).toBe(1);
    expect((await ledgerOf({ conversionId: reported.body.conversion.id })).map((e) => e.type)).toEqual([
      'commission',
      'release',
      'release',
    ]);
  });

  it('releasing a held commission: the pending entry fails → the on_hold debit is not written either', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop, { email: 'mei@example.hk' });
    const held = await reportOrder(shop, {
      orderId: 'AT-6',
      amountMinor: 16800,
      currency: 'HKD',
      referralCode: referrer.code,
      customer: { email: 'MEI@example.hk' },
    });
    expect(held.body.conversion.commissionStatus).toBe('on_hold');
    await breakInserts('ledger_entries', "NEW.type = 'approve' AND NEW.bucket = 'pending'");
    const before = await dbFingerprint();
    const failed = await call(`/v1/referrers/holds/${held.body.conversion.id}/release`, {
      method: 'POST',
      key: shop.sk,
      now: T0 + DAY,
    });
    expect(failed.status).toBe(500);
    expect(await dbFingerprint()).toBe(before);
    await heal();
    const ok = await call(`/v1/referrers/holds/${held.body.conversion.id}/release`, {
      method: 'POST',
      key: shop.sk,
      now: T0 + DAY,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.balances).toMatchObject({ onHold: 0, pending: 1680 });
  });

  it('creating a shop: the secret key insert fails → no shop, program, products, origins or keys', async () => {
    await breakInserts('api_keys', "NEW.kind = 'secret'");
    const before = await dbFingerprint();
    const failed = await call('/v1/admin/shops', {
      key: ADMIN,
      body: {
        name: 'Half a shop',
        currency: 'HKD',
        siteUrl: 'https://half.example/',
        allowedOrigins: ['https://half.example'],
        products: [{ sku: 'a', name: 'A', priceMinor: 100 }],
      },
    });
    expect(failed.status).toBe(500);
    expect(failed.body.secretKey).toBeUndefined();
    expect(await dbFingerprint()).toBe(before);
  });

  it('rotating keys: the new secret key insert fails → the old key is not revoked', async () => {
    const shop = await createShop();
    await breakInserts('api_keys', "NEW.kind = 'secret'");
    const failed = await call(`/v1/admin/shops/${shop.shopId}/keys/rotate`, { key: ADMIN, body: { kind: 'secret' } });
    expect(failed.status).toBe(500);
    await heal();
    expect((await call('/v1/program', { key: shop.sk })).status).toBe(200);
    expect(await count('SELECT count(*) AS n FROM api_keys WHERE shop_id = ? AND revoked_at IS NULL', shop.shopId)).toBe(2);
  });
});
