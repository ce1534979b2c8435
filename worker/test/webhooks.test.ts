/**
 * Webhooks out (issue 7), through the real worker, real D1 and the shops' real WebhookSender
 * Durable Objects, to a real HTTP receiver (worker/test/webhook-receiver.ts), verified by the
 * `standardwebhooks` package (the Standard Webhooks reference implementation) and by the npm
 * package's own `verifyWebhook`:
 * - a receiver that fails twice then succeeds gets the event exactly once more — delivered once —
 *   on the backoff schedule of an injected clock, every attempt with the same `webhook-id`;
 * - events of one subject arrive in order; other subjects do not wait;
 * - a receiver that never answers holds up only its own shop;
 * - SSRF: non-https and non-public targets are refused outside local development, when set and
 *   again when delivering; redirects are never followed;
 * - after 3 days of failures an event is dead-lettered; the shop lists and retries it;
 * - during a secret rotation both secrets sign.
 * The sender's alarms run on the real clock; the tests' events are created at T0 (2031), so only
 * the tests' own `deliver(now)` calls find them due.
 */
import { describe, expect, inject, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { call, createReferrer, createShop, DAY, ORIGIN, type TestShop } from './helpers';
import { T0, count, reportOrder, settle } from './fixtures';
import { OOLONG, browserReport, payout, refund } from './money-path';
import { webhookSender } from '../src/durable/webhook-sender-stub';
import { deliverDue } from '../src/services/webhooks';
import { runMaintenance } from '../src/services/maintenance';
import { outboxStatement } from '../src/db/outbox';
import { purgeEvents } from '../src/db/webhooks';
import { RETRY_WINDOW_MS, WEBHOOK_EVENT_TYPES } from '../src/domain/webhooks';
import { WebhookEventSchema } from '../src/contract/events';
import type { TeamCompletedEvent } from '../src/contract/teams';
import { settleDue } from '../src/db/ledger';
import type { ReceivedRequest } from './webhook-receiver';
import type { D1Migration } from 'cloudflare:test';
import { verifyWebhook } from '../../sdk/src/webhooks/verify-webhook';

const RECEIVER = inject('webhookReceiver');
const PRODUCTION = { ENVIRONMENT: 'production' };
let unique = 0;

/** A shop whose webhooks go to the receiver's `/<behaviour>/<name>`; returns the shop and the name. */
async function hookedShop(behaviour: string, overrides: Record<string, unknown> = {}) {
  const name = `${behaviour}-${++unique}-${Math.random().toString(36).slice(2, 8)}`;
  const shop = await createShop({ webhookUrl: `${RECEIVER}/${behaviour}/${name}`, ...overrides });
  const { referrer } = await createReferrer(shop);
  return { shop, name, referrer };
}

async function received(name: string): Promise<ReceivedRequest[]> {
  return (await fetch(`${RECEIVER}/_log/${name}`)).json();
}

const deliver = (shop: TestShop, now: number) => webhookSender(env, shop.shopId).deliver(now);

async function order(shop: TestShop, orderId: string, code: string, now = T0) {
  const res = await reportOrder(shop, { orderId, amountMinor: 16800, currency: 'HKD', referralCode: code }, { now });
  expect(res.status).toBe(201);
  return res.body.conversion.id as string;
}

async function deliveries(shop: TestShop, query = '') {
  const res = await call(`/v1/webhooks/deliveries${query}`, { key: shop.sk });
  expect(res.status).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

/**
 * The event of a delivery, verified by `standardwebhooks`; it must also be exactly what the event
 * catalogue (contract/events.ts, the OpenAPI `WebhookEvent`) describes: nothing missing, nothing extra.
 */
function verify(secret: string, request: ReceivedRequest) {
  const event = new Webhook(secret).verify(request.body, request.headers) as Record<string, any>;
  expect(WebhookEventSchema.parse(event)).toEqual(event);
  return event;
}

describe('delivery', () => {
  it('a receiver that fails twice then succeeds receives the event once more, signed, on the backoff schedule', async () => {
    const { shop, name, referrer } = await hookedShop('fail-2');
    const conversionId = await order(shop, 'WH-1', referrer.code);

    expect(await deliver(shop, T0)).toMatchObject({ attempted: 1, delivered: 0, failed: 1, nextRunAt: T0 + 30_000 });
    expect(await deliver(shop, T0 + 29_999)).toMatchObject({ attempted: 0 });
    expect(await deliver(shop, T0 + 30_000)).toMatchObject({ attempted: 1, failed: 1, nextRunAt: T0 + 150_000 });
    expect(await deliver(shop, T0 + 150_000)).toMatchObject({ attempted: 1, delivered: 1, nextRunAt: null });
    // nothing is sent again, whenever the sender runs
    expect(await deliver(shop, T0 + 10 * DAY)).toMatchObject({ attempted: 0 });

    const requests = await received(name);
    expect(requests.map((r) => r.status)).toEqual([500, 500, 204]);
    const ids = new Set(requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(requests.map((r) => r.body)).toEqual(Array(3).fill(requests[0]!.body));
    expect(requests[2]!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const event = verify(shop.webhookSecret, requests[2]!);
    expect(event).toEqual({
      id: [...ids][0],
      type: 'conversion.attributed',
      timestamp: new Date(T0).toISOString(),
      shopId: shop.shopId,
      data: {
        conversionId,
        orderId: 'WH-1',
        referrerId: referrer.id,
        amountMinor: 16800,
        currency: 'HKD',
        commissionMinor: 1680,
        commissionStatus: 'pending',
        verified: true,
      },
    });
    // the npm package's verifyWebhook, here in workerd, agrees
    expect(await verifyWebhook(requests[2]!.body, requests[2]!.headers, shop.webhookSecret)).toEqual(event);
    // the same bytes under another secret, or altered by one byte, do not verify
    const otherSecret = (await createShop()).webhookSecret;
    expect(() => verify(otherSecret, requests[2]!)).toThrow(/No matching signature/);
    expect(() => verify(shop.webhookSecret, { ...requests[2]!, body: requests[2]!.body.replace('16800', '16801') })).toThrow();

    const [delivery] = await deliveries(shop);
    expect(delivery).toMatchObject({
      id: event.id,
      type: 'conversion.attributed',
      status: 'delivered',
      attempts: 3,
      lastStatus: 204,
      lastError: null,
      deliveredAt: T0 + 150_000,
      nextAttemptAt: null,
      event,
    });
  });

  it('events of one conversion arrive in order; another conversion does not wait; payouts announce payout.paid', async () => {
    const { shop, name, referrer } = await hookedShop('fail-1');
    const first = await order(shop, 'WH-A', referrer.code);
    expect((await refund(shop, 'WH-A', 'rf-A', 16800, T0 + 1)).status).toBe(201);
    // the first attempt (the first conversion's attributed event) fails; its reversal waits behind it
    expect(await deliver(shop, T0 + 1)).toMatchObject({ attempted: 1, failed: 1 });
    const second = await order(shop, 'WH-B', referrer.code, T0 + 2);
    expect(await deliver(shop, T0 + 2)).toMatchObject({ attempted: 1, delivered: 1 });
    // 30 s later: the first conversion's attributed event, then (next round) its reversal
    expect(await deliver(shop, T0 + 30_001)).toMatchObject({ attempted: 2, delivered: 2, nextRunAt: null });

    // the second conversion's commission becomes available, and is paid out
    expect(await settle(T0 + 31 * DAY, shop.shopId)).toBe(1);
    expect((await payout(shop, referrer.id, T0 + 31 * DAY)).status).toBe(201);
    expect(await deliver(shop, T0 + 31 * DAY)).toMatchObject({ attempted: 2, delivered: 2 });

    const events = (await received(name)).filter((r) => r.status === 204).map((r) => verify(shop.webhookSecret, r));
    const summary = events.map((e) => [e.type, e.data.conversionId ?? e.data.payoutId]);
    expect(summary.slice(0, 3)).toEqual([
      ['conversion.attributed', second],
      ['conversion.attributed', first],
      ['commission.reversed', first],
    ]);
    // two subjects delivered in the same round: in either order
    expect(summary.slice(3).sort()).toEqual([
      ['commission.available', second],
      ['payout.paid', expect.stringMatching(/^po_/)],
    ]);
    const paid = events.find((e) => e.type === 'payout.paid')!;
    expect(paid.data).toEqual({
      payoutId: paid.data.payoutId,
      referrerId: referrer.id,
      amountMinor: 1680,
      currency: 'HKD',
    });
  });

  it('browser reports: conversion.attributed (unverified), conversion.verified when the server confirms, commission.reversed when unconfirmed', async () => {
    const { shop, name, referrer } = await hookedShop('ok');
    expect((await call('/v1/program', { method: 'PUT', key: shop.sk, body: { unverifiedExpiryDays: 7 }, now: T0 })).status).toBe(
      200,
    );
    const browserOrder = (orderId: string) => ({
      orderId,
      amountMinor: 16800,
      currency: 'HKD',
      items: [OOLONG],
      referralCode: referrer.code,
    });
    const confirmed = await browserReport(shop, browserOrder('WH-BR-1'));
    const unconfirmed = await browserReport(shop, browserOrder('WH-BR-2'));
    expect([confirmed.status, unconfirmed.status]).toEqual([201, 201]);
    expect((await reportOrder(shop, browserOrder('WH-BR-1'), { now: T0 + DAY })).status).toBe(201);
    expect(await settleDue(env.DB, T0 + 7 * DAY, { shopId: shop.shopId })).toMatchObject({ expired: 1 });
    expect(await deliver(shop, T0 + 7 * DAY)).toMatchObject({ delivered: 4, failed: 0, nextRunAt: null });

    const events = (await received(name)).map((r) => verify(shop.webhookSecret, r));
    const ofConversion = (id: string) => events.filter((e) => e.data.conversionId === id).map((e) => e.type);
    // each conversion's events in the order they were written
    expect(ofConversion(confirmed.body.conversion.id)).toEqual(['conversion.attributed', 'conversion.verified']);
    expect(ofConversion(unconfirmed.body.conversion.id)).toEqual(['conversion.attributed', 'commission.reversed']);
    expect(events.find((e) => e.type === 'conversion.attributed')!.data).toMatchObject({
      verified: false,
      commissionStatus: 'on_hold',
    });
    expect(events.find((e) => e.type === 'conversion.verified')!.data).toMatchObject({
      orderId: 'WH-BR-1',
      referrerId: referrer.id,
      previousReferrerId: referrer.id,
      commissionStatus: 'pending',
    });
    expect(events.find((e) => e.type === 'commission.reversed')!.data).toEqual({
      conversionId: unconfirmed.body.conversion.id,
      referrerId: referrer.id,
      amountMinor: 1680,
      currency: 'HKD',
      reason: 'unverified_expired',
    });
  });

  it('a receiver that never answers holds up only its own shop, and times out', async () => {
    const hanging = await hookedShop('hang');
    const healthy = await hookedShop('ok');
    await order(hanging.shop, 'WH-H', hanging.referrer.code);
    await order(healthy.shop, 'WH-OK', healthy.referrer.code);

    const stuck = deliver(hanging.shop, T0);
    // wait until the hanging receiver holds the request open
    for (let i = 0; i < 100 && (await received(hanging.name)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await received(hanging.name)).toEqual([expect.objectContaining({ status: null })]);

    expect(await deliver(healthy.shop, T0)).toMatchObject({ attempted: 1, delivered: 1 });
    expect((await received(healthy.name)).map((r) => r.status)).toEqual([204]);
    // the hanging shop's attempt is still open
    expect(
      await count('SELECT count(*) AS n FROM outbox_events WHERE shop_id = ? AND last_attempt_at IS NULL', hanging.shop.shopId),
    ).toBe(1);

    expect(await stuck).toMatchObject({ attempted: 1, failed: 1, nextRunAt: T0 + 30_000 });
    const [delivery] = await deliveries(hanging.shop);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: 'timeout: no answer in time' });
  });

  it('the automatic path: an order pokes the sender, whose alarm delivers on the real clock', async () => {
    const { shop, name, referrer } = await hookedShop('ok');
    const body = { orderId: 'WH-LIVE', amountMinor: 9800, currency: 'HKD', referralCode: referrer.code };
    const res = await reportOrder(shop, body, { now: Date.now() });
    expect(res.status).toBe(201);
    for (let i = 0; i < 250 && (await received(name)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [request] = await received(name);
    expect(verify(shop.webhookSecret, request!)).toMatchObject({ type: 'conversion.attributed', data: { orderId: 'WH-LIVE' } });
  });

  it('the cron delivers events no writer announced, whatever their type (a team event)', async () => {
    const { shop, name } = await hookedShop('ok');
    const now = Date.now();
    // a team.completed in the outbox that no team room announced
    const member = (memberId: string, role: 'leader' | 'member') => ({
      memberId,
      name: null,
      role,
      joinedAt: now - 60_000,
      referrerId: null,
      orderId: `WH-${memberId}`,
      quantity: 1,
      authorizedMinor: 15000,
      amountMinor: 15000,
      releaseMinor: 0,
    });
    const team: TeamCompletedEvent = {
      teamId: 'team_cron',
      offerId: 'tof_cron',
      sku: 'oolong-250g',
      currency: 'HKD',
      createdAt: now - 60_000,
      deadlineAt: now + DAY,
      size: { min: 2, max: 2, members: 2 },
      members: [member('tmb_1', 'leader'), member('tmb_2', 'member')],
      status: 'complete',
      completedAt: now,
      tier: { size: 2, priceMinor: 15000 },
      soloPriceMinor: 16800,
      totalMinor: 30000,
      leaderReward: null,
    };
    await outboxStatement(env.DB, {
      shopId: shop.shopId,
      type: 'team.completed',
      payload: team,
      dedupeKey: 'team.completed:team_cron',
      now,
      onlyIf: { sql: '1 = ?', args: [1] },
    }).run();
    await runMaintenance(env as never, now);
    for (let i = 0; i < 250 && (await received(name)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [request] = await received(name);
    expect(verify(shop.webhookSecret, request!)).toMatchObject({ type: 'team.completed', data: team });
  });

  it('a team that fills is delivered as team.completed at once, announced by its room', async () => {
    const { shop, name } = await hookedShop('ok');
    const now = Date.now();
    const put = await call('/v1/team-offers/oolong-250g', {
      method: 'PUT',
      key: shop.sk,
      body: { size: 2, priceMinor: 15000 },
      now,
    });
    expect(put.status).toBe(200);
    const started = await call('/v1/teams', {
      key: shop.pk,
      origin: ORIGIN,
      body: { sku: 'oolong-250g', visitorId: 'webhook-team-leader-1', name: 'Ka Yan' },
      now,
    });
    expect(started.status).toBe(201);
    const teamId = started.body.team.id as string;
    const joined = await call(`/v1/teams/${teamId}/join`, {
      key: shop.pk,
      origin: ORIGIN,
      body: { visitorId: 'webhook-team-member-1' },
      now,
    });
    expect(joined.body.team.status).toBe('complete');
    for (let i = 0; i < 250 && (await received(name)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [request] = await received(name);
    const event = verify(shop.webhookSecret, request!);
    expect(event).toMatchObject({
      type: 'team.completed',
      shopId: shop.shopId,
      data: { teamId, status: 'complete', sku: 'oolong-250g', tier: { size: 2, priceMinor: 15000 } },
    });
    expect(event.data.members.map((m: { name: string | null }) => m.name)).toEqual(['Ka Y.', null]);
  });
});

describe('the event catalogue', () => {
  it('describes exactly the event types the worker sends', () => {
    const described = WebhookEventSchema.options.map((o) => o.shape.type.value);
    expect(described.sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });
});

describe('SSRF', () => {
  it.each([
    ['http://hooks.shop.example/sharecart', /https/],
    ['https://127.0.0.1/hook', /loopback/],
    ['https://localhost:8443/hook', /local-only/],
    ['https://10.1.2.3/hook', /private/],
    ['https://192.168.0.10/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://[::1]/hook', /loopback/],
    ['https://[fe80::1]/hook', /link-local/],
    ['https://[::ffff:10.0.0.1]/hook', /private/],
  ])('outside local development, %s is refused when set (400 invalid_url) and changes nothing', async (url, why) => {
    const shop = await createShop();
    const res = await call('/v1/webhooks', { method: 'PUT', key: shop.sk, body: { url }, env: PRODUCTION });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([{ path: 'url', code: 'invalid_url', message: expect.stringMatching(why) }]);
    expect((await call('/v1/webhooks', { key: shop.sk })).body.endpoint.url).toBeNull();
  });

  it('a public https URL is accepted; in local development http and loopback are too (ENVIRONMENT=development)', async () => {
    const shop = await createShop();
    const ok = await call('/v1/webhooks', {
      method: 'PUT',
      key: shop.sk,
      body: { url: 'https://hooks.shop.example/sc' },
      env: PRODUCTION,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.endpoint).toMatchObject({ url: 'https://hooks.shop.example/sc', previousSecretExpiresAt: null });
    const local = await call('/v1/webhooks', { method: 'PUT', key: shop.sk, body: { url: 'http://127.0.0.1:9/hook' } });
    expect(local.body.endpoint.url).toBe('http://127.0.0.1:9/hook');
    const admin = await call(`/v1/admin/shops/${shop.shopId}/webhook`, {
      method: 'PUT',
      key: 'adm_test_token_0123456789abcdef',
      body: { url: 'http://10.0.0.1/hook' },
      env: PRODUCTION,
    });
    expect(admin.status).toBe(400);
  });

  it('a stored local URL is refused again at delivery outside local development: nothing is sent', async () => {
    const { shop, name, referrer } = await hookedShop('ok');
    await order(shop, 'WH-SSRF', referrer.code);
    const run = await deliverDue({ ...env, ...PRODUCTION } as Env, shop.shopId, T0);
    expect(run).toMatchObject({ attempted: 1, failed: 1 });
    expect(await received(name)).toEqual([]);
    expect((await deliveries(shop))[0]!.lastError).toMatch(/^refused: .*(https|loopback)/);
  });

  it('a redirect is a failed attempt and is never followed', async () => {
    const { shop, name, referrer } = await hookedShop('redirect');
    await order(shop, 'WH-302', referrer.code);
    expect(await deliver(shop, T0)).toMatchObject({ attempted: 1, failed: 1 });
    expect((await received(name)).map((r) => r.status)).toEqual([302]);
    expect(await received(`${name}-followed`)).toEqual([]);
    expect((await deliveries(shop))[0]).toMatchObject({ lastStatus: 302, lastError: 'redirect (302) not followed' });
  });
});

describe('dead letters and retries', () => {
  it('after 3 days of failures the event is dead; the shop lists it and retries it; another shop cannot', async () => {
    const { shop, name, referrer } = await hookedShop('fail-10');
    await order(shop, 'WH-DEAD', referrer.code);
    let now = T0;
    for (let i = 0; i < 20; i++) {
      const run = (await deliver(shop, now))!;
      expect(run.attempted).toBe(1);
      if (run.nextRunAt === null) break;
      now = run.nextRunAt;
    }
    expect(now).toBe(T0 + RETRY_WINDOW_MS);
    expect((await received(name)).map((r) => r.status)).toEqual(Array(10).fill(500));

    const dead = await deliveries(shop, '?status=dead');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      status: 'dead',
      attempts: 10,
      deadAt: T0 + RETRY_WINDOW_MS,
      lastStatus: 500,
      nextAttemptAt: null,
    });
    expect(await deliveries(shop, '?status=pending')).toEqual([]);
    expect(await deliver(shop, now + DAY)).toMatchObject({ attempted: 0 });

    const other = await createShop();
    expect((await call(`/v1/webhooks/deliveries/${dead[0]!.id}/retry`, { method: 'POST', key: other.sk })).status).toBe(404);
    expect((await call('/v1/webhooks/deliveries/evt_nope/retry', { method: 'POST', key: shop.sk })).status).toBe(404);

    const retryAt = now + DAY;
    const retried = await call(`/v1/webhooks/deliveries/${dead[0]!.id}/retry`, { method: 'POST', key: shop.sk, now: retryAt });
    expect(retried.status).toBe(200);
    expect(retried.body.delivery).toMatchObject({ status: 'pending', attempts: 0, deadAt: null, nextAttemptAt: retryAt });
    expect(await deliver(shop, retryAt)).toMatchObject({ attempted: 1, delivered: 1 });
    expect((await deliveries(shop, '?status=delivered'))[0]).toMatchObject({ id: dead[0]!.id, attempts: 1 });
    expect((await received(name)).map((r) => r.headers['webhook-id'])).toEqual(Array(11).fill(dead[0]!.id));
  });
});

describe('retention', () => {
  it('delivered and dead events go after 30 days; pending ones after 3 days only when no URL would take them', async () => {
    const hooked = await hookedShop('ok');
    const silent = await createShop();
    const { referrer } = await createReferrer(silent);
    await order(hooked.shop, 'WH-KEEP', hooked.referrer.code);
    await order(silent, 'WH-NOWHERE', referrer.code);
    const eventsOf = (shop: TestShop) => count('SELECT count(*) AS n FROM outbox_events WHERE shop_id = ?', shop.shopId);
    await purgeEvents(env.DB, T0 + RETRY_WINDOW_MS + 1);
    expect([await eventsOf(hooked.shop), await eventsOf(silent)]).toEqual([1, 0]);
    await deliver(hooked.shop, T0 + RETRY_WINDOW_MS + 1);
    await purgeEvents(env.DB, T0 + RETRY_WINDOW_MS + 30 * DAY);
    expect(await eventsOf(hooked.shop)).toBe(1);
    await purgeEvents(env.DB, T0 + RETRY_WINDOW_MS + 1 + 30 * DAY + 1);
    expect(await eventsOf(hooked.shop)).toBe(0);
  });
});

describe('secret rotation', () => {
  it('both secrets sign during the overlap, only the new one after it', async () => {
    const { shop, name, referrer } = await hookedShop('ok');
    const rotated = await call('/v1/webhooks/secret/rotate', { key: shop.sk, body: { overlapHours: 24 }, now: T0 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.webhookSecret as string;
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.body.previousSecretExpiresAt).toBe(T0 + DAY);
    expect((await call('/v1/webhooks/secret', { key: shop.sk, now: T0 })).body).toEqual(rotated.body);

    await order(shop, 'WH-ROT-1', referrer.code);
    await order(shop, 'WH-ROT-2', referrer.code, T0 + DAY);
    await deliver(shop, T0);
    await deliver(shop, T0 + DAY);
    const [during, after] = await received(name);
    expect(during!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(fresh, during!).data.orderId).toBe('WH-ROT-1');
    expect(verify(shop.webhookSecret, during!).data.orderId).toBe('WH-ROT-1');
    expect(after!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(verify(fresh, after!).data.orderId).toBe('WH-ROT-2');
    expect(() => verify(shop.webhookSecret, after!)).toThrow(/No matching signature/);
  });

  it('migration 0007 keeps every generated secret and replaces one that is not base64', async () => {
    const shop = await createShop();
    const other = await createShop();
    const legacy = 'whsec_Q8d2kLmN4pR7sT1vW3xY5zA6bC9eF0gH';
    await env.DB.prepare('UPDATE shops SET webhook_secret = ? WHERE id = ?').bind(legacy, shop.shopId).run();
    await env.DB.prepare('UPDATE shops SET webhook_secret = ? WHERE id = ?')
      .bind('whsec_demo_harbourleaf_0000', other.shopId)
      .run();
    const migration = (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS.find((m) =>
      m.name.startsWith('0007'),
    )!;
    const update = migration.queries.find((q) => q.startsWith('UPDATE shops SET webhook_secret'))!;
    await env.DB.prepare(update).run();
    const secretOf = async (id: string) =>
      (await env.DB.prepare('SELECT webhook_secret AS s FROM shops WHERE id = ?').bind(id).first<{ s: string }>())!.s;
    expect(await secretOf(shop.shopId)).toBe(legacy);
    const replaced = await secretOf(other.shopId);
    expect(replaced).toMatch(/^whsec_[0-9A-F]{64}$/);
    expect(() => new Webhook(replaced)).not.toThrow();
  });
});
