/**
 * Issue 8 (privacy), retention: a click's landing URL and its IP, user-agent and visitor hashes are
 * dropped after the shop's attribution window + RETENTION_MARGIN_DAYS — in D1 by the cron (in
 * bounded batches, through a partial index, a second run touching nothing) and in the shop's
 * ShopObject, whose local copy of such clicks is deleted. The click itself stays for stats.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import worker from '../src/index';
import { DAY, ORIGIN, call, createReferrer, createShop, type TestShop } from './helpers';
import { T0, dbFingerprint } from './fixtures';
import { shopObject } from '../src/durable/shop-object-stub';
import { RETENTION_BATCH_ROWS, pruneClickPersonalData } from '../src/db/retention';
import { RETENTION_MARGIN_DAYS } from '../src/domain/retention';

interface StoredClick {
  id: string;
  referrer_id: string;
  channel: string;
  landing_url: string | null;
  visitor_hash: string | null;
  ip_hash: string | null;
  ua_hash: string | null;
  created_at: number;
}

const NOW = T0 + 100 * DAY;
let ipCounter = 0;

/** A click with every personal field, at `at`, from a fresh IP (no rate limit in the way). */
async function personalClick(shop: TestShop, code: string, at: number): Promise<string> {
  ipCounter++;
  const res = await call('/v1/clicks', {
    key: shop.pk,
    origin: ORIGIN,
    now: at,
    body: {
      code,
      channel: 'whatsapp',
      landingUrl: `${ORIGIN}/product?sku=oolong-250g&utm=${ipCounter}`,
      visitorId: `visitor-${String(ipCounter).padStart(6, '0')}`,
    },
    headers: { 'CF-Connecting-IP': `10.77.${ipCounter >> 8}.${ipCounter & 255}`, 'User-Agent': `Retention/${ipCounter}` },
  });
  expect(res.status).toBe(201);
  return res.body.clickId as string;
}

async function d1Click(id: string): Promise<StoredClick> {
  return (await env.DB.prepare('SELECT * FROM clicks WHERE id = ?').bind(id).first<StoredClick>())!;
}

function expectPruned(c: StoredClick) {
  expect(c).toMatchObject({ landing_url: null, visitor_hash: null, ip_hash: null, ua_hash: null, channel: 'whatsapp' });
  expect(c.referrer_id).toMatch(/^ref_/);
}

function expectKept(c: StoredClick) {
  expect(c.landing_url).toMatch(/^https:\/\/shop\.example\/product/);
  for (const h of [c.visitor_hash, c.ip_hash, c.ua_hash]) expect(h).toMatch(/^[0-9a-f]{64}$/);
}

async function localClicks(shop: TestShop): Promise<StoredClick[]> {
  return runInDurableObject(
    shopObject(env, shop.shopId),
    (_instance, state) => state.storage.sql.exec('SELECT * FROM click_log ORDER BY seq').toArray() as unknown as StoredClick[],
  );
}

describe('D1: personal click fields are pruned after the window + margin', () => {
  it('clicks older than window + 7 days lose landing URL and hashes, newer ones keep them; a second run touches nothing', async () => {
    expect(RETENTION_MARGIN_DAYS).toBe(7);
    const shop = await createShop(); // window 30 days
    const short = await createShop({ program: { windowDays: 3 } });
    const { referrer } = await createReferrer(shop);
    const other = await createReferrer(short);
    const cutoff = NOW - 37 * DAY;
    const ids = {
      old: await personalClick(shop, referrer.code, cutoff - 5 * DAY),
      justOld: await personalClick(shop, referrer.code, cutoff - 1),
      atCutoff: await personalClick(shop, referrer.code, cutoff),
      recent: await personalClick(shop, referrer.code, NOW - 2 * DAY),
      // 3-day window: 10 days old is past 3 + 7, 9 days old is not
      shortOld: await personalClick(short, other.referrer.code, NOW - 10 * DAY - 1),
      shortRecent: await personalClick(short, other.referrer.code, NOW - 9 * DAY),
    };
    await shopObject(env, shop.shopId).flush();
    await shopObject(env, short.shopId).flush();
    const before = await d1Click(ids.old);

    const first = await pruneClickPersonalData(env.DB, NOW);
    expect(first.clicks).toBe(3);
    const after = await d1Click(ids.old);
    expectPruned(after);
    expect({ id: after.id, referrer: after.referrer_id, at: after.created_at }).toEqual({
      id: before.id,
      referrer: before.referrer_id,
      at: before.created_at,
    });
    expectPruned(await d1Click(ids.justOld));
    expectPruned(await d1Click(ids.shortOld));
    expectKept(await d1Click(ids.atCutoff));
    expectKept(await d1Click(ids.recent));
    expectKept(await d1Click(ids.shortRecent));

    const fingerprint = await dbFingerprint();
    expect(await pruneClickPersonalData(env.DB, NOW)).toEqual({ shops: 0, clicks: 0 });
    expect(await dbFingerprint()).toBe(fingerprint);
    // stats still count every click
    expect(
      (await env.DB.prepare('SELECT count(*) AS n FROM clicks WHERE referrer_id = ?').bind(referrer.id).first<{ n: number }>())!
        .n,
    ).toBe(4);
  });

  it('works in bounded batches: at most `rows` clicks per shop and `shops` shops per run, the most overdue shop first', async () => {
    const a = await createShop();
    const b = await createShop();
    const ra = await createReferrer(a);
    const rb = await createReferrer(b);
    const at = NOW + 1000 * DAY; // a clock of its own, far after the other tests' clicks
    const aIds = [];
    for (let i = 0; i < 5; i++) aIds.push(await personalClick(a, ra.referrer.code, at - 60 * DAY + i));
    const bId = await personalClick(b, rb.referrer.code, at - 40 * DAY);
    await shopObject(env, a.shopId).flush();
    await shopObject(env, b.shopId).flush();
    // the other tests' clicks are due at this clock too: prune them first, so the counts below are ours
    while ((await pruneClickPersonalData(env.DB, at - 59 * DAY - 1)).clicks > 0);

    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await pruneClickPersonalData(env.DB, at, { shops: 1, rows: 2 }));
    expect(runs).toEqual([
      { shops: 1, clicks: 2 }, // shop a: its oldest click is 23 days overdue, b's 3
      { shops: 1, clicks: 2 },
      { shops: 1, clicks: 1 },
      { shops: 1, clicks: 1 }, // then b
      { shops: 0, clicks: 0 },
    ]);
    for (const id of [...aIds, bId]) expectPruned(await d1Click(id));
    expect(RETENTION_BATCH_ROWS).toBe(5000);
  });

  it('finds due clicks through the partial index, so pruned clicks are never scanned again', async () => {
    const plans = await Promise.all(
      [
        `SELECT min(created_at) FROM clicks WHERE shop_id = 'x' AND (landing_url IS NOT NULL OR visitor_hash IS NOT NULL OR ip_hash IS NOT NULL OR ua_hash IS NOT NULL)`,
        `SELECT rowid FROM clicks WHERE shop_id = 'x' AND created_at < 5 AND (landing_url IS NOT NULL OR visitor_hash IS NOT NULL OR ip_hash IS NOT NULL OR ua_hash IS NOT NULL) ORDER BY created_at LIMIT 5`,
      ].map(async (sql) => JSON.stringify((await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).all()).results)),
    );
    for (const plan of plans) expect(plan).toContain('USING INDEX clicks_personal_data');
  });

  it('the cron runs the prune (and, without IP_HASH_SALT, logs the problem and still prunes instead of throwing)', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const id = await personalClick(shop, referrer.code, Date.now() - 40 * DAY);
    await shopObject(env, shop.shopId).flush();
    expectKept(await d1Click(id));
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController(), { ...env, IP_HASH_SALT: undefined } as never, ctx);
    await waitOnExecutionContext(ctx);
    expectPruned(await d1Click(id));
  });
});

describe("the shop object's local copy follows the same retention", () => {
  it('flushed clicks older than window + margin are deleted from the object; newer and unflushed ones stay', async () => {
    const shop = await createShop(); // window 30 days
    const { referrer } = await createReferrer(shop);
    const cutoff = NOW - 37 * DAY;
    const old = await personalClick(shop, referrer.code, cutoff - DAY);
    const recent = await personalClick(shop, referrer.code, NOW - DAY);
    await shopObject(env, shop.shopId).flush();
    const unflushedOld = await personalClick(shop, referrer.code, cutoff - 2 * DAY);
    expect((await localClicks(shop)).map((c) => c.id)).toEqual([old, recent, unflushedOld]);

    await shopObject(env, shop.shopId).pruneLocalClicks(NOW);
    expect((await localClicks(shop)).map((c) => c.id)).toEqual([recent, unflushedOld]);
    // flushed, then pruned: it reaches D1 (where the cron nulls its fields) and leaves the object
    await shopObject(env, shop.shopId).flush();
    await shopObject(env, shop.shopId).pruneLocalClicks(NOW);
    expect((await localClicks(shop)).map((c) => c.id)).toEqual([recent]);
    expectKept((await localClicks(shop))[0]!);
    await pruneClickPersonalData(env.DB, NOW);
    expectPruned(await d1Click(unflushedOld));
    expectPruned(await d1Click(old));
  });

  it('uses the shop program: a 3-day window prunes after 10 days', async () => {
    const shop = await createShop({ program: { windowDays: 3 } });
    const { referrer } = await createReferrer(shop);
    const old = await personalClick(shop, referrer.code, NOW - 10 * DAY - 1);
    const kept = await personalClick(shop, referrer.code, NOW - 9 * DAY);
    await shopObject(env, shop.shopId).flush();
    await shopObject(env, shop.shopId).pruneLocalClicks(NOW);
    const left = (await localClicks(shop)).map((c) => c.id);
    expect(left).toContain(kept);
    expect(left).not.toContain(old);
  });

  it('an object holding clicks keeps an alarm for its next daily prune, and a new click still flushes promptly', async () => {
    const shop = await createShop();
    const { referrer } = await createReferrer(shop);
    const stub = shopObject(env, shop.shopId);
    await personalClick(shop, referrer.code, Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true); // flush + first prune
    const prune = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(prune).not.toBeNull();
    expect(prune!).toBeGreaterThan(Date.now() + DAY - 60_000);
    // a click brings the alarm forward to the flush delay (CLICK_FLUSH_MS = 60 s in tests)
    await personalClick(shop, referrer.code, Date.now());
    const flush = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(flush!).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.pendingCount()).toBe(0);
  });
});
