/**
 * Guarantees 5 and 6: the ledger is append-only (triggers refuse UPDATE and DELETE; every change
 * is a new entry; a balance is a sum), commissions are held for the shop's hold period and released
 * once, a refund voids during the hold, reverses after release and claws back after a payout, and
 * refunds can neither exceed the order nor repeat. The clock is injected; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, createReferrer, createShop, DAY, type TestShop } from './helpers';
import { T0, clickId, count, dbFingerprint, ledgerOf, reportOrder, settle, sumBuckets } from './fixtures';

const HOLD = 30 * DAY;

/** A shop (10 %, 30-day hold) with a referrer and one attributed order reported at T0. */
async function heldOrder(amountMinor = 16800, orderId = 'L-1', shop?: TestShop) {
  shop ??= await createShop();
  const { referrer } = await createReferrer(shop);
  const clk = await clickId(shop, referrer.code, T0, { ip: `198.51.100.${Math.floor(Math.random() * 250)}` });
  const res = await reportOrder(shop, { orderId, amountMinor, currency: 'HKD', clickId: clk });
  expect(res.status).toBe(201);
  return { shop, referrer, conversion: res.body.conversion as { id: string; commissionMinor: number } };
}

function refund(shop: TestShop, orderId: string, refundId: string, amountMinor: number, now = T0 + DAY) {
  return call('/v1/refunds', { key: shop.sk, body: { orderId, refundId, amountMinor }, now });
}

function payout(shop: TestShop, referrerId: string, now: number, amountMinor?: number) {
  return call('/v1/payouts', { key: shop.sk, body: { referrerId, ...(amountMinor ? { amountMinor } : {}) }, now });
}

async function referrerBalances(shop: TestShop, referrerId: string, now: number) {
  const res = await call(`/v1/referrers/${referrerId}/balances`, { key: shop.sk, now });
  expect(res.status).toBe(200);
  return res.body.balances as { onHold: number; pending: number; available: number; paid: number };
}

describe('append-only (guarantee 5)', () => {
  it('SQLite refuses UPDATE and DELETE of ledger entries', async () => {
    const { conversion } = await heldOrder();
    const [entry] = await ledgerOf({ conversionId: conversion.id });
    const before = await dbFingerprint();
    await expect(
      env.DB.prepare('UPDATE ledger_entries SET amount_minor = 0 WHERE seq = ?').bind(entry!.seq).run(),
    ).rejects.toThrow(/ledger_append_only/);
    await expect(
      env.DB.prepare("UPDATE ledger_entries SET bucket = 'available' WHERE seq = ?").bind(entry!.seq).run(),
    ).rejects.toThrow(/ledger_append_only/);
    await expect(env.DB.prepare('DELETE FROM ledger_entries WHERE seq = ?').bind(entry!.seq).run()).rejects.toThrow(
      /ledger_append_only/,
    );
    await expect(env.DB.prepare('DELETE FROM ledger_entries').run()).rejects.toThrow(/ledger_append_only/);
    // an upsert is an update too: refused, or dropped by the no-replace trigger; never applied
    const upsert = await env.DB.prepare(
      `INSERT INTO ledger_entries (id, shop_id, referrer_id, txn_id, type, bucket, amount_minor, currency, dedupe_key, created_at)
         SELECT 'le_x', shop_id, referrer_id, txn_id, type, bucket, 1, currency, dedupe_key, created_at FROM ledger_entries WHERE seq = ?
         ON CONFLICT (dedupe_key) DO UPDATE SET amount_minor = excluded.amount_minor`,
    )
      .bind(entry!.seq)
      .run()
      .catch((e: Error) => e);
    if (upsert instanceof Error) expect(upsert.message).toMatch(/ledger_append_only/);
    else expect(upsert.meta.changes).toBe(0);
    expect(await dbFingerprint()).toBe(before);
  });

  it('INSERT OR REPLACE cannot overwrite an entry either (it would delete without firing the DELETE trigger)', async () => {
    const { conversion } = await heldOrder(16800, 'L-REPLACE');
    const [entry] = await ledgerOf({ conversionId: conversion.id });
    const before = await dbFingerprint();
    for (const conflictOn of ['id', 'dedupe_key', 'seq']) {
      const r = await env.DB.prepare(
        `INSERT OR REPLACE INTO ledger_entries (seq, id, shop_id, referrer_id, txn_id, type, bucket, amount_minor, currency, conversion_id, dedupe_key, created_at)
         SELECT ${conflictOn === 'seq' ? 'seq' : 'NULL'}, ${conflictOn === 'id' ? 'id' : "'le_replaced'"}, shop_id, referrer_id, txn_id, type, bucket, 999999,
                currency, conversion_id, ${conflictOn === 'dedupe_key' ? 'dedupe_key' : "'other-key'"}, created_at
           FROM ledger_entries WHERE seq = ?`,
      )
        .bind(entry!.seq)
        .run()
        .catch((e: Error) => e);
      if (!(r instanceof Error)) expect(r.meta.changes).toBe(0);
    }
    expect(await dbFingerprint()).toBe(before);
    const [after] = await ledgerOf({ conversionId: conversion.id });
    expect(after).toEqual(entry);
  });

  it('a balance is the sum of the entries, per referrer and for the shop', async () => {
    const shop = await createShop();
    const a = await heldOrder(16800, 'S-1', shop);
    const b = await heldOrder(9800, 'S-2', shop);
    await heldOrder(5000, 'S-3', shop);
    expect((await refund(shop, 'S-2', 'rf-1', 4900)).status).toBe(201);
    const now = T0 + HOLD;
    expect(await settle(now, shop.shopId)).toBe(3);
    const totals = await call('/v1/balances', { key: shop.sk, now });
    expect(totals.status).toBe(200);

    const { results } = await env.DB.prepare('SELECT bucket, amount_minor FROM ledger_entries WHERE shop_id = ?')
      .bind(shop.shopId)
      .all<{ bucket: string; amount_minor: number }>();
    expect(totals.body.totals).toEqual({ currency: 'HKD', ...sumBuckets(results) });
    // 1680 + (980 − 490) + 500 = 2670, all released at the end of the hold
    expect(totals.body.totals).toEqual({ currency: 'HKD', onHold: 0, pending: 0, available: 2670, paid: 0 });
    for (const { referrer } of [a, b]) {
      const mine = await referrerBalances(shop, referrer.id, now);
      expect(mine).toEqual({ currency: 'HKD', ...sumBuckets(await ledgerOf({ referrerId: referrer.id })) });
      const row = totals.body.data.find((d: { referrerId: string }) => d.referrerId === referrer.id);
      expect(row.balances).toEqual(mine);
    }
  });
});

describe('hold before pay (guarantee 6)', () => {
  it('a commission stays pending for hold_days and is released exactly once, however often the release runs', async () => {
    const { shop, referrer, conversion } = await heldOrder(16800, 'H-1');
    const [commission] = await ledgerOf({ conversionId: conversion.id });
    expect(commission).toMatchObject({ type: 'commission', bucket: 'pending', amount_minor: 1680 });
    expect(
      (await env.DB.prepare('SELECT available_at FROM ledger_entries WHERE seq = ?')
        .bind(commission!.seq)
        .first<{ available_at: number }>())!.available_at,
    ).toBe(T0 + HOLD);

    expect(await settle(T0 + HOLD - 1, shop.shopId)).toBe(0);
    expect(await referrerBalances(shop, referrer.id, T0 + HOLD - 1)).toMatchObject({ pending: 1680, available: 0 });

    expect(await settle(T0 + HOLD, shop.shopId)).toBe(1);
    expect(await settle(T0 + HOLD, shop.shopId)).toBe(0);
    expect(await settle(T0 + 2 * HOLD, shop.shopId)).toBe(0);
    const released = await Promise.all(Array.from({ length: 5 }, () => settle(T0 + HOLD + 1, shop.shopId)));
    expect(released).toEqual([0, 0, 0, 0, 0]);

    const entries = await ledgerOf({ conversionId: conversion.id });
    expect(entries.map((e) => [e.type, e.bucket, e.amount_minor])).toEqual([
      ['commission', 'pending', 1680],
      ['release', 'pending', -1680],
      ['release', 'available', 1680],
    ]);
    expect(new Set(entries.slice(1).map((e) => e.txn_id)).size).toBe(1);
    expect(await referrerBalances(shop, referrer.id, T0 + HOLD)).toEqual({
      currency: 'HKD',
      onHold: 0,
      pending: 0,
      available: 1680,
      paid: 0,
    });
    expect(
      await count("SELECT count(*) AS n FROM outbox_events WHERE type = 'commission.available' AND shop_id = ?", shop.shopId),
    ).toBe(1);
  });

  it('concurrent releases of a due commission write one release', async () => {
    const { shop, conversion } = await heldOrder(16800, 'H-2');
    const results = await Promise.all(Array.from({ length: 8 }, () => settle(T0 + HOLD, shop.shopId)));
    expect(results.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const entries = await ledgerOf({ conversionId: conversion.id });
    expect(entries.filter((e) => e.type === 'release')).toHaveLength(2);
    expect(sumBuckets(entries)).toEqual({ onHold: 0, pending: 0, available: 1680, paid: 0 });
  });

  it("the hold period is the shop's: a 7-day shop releases after 7 days, not before", async () => {
    const shop = await createShop({ program: { holdDays: 7 } });
    const { referrer } = await heldOrder(16800, 'H-7', shop);
    expect(await settle(T0 + 7 * DAY - 1, shop.shopId)).toBe(0);
    expect((await call('/v1/balances', { key: shop.sk, now: T0 + 7 * DAY - 1 })).body.totals.pending).toBe(1680);
    expect(await referrerBalances(shop, referrer.id, T0 + 7 * DAY - 1)).toMatchObject({ pending: 1680, available: 0 });
    // reading never releases: only the ledger's scheduled work does (the shop's alarm, the cron)
    expect((await call('/v1/balances', { key: shop.sk, now: T0 + 7 * DAY })).body.totals).toMatchObject({ pending: 1680 });
    expect(await settle(T0 + 7 * DAY, shop.shopId)).toBe(1);
    expect((await call('/v1/balances', { key: shop.sk, now: T0 + 7 * DAY })).body.totals).toMatchObject({
      pending: 0,
      available: 1680,
    });
  });

  it('a refund during the hold voids the commission, and nothing is released later', async () => {
    const { shop, referrer, conversion } = await heldOrder(16800, 'H-V');
    const res = await refund(shop, 'H-V', 'rf-v', 16800, T0 + 3 * DAY);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      refundedMinor: 16800,
      reversedCommissionMinor: 1680,
      balances: { onHold: 0, pending: 0, available: 0, paid: 0 },
    });
    expect(await settle(T0 + HOLD, shop.shopId)).toBe(0);
    const entries = await ledgerOf({ conversionId: conversion.id });
    expect(entries.map((e) => [e.type, e.bucket, e.amount_minor])).toEqual([
      ['commission', 'pending', 1680],
      ['void', 'pending', -1680],
    ]);
    expect(await referrerBalances(shop, referrer.id, T0 + HOLD)).toEqual({
      currency: 'HKD',
      onHold: 0,
      pending: 0,
      available: 0,
      paid: 0,
    });
    expect(
      await count("SELECT count(*) AS n FROM outbox_events WHERE type = 'commission.reversed' AND shop_id = ?", shop.shopId),
    ).toBe(1);
  });

  it('a refund after release reverses the available commission', async () => {
    const { shop, referrer, conversion } = await heldOrder(16800, 'H-R');
    expect(await settle(T0 + HOLD, shop.shopId)).toBe(1);
    const res = await refund(shop, 'H-R', 'rf-r', 16800, T0 + HOLD + DAY);
    expect(res.status).toBe(201);
    expect(res.body.reversedCommissionMinor).toBe(1680);
    const entries = await ledgerOf({ conversionId: conversion.id });
    expect(entries.at(-1)).toMatchObject({ type: 'reversal', bucket: 'available', amount_minor: -1680 });
    expect(await referrerBalances(shop, referrer.id, T0 + HOLD + DAY)).toEqual({
      currency: 'HKD',
      onHold: 0,
      pending: 0,
      available: 0,
      paid: 0,
    });
  });

  it('a refund after payout claws back: available goes negative and the next payout nets it', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const clk = await clickId(shop, referrer.code);
    expect((await reportOrder(shop, { orderId: 'P-1', amountMinor: 16800, currency: 'HKD', clickId: clk })).status).toBe(201);

    expect(await settle(T0 + HOLD, shop.shopId)).toBe(1);
    const paid = await payout(shop, referrer.id, T0 + HOLD);
    expect(paid.status).toBe(201);
    expect(paid.body.payout.amountMinor).toBe(1680);
    expect(paid.body.balances).toMatchObject({ available: 0, paid: 1680 });

    const r = await refund(shop, 'P-1', 'rf-p', 16800, T0 + HOLD + DAY);
    expect(r.status).toBe(201);
    expect(r.body.reversedCommissionMinor).toBe(1680);
    const conversionId = r.body.refund.conversionId;
    expect((await ledgerOf({ conversionId })).at(-1)).toMatchObject({
      type: 'clawback',
      bucket: 'available',
      amount_minor: -1680,
      reason: 'refund_after_payout',
    });
    expect(await referrerBalances(shop, referrer.id, T0 + HOLD + DAY)).toEqual({
      currency: 'HKD',
      onHold: 0,
      pending: 0,
      available: -1680,
      paid: 1680,
    });

    // nothing to pay while the balance is negative
    const none = await payout(shop, referrer.id, T0 + HOLD + DAY);
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('insufficient_available');

    // the next commission (2000 on 20000) first repays the clawback
    const clk2 = await clickId(shop, referrer.code, T0 + HOLD + 2 * DAY);
    expect(
      (
        await reportOrder(
          shop,
          { orderId: 'P-2', amountMinor: 20000, currency: 'HKD', clickId: clk2 },
          { now: T0 + HOLD + 2 * DAY },
        )
      ).status,
    ).toBe(201);
    expect(await settle(T0 + 2 * HOLD + 2 * DAY, shop.shopId)).toBe(1);
    const next = await payout(shop, referrer.id, T0 + 2 * HOLD + 2 * DAY);
    expect(next.status).toBe(201);
    expect(next.body.payout.amountMinor).toBe(2000 - 1680);
    expect(next.body.balances).toEqual({ currency: 'HKD', onHold: 0, pending: 0, available: 0, paid: 1680 + 320 });
    expect(sumBuckets(await ledgerOf({ referrerId: referrer.id }))).toEqual({ onHold: 0, pending: 0, available: 0, paid: 2000 });
  });

  it('partial refunds that add up to the order reverse exactly the commission, across hold, release and payout', async () => {
    // 10 % of 9999 = 999.9 → 1000; thirds of the order reverse 333, 334, 333
    const { shop, referrer, conversion } = await heldOrder(9999, 'PR-1');
    expect(conversion.commissionMinor).toBe(1000);

    const r1 = await refund(shop, 'PR-1', 'p1', 3333, T0 + DAY);
    expect(r1.body).toMatchObject({ refundedMinor: 3333, reversedCommissionMinor: 333, balances: { pending: 667 } });

    expect(await settle(T0 + HOLD, shop.shopId)).toBe(1);
    const r2 = await refund(shop, 'PR-1', 'p2', 3333, T0 + HOLD + DAY);
    expect(r2.body).toMatchObject({
      refundedMinor: 6666,
      reversedCommissionMinor: 334,
      balances: { pending: 0, available: 333 },
    });

    const paid = await payout(shop, referrer.id, T0 + HOLD + 2 * DAY);
    expect(paid.body.payout.amountMinor).toBe(333);
    const r3 = await refund(shop, 'PR-1', 'p3', 3333, T0 + HOLD + 3 * DAY);
    expect(r3.body).toMatchObject({ refundedMinor: 9999, reversedCommissionMinor: 333 });

    const entries = await ledgerOf({ conversionId: conversion.id });
    expect(entries.map((e) => [e.type, e.bucket, e.amount_minor])).toEqual([
      ['commission', 'pending', 1000],
      ['void', 'pending', -333],
      ['release', 'pending', -667],
      ['release', 'available', 667],
      ['reversal', 'available', -334],
      ['clawback', 'available', -333],
    ]);
    const reversed = -entries
      .filter((e) => ['void', 'reversal', 'clawback'].includes(e.type))
      .reduce((s, e) => s + e.amount_minor, 0);
    expect(reversed).toBe(1000);
    expect(sumBuckets(await ledgerOf({ referrerId: referrer.id }))).toEqual({
      onHold: 0,
      pending: 0,
      available: -333,
      paid: 333,
    });
  });

  it('many small refunds reverse exactly the commission too (7 × 1/7 of a prime amount)', async () => {
    const { shop, conversion } = await heldOrder(7001 * 7, 'PR-7'); // 49007 → 10 % = 4900.7 → 4901
    expect(conversion.commissionMinor).toBe(4901);
    const parts = [7001, 7001, 7001, 7001, 7001, 7001, 7001];
    const reversed: number[] = [];
    for (const [i, part] of parts.entries()) {
      const r = await refund(shop, 'PR-7', `s${i}`, part, T0 + DAY + i);
      expect(r.status).toBe(201);
      reversed.push(r.body.reversedCommissionMinor);
    }
    expect(reversed.reduce((a, b) => a + b, 0)).toBe(4901);
    expect(sumBuckets(await ledgerOf({ conversionId: conversion.id }))).toEqual({ onHold: 0, pending: 0, available: 0, paid: 0 });
  });
});

describe('refunds are bounded and idempotent (guarantee 5)', () => {
  it('refunding more than was sold is a 422 refund_exceeds_amount and writes nothing', async () => {
    const { shop } = await heldOrder(16800, 'X-1');
    expect((await refund(shop, 'X-1', 'a', 10000)).status).toBe(201);
    const before = await dbFingerprint();
    for (const [id, amount] of [
      ['b', 6801],
      ['c', 16800],
      ['d', 1_000_000_000_000_000],
    ] as const) {
      const res = await refund(shop, 'X-1', id, amount);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('refund_exceeds_amount');
    }
    expect(await dbFingerprint()).toBe(before);
    expect((await refund(shop, 'X-1', 'e', 6800)).status).toBe(201);
    const done = await refund(shop, 'X-1', 'f', 1);
    expect(done.status).toBe(422);
  });

  it('repeating a refund id is a no-op; the same id with another amount is a 409 refund_conflict', async () => {
    const { shop, conversion } = await heldOrder(16800, 'X-2');
    const first = await refund(shop, 'X-2', 'same', 8400);
    expect(first.status).toBe(201);
    const entries = await ledgerOf({ conversionId: conversion.id });
    const before = await dbFingerprint();

    const again = await refund(shop, 'X-2', 'same', 8400, T0 + 2 * DAY);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => refund(shop, 'X-2', 'same', 8400)));
    for (const r of concurrent) expect(r.body).toEqual(first.body);

    const other = await refund(shop, 'X-2', 'same', 100);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('refund_conflict');
    expect(await dbFingerprint()).toBe(before);
    expect(await ledgerOf({ conversionId: conversion.id })).toEqual(entries);
  });

  it('a refund of an unknown order is a 404 conversion_not_found', async () => {
    const shop = await createShop();
    const res = await refund(shop, 'never-reported', 'r', 100);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('conversion_not_found');
  });

  it('concurrent refunds never add up to more than the order, and reverse exactly the commission', async () => {
    const { shop, conversion } = await heldOrder(16800, 'X-C');
    const results = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((id) => refund(shop, 'X-C', id, 8400)));
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(2);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('refund_exceeds_amount');
    }
    expect(await count('SELECT COALESCE(SUM(amount_minor), 0) AS n FROM refunds WHERE conversion_id = ?', conversion.id)).toBe(
      16800,
    );
    expect(sumBuckets(await ledgerOf({ conversionId: conversion.id }))).toEqual({ onHold: 0, pending: 0, available: 0, paid: 0 });
  });

  it('a refund racing the release of the same commission leaves no bucket negative and nothing payable', async () => {
    const shop = await createShop();
    const orders: Array<{ id: string; orderId: string }> = [];
    for (let i = 0; i < 8; i++) {
      const { conversion } = await heldOrder(16800, `RR-${i}`, shop);
      orders.push({ id: conversion.id, orderId: `RR-${i}` });
    }
    await Promise.all(
      orders.flatMap((o) => [refund(shop, o.orderId, `full-${o.orderId}`, 16800, T0 + HOLD), settle(T0 + HOLD, shop.shopId)]),
    );
    for (const o of orders) {
      const b = sumBuckets(await ledgerOf({ conversionId: o.id }));
      expect({ order: o.orderId, ...b }).toEqual({ order: o.orderId, onHold: 0, pending: 0, available: 0, paid: 0 });
    }
  });
});
