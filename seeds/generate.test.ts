import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { DAY_MS } from '../worker/src/domain/time';
import { cumulativeReversalMinor } from '../worker/src/domain/ledger';
import { DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY, PROGRAM } from './catalog';
import { CLICK_COUNT, CONVERSION_COUNT, HISTORY_DAYS, SHARE_COUNT, TABLE_COLUMNS, generateSeed } from './generate';
import type { SeedTable } from './generate';
import { Rng } from './prng';
import { TEAM_COUNT, TEAM_ORDER_COUNT } from './teams';
import { TeamCompletedEventSchema, TeamExpiredEventSchema } from '../worker/src/contract/teams';

const NOW = Date.UTC(2026, 10, 25);
const OPTS = { origins: ['http://127.0.0.1:8787', 'http://LOCALHOST:8787'], now: NOW };
const seed = generateSeed(OPTS);
const { rows, summary, sql } = seed;

type AnyRow = Record<string, string | number | null>;
const num = (row: AnyRow, column: string): number => row[column] as number;
const str = (row: AnyRow, column: string): string => row[column] as string;
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('prng', () => {
  it('repeats the same sequence for the same seed and stays in range', () => {
    const a = Rng.from('x');
    const b = Rng.from('x');
    const draws = Array.from({ length: 1000 }, () => a.int(3, 9));
    expect(Array.from({ length: 1000 }, () => b.int(3, 9))).toEqual(draws);
    expect(Math.min(...draws)).toBe(3);
    expect(Math.max(...draws)).toBe(9);
    expect(Rng.from('y').u32()).not.toBe(Rng.from('x').u32());
  });
});

describe('generateSeed', () => {
  it('is deterministic: the same options give byte-identical SQL', () => {
    expect(generateSeed(OPTS).sql).toBe(sql);
    expect(generateSeed({ ...OPTS, origins: [...OPTS.origins] }).summary).toEqual(summary);
  });

  it('keeps every id when only the day changes, so a rerun tomorrow duplicates nothing', () => {
    const tomorrow = generateSeed({ ...OPTS, now: NOW + DAY_MS }).rows;
    for (const table of ['clicks', 'shares', 'conversions', 'refunds', 'payouts', 'ledger_entries'] as const) {
      expect(tomorrow[table].map((r) => r.id)).toEqual(rows[table].map((r) => r.id));
    }
    expect(tomorrow.conversions.map((r) => r.order_id)).toEqual(rows.conversions.map((r) => r.order_id));
  });

  it('only ever inserts, with OR IGNORE, into the schema tables', () => {
    const statements = sql.split('\n').filter((line) => /^[A-Z]/.test(line));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(statement).toMatch(/^INSERT OR IGNORE INTO [a-z_]+ \(/);
    expect(sql).not.toMatch(/^\s*(UPDATE|DELETE|DROP|REPLACE|INSERT INTO)\b/m);
    expect(sql).not.toMatch(/\bseq\b/);
    for (const table of Object.keys(TABLE_COLUMNS) as SeedTable[]) {
      for (const row of rows[table]) expect(Object.keys(row).sort()).toEqual([...TABLE_COLUMNS[table]].sort());
    }
  });

  it('prints the demo shop, its fixed keys and the referrers', () => {
    expect(summary).toMatchObject({
      shopId: 'shop_demo_hk',
      publishableKey: 'pk_demo_harbourleaf0000000000000',
      secretKey: 'sk_demo_harbourleaf000000000000000000000',
      products: rows.products.length,
      clicks: CLICK_COUNT,
      conversions: CONVERSION_COUNT + TEAM_ORDER_COUNT,
    });
    expect(summary.referrers).toHaveLength(3);
    expect(summary.referrers[0]).toMatchObject({ name: 'maggie', vanityCode: 'maggie' });
    for (const r of summary.referrers) {
      expect(r.code).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{8}$/);
      expect(r.token).toMatch(/^rt_demo_/);
      const row = rows.referrers.find((x) => x.code === r.code) as AnyRow;
      expect(row.token_hash).toBe(createHash('sha256').update(r.token).digest('hex'));
    }
    const keys = new Map(rows.api_keys.map((k) => [k.kind, k]));
    expect(keys.get('publishable')).toMatchObject({ lookup: DEMO_PUBLISHABLE_KEY, hint: DEMO_PUBLISHABLE_KEY.slice(-4) });
    expect(keys.get('secret')).toMatchObject({
      lookup: createHash('sha256').update(DEMO_SECRET_KEY).digest('hex'),
      hint: DEMO_SECRET_KEY.slice(-4),
    });
    expect(rows.allowed_origins.map((o) => o.origin)).toEqual(['http://127.0.0.1:8787', 'http://localhost:8787']);
    expect(rows.shops[0]).toMatchObject({
      currency: 'HKD',
      locale: 'zh-Hant-HK',
      site_url: '/shop/',
      allow_browser_conversions: 1,
    });
    expect(rows.commission_programs[0]).toMatchObject({
      kind: 'percent',
      rate_bps: 1000,
      cap_minor: 20000,
      hold_days: 30,
      window_days: 30,
      model: 'last_click',
      friend_reward_kind: 'percent',
      friend_reward_value: 1000,
    });
  });

  it('has the expected amounts of history, all inside the last 60 days', () => {
    expect(rows.products.length).toBeGreaterThanOrEqual(6);
    expect(rows.products.filter((p) => p.override_kind !== null)).toHaveLength(1);
    expect(rows.clicks).toHaveLength(CLICK_COUNT);
    expect(rows.shares).toHaveLength(SHARE_COUNT);
    expect(rows.conversions).toHaveLength(CONVERSION_COUNT + TEAM_ORDER_COUNT);
    expect(rows.refunds.length).toBeGreaterThanOrEqual(12);
    expect(rows.refunds.length).toBeLessThanOrEqual(18);
    expect(rows.payouts).toHaveLength(1);
    expect(rows.outbox_events.length).toBeGreaterThan(0);
    for (const table of ['clicks', 'shares', 'conversions', 'refunds', 'payouts', 'ledger_entries', 'outbox_events'] as const) {
      for (const row of rows[table]) {
        expect(num(row, 'created_at')).toBeGreaterThanOrEqual(NOW - HISTORY_DAYS * DAY_MS);
        expect(num(row, 'created_at')).toBeLessThanOrEqual(NOW);
      }
    }
    const bySource = (source: string) => rows.conversions.filter((c) => c.source === source).length;
    expect(bySource('click') / CONVERSION_COUNT).toBeGreaterThan(0.6);
    expect(bySource('click') / CONVERSION_COUNT).toBeLessThan(0.8);
    expect(bySource('coupon')).toBeGreaterThan(0);
    expect(bySource('none')).toBeGreaterThan(0);
    for (const c of rows.conversions) {
      const items = JSON.parse(str(c, 'items')) as Array<{ sku: string; quantity: number; unitPriceMinor: number }>;
      expect(items.length).toBeGreaterThan(0);
      expect(c.currency).toBe('HKD');
      expect(c.request_hash).toMatch(/^[0-9a-f]{64}$/);
      if (c.source === 'none') {
        expect(c).toMatchObject({ referrer_id: null, click_id: null, commission_minor: 0, commission_status: 'none' });
        expect(JSON.parse(str(c, 'explanation')).commission).toBeNull();
      } else {
        expect(c.referrer_id).not.toBeNull();
        expect(num(c, 'commission_minor')).toBeGreaterThan(0);
        expect(num(c, 'commission_minor')).toBeLessThanOrEqual(PROGRAM.capMinor);
      }
    }
  });

  it('credits every click-attributed order to a click inside the 30-day window', () => {
    const clicks = new Map(rows.clicks.map((c) => [c.id, c]));
    const attributed = rows.conversions.filter((c) => c.source === 'click');
    expect(attributed.length).toBeGreaterThan(0);
    for (const conv of attributed) {
      const click = clicks.get(str(conv, 'click_id')) as AnyRow;
      expect(click).toBeDefined();
      expect(click.referrer_id).toBe(conv.referrer_id);
      expect(num(click, 'created_at')).toBeLessThanOrEqual(num(conv, 'created_at'));
      expect(num(click, 'created_at')).toBeGreaterThanOrEqual(num(conv, 'created_at') - PROGRAM.windowDays * DAY_MS);
      const explanation = JSON.parse(str(conv, 'explanation'));
      expect(explanation.attribution).toMatchObject({ source: 'click', clickId: conv.click_id, reason: 'click_in_window' });
    }
  });

  it('balances the ledger per conversion: commission minus reversals, moves summing to zero', () => {
    const ids = rows.ledger_entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = rows.ledger_entries.map((e) => e.dedupe_key);
    expect(new Set(keys).size).toBe(keys.length);
    const refundsOf = (convId: unknown) => rows.refunds.filter((r) => r.conversion_id === convId);
    let refundedConversions = 0;
    for (const conv of rows.conversions) {
      const entries = rows.ledger_entries.filter((e) => e.conversion_id === conv.id);
      const commission = num(conv, 'commission_minor');
      if (commission === 0) {
        expect(entries).toHaveLength(0);
        continue;
      }
      const ofType = (...types: string[]) =>
        sum(entries.filter((e) => types.includes(str(e, 'type'))).map((e) => num(e, 'amount_minor')));
      const refunded = sum(refundsOf(conv.id).map((r) => num(r, 'amount_minor')));
      expect(refunded).toBeLessThanOrEqual(num(conv, 'amount_minor'));
      const reversed = cumulativeReversalMinor(commission, refunded, num(conv, 'amount_minor'));
      if (refunded > 0) refundedConversions += 1;
      expect(ofType('commission')).toBe(commission);
      expect(ofType('void', 'reversal', 'clawback')).toBe(0 - reversed);
      expect(ofType('release')).toBe(0);
      expect(sum(entries.map((e) => num(e, 'amount_minor')))).toBe(commission - reversed);
    }
    expect(refundedConversions).toBeGreaterThan(5);
    // Entries written together share a txn; a payout's pair sums to zero.
    const payoutEntries = rows.ledger_entries.filter((e) => e.type === 'payout');
    expect(payoutEntries).toHaveLength(2);
    expect(sum(payoutEntries.map((e) => num(e, 'amount_minor')))).toBe(0);
    expect(new Set(payoutEntries.map((e) => e.txn_id)).size).toBe(1);
    expect(payoutEntries.find((e) => e.bucket === 'paid')?.amount_minor).toBe(rows.payouts[0]?.amount_minor);
  });

  it('owes a release for exactly the commissions still pending, and counts every order in the shop total', () => {
    const pending = new Map<string, number>();
    for (const e of rows.ledger_entries) {
      if (str(e, 'bucket') === 'pending')
        pending.set(str(e, 'conversion_id'), (pending.get(str(e, 'conversion_id')) ?? 0) + num(e, 'amount_minor'));
    }
    const owed = [...pending].filter(([, amount]) => amount > 0).map(([id]) => id);
    expect(owed.length).toBeGreaterThan(0);
    expect(rows.ledger_tasks.map((t) => str(t, 'conversion_id')).sort()).toEqual(owed.sort());
    for (const t of rows.ledger_tasks) {
      expect(str(t, 'action')).toBe('release');
      const due = Math.max(
        ...rows.ledger_entries
          .filter((e) => str(e, 'conversion_id') === str(t, 'conversion_id') && str(e, 'bucket') === 'pending' && e.available_at)
          .map((e) => num(e, 'available_at')),
      );
      expect(num(t, 'due_at')).toBe(due);
    }
    expect(rows.shop_totals).toEqual([
      { shop_id: 'shop_demo_hk', orders_minor: sum(rows.conversions.map((c) => num(c, 'amount_minor'))) },
    ]);
  });

  it("shows Maggie's balances as paid, available and pending, and holds self-referrals", () => {
    const maggie = rows.referrers.find((r) => r.vanity_code === 'maggie') as AnyRow;
    const balance = (bucket: string) =>
      sum(
        rows.ledger_entries.filter((e) => e.referrer_id === maggie.id && e.bucket === bucket).map((e) => num(e, 'amount_minor')),
      );
    expect(balance('paid')).toBeGreaterThan(0);
    expect(balance('available')).toBeGreaterThan(0);
    expect(balance('pending')).toBeGreaterThan(0);

    const held = rows.conversions.filter((c) => c.commission_status === 'on_hold');
    expect(held.length).toBeGreaterThanOrEqual(1);
    expect(held.length).toBeLessThanOrEqual(2);
    for (const conv of held) {
      expect(JSON.parse(str(conv, 'explanation')).selfReferral).toEqual({ self: true, reason: 'email' });
      const entries = rows.ledger_entries.filter((e) => e.conversion_id === conv.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        type: 'commission',
        bucket: 'on_hold',
        reason: 'self_referral:email',
        available_at: null,
      });
    }
  });

  it('has team-buy in every state: offers, open, complete and expired teams, their orders and events', () => {
    expect(rows.team_offers.map((o) => o.sku).sort()).toEqual(['egg-rolls', 'oolong-250g']);
    expect(rows.teams).toHaveLength(TEAM_COUNT);
    const byStatus = (status: string) => rows.teams.filter((t) => t.status === status);
    expect(byStatus('open').length).toBeGreaterThanOrEqual(2);
    expect(byStatus('complete').length).toBeGreaterThanOrEqual(2);
    expect(byStatus('expired').length).toBeGreaterThanOrEqual(1);
    for (const t of byStatus('open')) {
      expect(num(t, 'deadline_at')).toBeGreaterThan(NOW);
      expect(num(t, 'member_count')).toBeLessThan(num(t, 'max_size'));
    }
    // only real members: the counts are the member rows, names masked
    for (const t of rows.teams) {
      const members = rows.team_members.filter((m) => m.team_id === t.id && m.left_at === null);
      expect(members).toHaveLength(num(t, 'member_count'));
      for (const m of members) expect(str(m, 'name')).toMatch(/^(\S+( \S\.)?|\p{Script=Han}＊+)$/u);
    }
    // every ordered member's order is a conversion of that team at the team price
    const ordered = rows.team_members.filter((m) => m.order_id !== null);
    expect(ordered).toHaveLength(TEAM_ORDER_COUNT);
    for (const m of ordered) {
      const conv = rows.conversions.find((c) => c.order_id === m.order_id)!;
      expect(conv).toMatchObject({ team_id: m.team_id, amount_minor: m.paid_minor });
    }
    // one event per ended team, in the worker's payload shape
    for (const t of [...byStatus('complete'), ...byStatus('expired')]) {
      const events = rows.outbox_events.filter(
        (e) => e.dedupe_key === `team.${t.status === 'complete' ? 'completed' : 'expired'}:${t.id}`,
      );
      expect(events).toHaveLength(1);
      const payload = JSON.parse(str(events[0]!, 'payload'));
      if (t.status === 'complete') expect(TeamCompletedEventSchema.parse(payload).members).toHaveLength(num(t, 'member_count'));
      else expect(TeamExpiredEventSchema.parse(payload).totalReleaseMinor).toBeGreaterThanOrEqual(0);
    }
    const ladder = byStatus('complete').find((t) => t.sku === 'egg-rolls')!;
    const payload = TeamCompletedEventSchema.parse(
      JSON.parse(
        str(
          rows.outbox_events.find((e) => e.dedupe_key === `team.completed:${ladder.id}`)!,
          'payload',
        ),
      ),
    );
    expect(payload.tier).toEqual({ size: 4, priceMinor: 8200 });
    expect(payload.members.filter((m) => m.orderId).map((m) => m.releaseMinor)).toEqual([600, 600, 600]);
  });
});
