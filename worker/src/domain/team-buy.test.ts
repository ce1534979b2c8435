import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  admit,
  bindOrder,
  cancel,
  checkoutPriceMinor,
  joinVerdict,
  leaderOf,
  leave,
  maskName,
  offerTiers,
  settle,
  settlements,
  startTeam,
  teamEvent,
  teamLine,
  tierFor,
  type TeamMember,
  type TeamState,
  type TeamTerms,
} from './team-buy.js';
import { HOUR_MS } from './time.js';

const terms = (over: Partial<TeamTerms> = {}): TeamTerms => ({
  offerId: 'tof_1',
  sku: 'tea',
  currency: 'HKD',
  soloPriceMinor: 16800,
  tiers: [{ size: 3, priceMinor: 15000 }],
  durationMinutes: 24 * 60,
  strangersMayJoin: true,
  leaderRewardMinor: 0,
  ...over,
});
const member = (id: string, at = 0, over: Partial<TeamMember> = {}): TeamMember => ({
  id,
  name: null,
  identity: `v:${id}`,
  token: `tmt_${id}`,
  referrerId: null,
  joinedAt: at,
  leftAt: null,
  order: null,
  ...over,
});
const team = (t = terms(), leader = member('a')): TeamState =>
  startTeam({ id: 'team_1', shopId: 'shop_1', terms: t, now: 0, leader });
const ladder = terms({
  tiers: [
    { size: 2, priceMinor: 15000 },
    { size: 4, priceMinor: 14000 },
    { size: 6, priceMinor: 13000 },
  ],
});

describe('offers', () => {
  it('a ladder needs more members and a lower price at each rung, all below the solo price', () => {
    expect(offerTiers({ size: 2, priceMinor: 15000, ladder: [{ size: 4, priceMinor: 14000 }] }, 16800)).toEqual({
      ok: true,
      value: [
        { size: 2, priceMinor: 15000 },
        { size: 4, priceMinor: 14000 },
      ],
    });
    expect(offerTiers({ size: 2, priceMinor: 16800 }, 16800).ok).toBe(false);
    expect(offerTiers({ size: 1, priceMinor: 100 }, 16800).ok).toBe(false);
    expect(offerTiers({ size: 11, priceMinor: 100 }, 16800).ok).toBe(false);
    expect(offerTiers({ size: 2, priceMinor: 15000, ladder: [{ size: 2, priceMinor: 14000 }] }, 16800).ok).toBe(false);
    expect(offerTiers({ size: 2, priceMinor: 15000, ladder: [{ size: 4, priceMinor: 15000 }] }, 16800).ok).toBe(false);
  });

  it('the tier reached is the highest whose size the team has', () => {
    expect(tierFor(ladder, 1)).toBeNull();
    expect(tierFor(ladder, 3)).toEqual({ size: 2, priceMinor: 15000 });
    expect(tierFor(ladder, 6)).toEqual({ size: 6, priceMinor: 13000 });
  });
});

describe('the state machine', () => {
  it('open → complete at its size; a full team refuses the next joiner', () => {
    let s = team();
    s = admit(s, member('b', 1), 1);
    expect(s.status).toBe('open');
    s = admit(s, member('c', 2), 2);
    expect(s).toMatchObject({ status: 'complete', endedAt: 2, version: 3 });
    expect(joinVerdict(s, 3)).toMatchObject({ ok: false, code: 'team_full' });
  });

  it('a join after the deadline is refused; the deadline expires an unfilled team once', () => {
    const s = admit(team(), member('b'), 0);
    expect(joinVerdict(s, s.deadlineAt)).toMatchObject({ ok: false, code: 'team_expired' });
    const expired = settle(s, s.deadlineAt + 5);
    expect(expired).toMatchObject({ status: 'expired', endedAt: s.deadlineAt, version: s.version + 1 });
    expect(settle(expired, s.deadlineAt + 10)).toBe(expired);
    expect(settle(s, s.deadlineAt - 1)).toBe(s);
  });

  it('a ladder succeeds at its minimum, stays open until the deadline, and completes at the tier reached', () => {
    let s = team(ladder);
    for (const id of ['b', 'c']) s = admit(s, member(id), 1);
    expect(s.status).toBe('open');
    expect(checkoutPriceMinor(s)).toBe(15000);
    const done = settle(s, s.deadlineAt);
    expect(done.status).toBe('complete');
    expect(checkoutPriceMinor(done)).toBe(15000);
    for (const id of ['d', 'e', 'f']) s = admit(s, member(id), 2);
    expect(s.status).toBe('complete');
    expect(checkoutPriceMinor(s)).toBe(13000);
  });

  it('the leader may leave (the next member leads); the last one leaving cancels', () => {
    let s = admit(team(), member('b', 1), 1);
    const left = leave(s, 'a', 2);
    expect(left.ok && leaderOf(left.value)?.id).toBe('b');
    s = (left as { value: TeamState }).value;
    const last = leave(s, 'b', 3);
    expect(last.ok && last.value.status).toBe('cancelled');
    expect(leave(s, 'zz', 3)).toMatchObject({ ok: false, code: 'team_member_not_found' });
  });

  it('only the leader cancels, and only before anyone joins', () => {
    expect(cancel(team(), 'a', 1)).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    const two = admit(team(), member('b'), 1);
    expect(cancel(two, 'a', 1)).toMatchObject({ ok: false, code: 'team_not_cancellable' });
    expect(cancel(two, 'b', 1)).toMatchObject({ ok: false, code: 'team_not_cancellable' });
  });
});

describe('orders and what the shop is told', () => {
  const order = (orderId: string, unitPriceMinor = 15000) => ({
    orderId,
    quantity: 1,
    unitPriceMinor,
    paidMinor: unitPriceMinor,
  });

  it('one membership, one order; below the team price is refused', () => {
    const s = team();
    const bound = bindOrder(s, 'a', order('HL-1'));
    expect(bound.ok).toBe(true);
    const again = bindOrder((bound as { value: TeamState }).value, 'a', order('HL-1'));
    expect(again.ok && again.value.version).toBe((bound as { value: TeamState }).value.version);
    expect(bindOrder((bound as { value: TeamState }).value, 'a', order('HL-2'))).toMatchObject({ code: 'team_order_conflict' });
    expect(bindOrder(s, 'a', order('HL-3', 14999))).toMatchObject({ code: 'team_price_not_allowed' });
    expect(bindOrder(s, 'nobody', order('HL-4'))).toMatchObject({ code: 'team_member_not_found' });
    expect(bindOrder(settle(s, s.deadlineAt), 'a', order('HL-5'))).toMatchObject({ code: 'team_price_not_allowed' });
  });

  it('the team line takes its share of an order-level discount', () => {
    const items = [
      { sku: 'tea', quantity: 1, unitPriceMinor: 15000 },
      { sku: 'cake', quantity: 2, unitPriceMinor: 9800 },
    ];
    expect(teamLine({ amountMinor: 34600, items }, 'tea')).toEqual({ quantity: 1, unitPriceMinor: 15000, paidMinor: 15000 });
    // 10 % off 34,600: 31,140 over 15,000 and 19,600
    expect(teamLine({ amountMinor: 31140, items }, 'tea')).toEqual({ quantity: 1, unitPriceMinor: 15000, paidMinor: 13500 });
    expect(teamLine({ amountMinor: 31140, items }, 'none')).toBeNull();
  });

  it('completed ladder: everyone pays the final tier, the difference is released; the event says so once', () => {
    let s = team(terms({ ...ladder, leaderRewardMinor: 1000 }), member('a', 0, { referrerId: 'ref_lead', name: 'Ka Y.' }));
    for (const id of ['b', 'c', 'd']) s = admit(s, member(id), 1);
    s = (bindOrder(s, 'a', order('HL-A')) as { value: TeamState }).value;
    s = (bindOrder(s, 'b', { orderId: 'HL-B', quantity: 2, unitPriceMinor: 15000, paidMinor: 27001 }) as { value: TeamState })
      .value;
    const done = settle(s, s.deadlineAt);
    const event = teamEvent(done)!;
    expect(event.type).toBe('team.completed');
    if (event.type !== 'team.completed') return;
    expect(event.payload.tier).toEqual({ size: 4, priceMinor: 14000 });
    expect(event.payload.members.map((m) => [m.orderId, m.authorizedMinor, m.amountMinor, m.releaseMinor])).toEqual([
      ['HL-A', 15000, 14000, 1000],
      // 27,001 split 28,000 : 2,000 → 25,201 + 1,800
      ['HL-B', 27001, 25201, 1800],
      [null, null, 14000, 0],
      [null, null, 14000, 0],
    ]);
    expect(event.payload.totalMinor).toBe(14000 + 25201 + 14000 + 14000);
    expect(event.payload.leaderReward).toEqual({ memberId: 'a', referrerId: 'ref_lead', amountMinor: 1000 });
    expect(event.payload.members[0]).toMatchObject({ role: 'leader', name: 'Ka Y.' });
  });

  it('expired: every authorization is released, nothing captured', () => {
    let s = team();
    s = (bindOrder(s, 'a', order('HL-A')) as { value: TeamState }).value;
    const event = teamEvent(settle(s, s.deadlineAt + HOUR_MS))!;
    expect(event).toMatchObject({ type: 'team.expired', payload: { totalReleaseMinor: 15000, expiredAt: s.deadlineAt } });
    expect(teamEvent(s)).toBeNull();
  });

  it('property: captured + released is always exactly what was authorized', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 999_999 }),
        (paid, quantity, unit, lower) => {
          const final = Math.min(lower, unit - 1);
          const t = terms({
            soloPriceMinor: unit + 1,
            tiers: [
              { size: 2, priceMinor: unit },
              { size: 3, priceMinor: Math.max(0, final) },
            ],
          });
          let s = team(t);
          s = (bindOrder(s, 'a', { orderId: 'o', quantity, unitPriceMinor: unit, paidMinor: paid }) as { value: TeamState })
            .value;
          s = admit(admit(s, member('b'), 1), member('c'), 1);
          const [m] = settlements(s);
          return m!.amountMinor + m!.releaseMinor === paid && m!.amountMinor >= 0 && m!.releaseMinor >= 0;
        },
      ),
      { seed: 6, numRuns: 300 },
    );
  });
});

describe('names strangers see', () => {
  it('masks to the first word and an initial, or a first Chinese character', () => {
    expect(maskName('Ka Yan')).toBe('Ka Y.');
    expect(maskName('  maggie   chan ')).toBe('maggie C.');
    expect(maskName('陳小明')).toBe('陳＊＊');
    expect(maskName('Maggie')).toBe('Maggie');
    expect(maskName(' \u200b ')).toBeNull();
    expect(maskName(null)).toBeNull();
  });
});
