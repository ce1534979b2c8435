/**
 * Guarantees 6 and 18: releases never starve. A commission whose hold ended is released by one
 * bounded run of the ledger's due work (db/ledger.ts settleDue: 3 D1 calls a round) however many
 * settled conversions came before it, because settled conversions leave `ledger_tasks`; reads
 * (ledger, balances, payouts) never release; the shop's Durable Object alarm and the cron do, on
 * their own. Real D1 and Durable Objects, injected clock, no sleeps.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../src/index';
import { call, createReferrer, createShop, DAY, ORIGIN, type TestShop } from './helpers';
import { T0, count, dbFingerprint, ledgerOf, reportOrder, settle, sumBuckets } from './fixtures';
import { balances, outboxOf, payout, refund, shopObject } from './money-path';
import { settleDue } from '../src/db/ledger';
import { meteredD1 } from '../src/durable/d1-meter';
import type { ShopObject } from '../src/durable/shop-object';

const HOLD = 30 * DAY;
const ZERO = { onHold: 0, pending: 0, available: 0, paid: 0 };

/** settleDue on a D1 binding that counts its round trips. */
async function meteredSettle(now: number, opts: { shopId?: string; rounds?: number }) {
  const counts = { statements: 0, calls: 0 };
  const run = await settleDue(meteredD1(env.DB, counts), now, opts);
  return { run, calls: counts.calls };
}

const tasksOf = (conversionId: string) => count('SELECT count(*) AS n FROM ledger_tasks WHERE conversion_id = ?', conversionId);

async function report(shop: TestShop, orderId: string, code: string, now = T0, amountMinor = 16800) {
  const res = await reportOrder(shop, { orderId, amountMinor, currency: 'HKD', referralCode: code }, { now });
  expect(res.status).toBe(201);
  return res.body.conversion.id as string;
}

describe('a due release is never stuck behind settled conversions', () => {
  it('behind 300 conversions fully refunded through the API, one run releases the due one in 3 D1 calls', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    for (let chunk = 0; chunk < 300; chunk += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => report(shop, `RF-${chunk + i}`, referrer.code)));
    }
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ?', shop.shopId)).toBe(300);
    for (let chunk = 0; chunk < 300; chunk += 100) {
      const done = await Promise.all(
        Array.from({ length: 100 }, (_, i) => refund(shop, `RF-${chunk + i}`, 'full', 16800, T0 + DAY)),
      );
      for (const r of done) expect(r.body.reversedCommissionMinor).toBe(1680);
    }
    // each refund that voided everything pending deleted its conversion's due work
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ?', shop.shopId)).toBe(0);

    const due = await report(shop, 'RF-DUE', referrer.code, T0 + DAY);
    const { run, calls } = await meteredSettle(T0 + DAY + HOLD, { shopId: shop.shopId });
    expect(run).toEqual({ released: 1, expired: 0, rounds: 1, more: false });
    expect(calls).toBe(3);
    expect(sumBuckets(await ledgerOf({ conversionId: due }))).toEqual({ ...ZERO, available: 1680 });
    expect(await balances(shop, referrer.id, T0 + DAY + HOLD)).toEqual({ ...ZERO, available: 1680 });
  });

  it('behind 10,000 settled conversions, one run releases the due one in 3 D1 calls', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    // One conversion reported and fully refunded during its hold through the API: the template.
    const tpl = await report(shop, 'TPL-1', referrer.code);
    const refunded = await refund(shop, 'TPL-1', 'full', 16800, T0 + DAY);
    expect(refunded.status).toBe(201);
    const tplRefund = refunded.body.refund.id as string;
    expect(await tasksOf(tpl)).toBe(0);

    // 10,000 more exactly like it. Through the API that takes minutes here (a refund makes ~10 D1
    // round trips; 2,000 took 30 s), so they are written with SQL that copies the template's rows
    // with new ids: the conversion, its refund, its two ledger entries (commission, void), its two
    // outbox events and the shop's order total — and, like the API after such a refund, NO
    // ledger_tasks row. The copy is checked against the template below.
    const N = 10_000;
    const n = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})`;
    const conv = "printf('conv_bulk%05d', n.i)";
    const rf = "printf('rf_bulk%05d', n.i)";
    const ids = (col: string) =>
      `replace(replace(replace(${col}, ?1, ${conv}), ?2, ${rf}), '"TPL-1"', printf('"BULK-%05d"', n.i))`;
    const started = Date.now();
    await env.DB.batch([
      env.DB.prepare(
        `${n} INSERT INTO conversions (id, shop_id, order_id, amount_minor, currency, items, referrer_id, click_id, source, verified,
           customer_hash, commission_minor, commission_status, explanation, request_hash, created_at)
         SELECT ${conv}, t.shop_id, printf('BULK-%05d', n.i), t.amount_minor, t.currency, t.items, t.referrer_id, t.click_id, t.source,
                t.verified, t.customer_hash, t.commission_minor, t.commission_status, t.explanation, printf('bulk-hash-%05d', n.i), t.created_at
           FROM n, conversions t WHERE t.id = ?1 AND ?2 IS NOT NULL`,
      ).bind(tpl, tplRefund),
      env.DB.prepare(
        `${n} INSERT INTO refunds (id, shop_id, conversion_id, refund_ref, amount_minor, created_at)
         SELECT ${rf}, r.shop_id, ${conv}, r.refund_ref, r.amount_minor, r.created_at FROM n, refunds r WHERE r.id = ?2 AND ?1 IS NOT NULL`,
      ).bind(tpl, tplRefund),
      env.DB.prepare(
        `${n} INSERT INTO ledger_entries (id, shop_id, referrer_id, txn_id, type, bucket, amount_minor, currency, conversion_id, refund_id,
           payout_id, available_at, reason, dedupe_key, created_at)
         SELECT printf('le_bulk%05d_%d', n.i, e.seq), e.shop_id, e.referrer_id, printf('%s_bulk%05d', e.txn_id, n.i), e.type, e.bucket,
                e.amount_minor, e.currency, ${conv}, CASE WHEN e.refund_id IS NULL THEN NULL ELSE ${rf} END, e.payout_id, e.available_at,
                e.reason, ${ids('e.dedupe_key')}, e.created_at
           FROM n, ledger_entries e WHERE e.conversion_id = ?1 ORDER BY n.i, e.seq`,
      ).bind(tpl, tplRefund),
      env.DB.prepare(
        `${n} INSERT INTO outbox_events (id, shop_id, type, payload, dedupe_key, attempts, next_attempt_at, delivered_at, last_error, created_at)
         SELECT printf('evt_bulk%05d_', n.i) || o.id, o.shop_id, o.type, ${ids('o.payload')}, ${ids('o.dedupe_key')}, o.attempts,
                o.next_attempt_at, o.delivered_at, o.last_error, o.created_at
           FROM n, outbox_events o WHERE o.dedupe_key IN ('conversion.attributed:' || ?1, 'commission.reversed:' || ?2)`,
      ).bind(tpl, tplRefund),
      env.DB.prepare('UPDATE shop_totals SET orders_minor = orders_minor + ? WHERE shop_id = ?').bind(16800 * N, shop.shopId),
    ]);
    const seeded = Date.now() - started;

    // the copies are the template's rows with other ids
    const normalize = async (convId: string, refundId: string, orderId: string) => {
      const rows = [
        await env.DB.prepare('SELECT * FROM conversions WHERE id = ?').bind(convId).first(),
        await env.DB.prepare('SELECT * FROM refunds WHERE id = ?').bind(refundId).first(),
        ...(await env.DB.prepare('SELECT * FROM ledger_entries WHERE conversion_id = ? ORDER BY seq').bind(convId).all()).results,
        ...(await env.DB.prepare('SELECT * FROM outbox_events WHERE payload LIKE ? ORDER BY type').bind(`%${convId}%`).all())
          .results,
        ...(await env.DB.prepare('SELECT * FROM ledger_tasks WHERE conversion_id = ?').bind(convId).all()).results,
      ];
      return rows.map((r) => {
        const { id: _id, seq: _seq, txn_id: _txn, request_hash: _hash, ...rest } = r as Record<string, unknown>;
        return JSON.stringify(rest).replaceAll(convId, 'CONV').replaceAll(refundId, 'RF').replaceAll(orderId, 'ORDER');
      });
    };
    const template = await normalize(tpl, tplRefund, 'TPL-1');
    expect(template).toHaveLength(6);
    expect(await normalize('conv_bulk00000', 'rf_bulk00000', 'BULK-00000')).toEqual(template);
    expect(await normalize('conv_bulk09999', 'rf_bulk09999', 'BULK-09999')).toEqual(template);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE shop_id = ?', shop.shopId)).toBe(N + 1);
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE shop_id = ?', shop.shopId)).toBe(2 * (N + 1));
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ?', shop.shopId)).toBe(0);
    expect(seeded).toBeLessThan(30_000);

    // a conversion whose hold ends after all of theirs
    const due = await report(shop, 'BULK-DUE', referrer.code, T0 + DAY);
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ?', shop.shopId)).toBe(1);
    expect((await meteredSettle(T0 + DAY + HOLD - 1, { shopId: shop.shopId })).run.released).toBe(0);
    const { run, calls } = await meteredSettle(T0 + DAY + HOLD, { shopId: shop.shopId });
    expect(run).toEqual({ released: 1, expired: 0, rounds: 1, more: false });
    expect(calls).toBeLessThanOrEqual(3 * run.rounds);
    expect(calls).toBe(3);
    expect(sumBuckets(await ledgerOf({ conversionId: due }))).toEqual({ ...ZERO, available: 1680 });
    expect(await balances(shop, referrer.id, T0 + DAY + HOLD)).toEqual({ ...ZERO, available: 1680 });
    expect(await count('SELECT count(*) AS n FROM ledger_tasks WHERE shop_id = ?', shop.shopId)).toBe(0);
  });

  it('a run is bounded: 230 due conversions take 4 rounds of 3 calls (200 released, more to do), then one round more', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    for (let chunk = 0; chunk < 230; chunk += 115) {
      await Promise.all(Array.from({ length: 115 }, (_, i) => report(shop, `B-${chunk + i}`, referrer.code)));
    }
    const first = await meteredSettle(T0 + HOLD, { shopId: shop.shopId });
    expect(first.run).toEqual({ released: 200, expired: 0, rounds: 4, more: true });
    expect(first.calls).toBe(12);
    const second = await meteredSettle(T0 + HOLD, { shopId: shop.shopId });
    expect(second.run).toEqual({ released: 30, expired: 0, rounds: 1, more: false });
    expect(second.calls).toBe(3);
    const third = await meteredSettle(T0 + HOLD, { shopId: shop.shopId });
    expect(third.run).toEqual({ released: 0, expired: 0, rounds: 0, more: false });
    expect(third.calls).toBe(1);
    expect(await balances(shop, referrer.id, T0 + HOLD)).toEqual({ ...ZERO, available: 230 * 1680 });
  });
});

describe('settled conversions leave ledger_tasks', () => {
  it('a full refund during the hold and a release delete the task; a partial refund keeps it until the release', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const full = await report(shop, 'T-FULL', referrer.code);
    const partial = await report(shop, 'T-PART', referrer.code);
    const plain = await report(shop, 'T-PLAIN', referrer.code);
    for (const id of [full, partial, plain]) expect(await tasksOf(id)).toBe(1);
    expect(
      await env.DB.prepare('SELECT action, due_at, referrer_id FROM ledger_tasks WHERE conversion_id = ?').bind(plain).first(),
    ).toEqual({ action: 'release', due_at: T0 + HOLD, referrer_id: referrer.id });

    expect((await refund(shop, 'T-FULL', 'r-full', 16800, T0 + DAY)).status).toBe(201);
    expect(await tasksOf(full)).toBe(0);
    expect((await refund(shop, 'T-PART', 'r-part', 8400, T0 + DAY)).status).toBe(201);
    expect(await tasksOf(partial)).toBe(1);

    expect(await settle(T0 + HOLD - 1, shop.shopId)).toBe(0);
    expect(await tasksOf(partial)).toBe(1);
    expect(await settle(T0 + HOLD, shop.shopId)).toBe(2);
    for (const id of [full, partial, plain]) expect(await tasksOf(id)).toBe(0);
    expect(sumBuckets(await ledgerOf({ conversionId: partial }))).toEqual({ ...ZERO, available: 840 });
    expect(await balances(shop, referrer.id, T0 + HOLD)).toEqual({ ...ZERO, available: 840 + 1680 });
  });
});

describe('reads never release', () => {
  it('GET /v1/ledger, GET /v1/balances, referrer balances and stats and POST /v1/payouts after the hold change nothing until settle runs', async () => {
    const shop = await createShop();
    const { referrer, token } = await createReferrer(shop);
    const id = await report(shop, 'R-1', referrer.code);
    const after = T0 + HOLD + DAY;
    const before = await dbFingerprint();

    const ledger = await call('/v1/ledger', { key: shop.sk, now: after });
    expect(ledger.status).toBe(200);
    expect(ledger.body.data.map((e: { type: string }) => e.type)).toEqual(['commission']);
    const totals = await call('/v1/balances', { key: shop.sk, now: after });
    expect(totals.body.totals).toEqual({ currency: 'HKD', ...ZERO, pending: 1680 });
    expect(await balances(shop, referrer.id, after)).toEqual({ ...ZERO, pending: 1680 });
    const me = await call('/v1/referrers/me', {
      key: shop.pk,
      origin: ORIGIN,
      now: after,
      headers: { 'X-Referrer-Token': token },
    });
    expect(me.body.balances).toEqual({ currency: 'HKD', ...ZERO, pending: 1680 });
    const refused = await payout(shop, referrer.id, after);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('insufficient_available');
    expect((await call(`/v1/conversions/${id}`, { key: shop.sk, now: after })).status).toBe(200);
    expect(await dbFingerprint()).toBe(before);

    expect(await settle(after, shop.shopId)).toBe(1);
    const paid = await payout(shop, referrer.id, after);
    expect(paid.status).toBe(201);
    expect(paid.body.payout.amountMinor).toBe(1680);
  });
});

describe('the shop alarm and the cron release on their own', () => {
  /**
   * Runs the shop's alarm and waits for it to settle the due work. workerd fires an alarm that is
   * already due by itself, so by now it may have run, be running or still be scheduled:
   * runDurableObjectAlarm runs it if it is still scheduled, and the loop waits — by round trips to
   * the object, no timers — until the object has no due work left.
   */
  async function alarmSettles(shop: TestShop) {
    const stub = shopObject(shop);
    for (let i = 0; i < 500; i++) {
      await runDurableObjectAlarm(stub);
      if ((await stub.metrics()).nextDueAt === null) return;
    }
    throw new Error('the alarm never settled the due work');
  }

  it("the shop's Durable Object alarm releases a commission whose hold ended in real time, once", async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    // the only test that reports in the real past: its hold (30 days) ended a day ago in real time
    const now = Date.now() - 31 * DAY;
    const id = await report(shop, 'AL-1', referrer.code, now);
    await alarmSettles(shop);

    expect((await ledgerOf({ conversionId: id })).map((e) => [e.type, e.bucket, e.amount_minor])).toEqual([
      ['commission', 'pending', 1680],
      ['release', 'pending', -1680],
      ['release', 'available', 1680],
    ]);
    expect(await balances(shop, referrer.id, Date.now())).toEqual({ ...ZERO, available: 1680 });
    expect(await outboxOf(shop.shopId, 'commission.available')).toHaveLength(1);
    expect(await tasksOf(id)).toBe(0);

    // the alarm again, run directly and as the runtime would: nothing changes
    const before = await dbFingerprint();
    await runInDurableObject(shopObject(shop), (instance: ShopObject) => instance.alarm());
    await runInDurableObject(shopObject(shop), (_instance: ShopObject, state) => state.storage.setAlarm(Date.now() + 3_600_000));
    expect(await runDurableObjectAlarm(shopObject(shop))).toBe(true);
    expect(await dbFingerprint()).toBe(before);
  });

  it("the cron releases every shop's due commissions, and only those", async () => {
    const shops = [await createShop(), await createShop(), await createShop()];
    const ids: string[] = [];
    const referrerIds: string[] = [];
    for (const [i, shop] of shops.entries()) {
      const { referrer } = await createReferrer(shop);
      referrerIds.push(referrer.id);
      // the third shop's order comes five days later: its hold has not ended at the cron's time
      ids.push(await report(shop, `CRON-${i}`, referrer.code, i === 2 ? T0 + 5 * DAY : T0));
    }
    const scheduledTime = T0 + HOLD;
    const cron = async () => {
      const ctx = createExecutionContext();
      await worker.scheduled({ scheduledTime, cron: '*/5 * * * *', noRetry() {} } as never, env as never, ctx);
      await waitOnExecutionContext(ctx);
    };
    await cron();
    for (const i of [0, 1]) {
      expect(sumBuckets(await ledgerOf({ conversionId: ids[i]! }))).toEqual({ ...ZERO, available: 1680 });
      expect(await balances(shops[i]!, referrerIds[i]!, scheduledTime)).toEqual({ ...ZERO, available: 1680 });
      expect(await outboxOf(shops[i]!.shopId, 'commission.available')).toHaveLength(1);
    }
    expect(await balances(shops[2]!, referrerIds[2]!, scheduledTime)).toEqual({ ...ZERO, pending: 1680 });
    const before = await dbFingerprint();
    await cron();
    expect(await dbFingerprint()).toBe(before);
  });
});
