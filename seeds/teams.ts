/**
 * The demo shop's team-buy (拼團): two offers — oolong in a team of 2, egg rolls on a ladder with a
 * leader reward — and teams in every state: open (some still below their size, one past its minimum),
 * complete (with the members' orders, reported at the team price) and expired. Each team is played
 * through the worker's own rules (worker/src/domain/team-buy.ts: start, admit, bind the order,
 * settle), its mirror rows are what the team's Durable Object would write (db/teams.ts
 * `mirrorRows`), and its event is the worker's (`teamEvent`). A seeded team lives in D1 only: its
 * room starts from the mirror the first time someone opens it, and its members have no member token.
 */
import { createHash } from 'node:crypto';
import { attribute } from '../worker/src/domain/attribution';
import type { TeamMember, TeamState, TeamTerms } from '../worker/src/domain/team-buy';
import { admit, bindOrder, maskName, settle, startTeam, teamEvent, teamLine } from '../worker/src/domain/team-buy';
import { mirrorRows } from '../worker/src/db/teams';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../worker/src/domain/time';
import { CURRENCY, PRODUCTS, SEED, SHOP_ID, TEAM_OFFERS } from './catalog';
import { Rng } from './prng';
import type { Row } from './sql';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Names the members gave (shown masked: "Ka Yan" → "Ka Y."). */
const NAMES = [
  'Ka Yan',
  'Siu Ming Chan',
  '陳大文',
  'Wing Sze',
  'Mei Ling Ho',
  'Tsz Chun',
  '李嘉欣',
  'Hoi Lam',
  'Chi Wai Lee',
  '黃小玲',
  'Ming Fai',
];

/** A seeded team: which offer, when it started (before now), its members' join times, who ordered. */
interface TeamPlan {
  key: string;
  sku: string;
  startedBefore: number;
  /** minutes after the start that each further member joined */
  joins: number[];
  /** positions of members who checked out (their orders are seeded conversions) */
  ordered: number[];
}

const PLANS: TeamPlan[] = [
  // open, each still 1 short of its team of 2
  { key: 'open-1', sku: 'oolong-250g', startedBefore: 3 * HOUR_MS, joins: [], ordered: [0] },
  { key: 'open-2', sku: 'oolong-250g', startedBefore: 7 * HOUR_MS, joins: [], ordered: [] },
  // open, past its minimum: the team price is secured, two more bring the next tier
  { key: 'open-3', sku: 'egg-rolls', startedBefore: 20 * HOUR_MS, joins: [35, 240], ordered: [0, 1] },
  // complete
  { key: 'complete-1', sku: 'oolong-250g', startedBefore: 5 * DAY_MS, joins: [95], ordered: [0, 1] },
  { key: 'complete-2', sku: 'oolong-250g', startedBefore: 11 * DAY_MS, joins: [12], ordered: [0, 1] },
  // complete at its deadline at the tier reached (4 of 6)
  { key: 'complete-3', sku: 'egg-rolls', startedBefore: 9 * DAY_MS, joins: [60, 300, 1500], ordered: [0, 1, 2] },
  // expired
  { key: 'expired-1', sku: 'oolong-250g', startedBefore: 3 * DAY_MS, joins: [], ordered: [0] },
  { key: 'expired-2', sku: 'egg-rolls', startedBefore: 12 * DAY_MS, joins: [], ordered: [] },
];

export interface TeamSeed {
  team_offers: Row[];
  teams: Row[];
  team_members: Row[];
  /** the members' orders, as the shop's server reported them with their member tokens */
  conversions: Row[];
  outbox_events: Row[];
}

/**
 * The team-buy rows for `now`. `id(prefix, key)` is the generator's stable id.
 * @example teamSeed({ now, shopCreatedAt, id }).teams.length // 8
 */
export function teamSeed(opts: {
  now: number;
  shopCreatedAt: number;
  id: (prefix: string, key: string | number) => string;
}): TeamSeed {
  const { now, id } = opts;
  const rng = Rng.from(`${SEED}|teams`);
  const offers = TEAM_OFFERS.map((o) => {
    const product = PRODUCTS.find((p) => p.sku === o.sku)!;
    return {
      row: {
        id: id('tof', o.sku),
        shop_id: SHOP_ID,
        sku: o.sku,
        min_size: o.tiers[0]!.size,
        max_size: o.tiers.at(-1)!.size,
        tiers: JSON.stringify(o.tiers),
        duration_minutes: o.durationMinutes,
        max_open_teams: null,
        strangers_may_join: 1,
        leader_reward_minor: o.leaderRewardMinor,
        active: 1,
        created_at: opts.shopCreatedAt,
        updated_at: opts.shopCreatedAt,
      } satisfies Row,
      terms: {
        offerId: id('tof', o.sku),
        sku: o.sku,
        currency: CURRENCY,
        soloPriceMinor: product.priceMinor,
        tiers: o.tiers.map((t) => ({ ...t })),
        durationMinutes: o.durationMinutes,
        strangersMayJoin: true,
        leaderRewardMinor: o.leaderRewardMinor,
      } satisfies TeamTerms,
    };
  });

  const out: TeamSeed = {
    team_offers: offers.map((o) => o.row),
    teams: [],
    team_members: [],
    conversions: [],
    outbox_events: [],
  };
  let names = 0;
  let orders = 0;
  for (const plan of PLANS) {
    const terms = offers.find((o) => o.terms.sku === plan.sku)!.terms;
    const teamId = id('team', plan.key);
    const startedAt = now - plan.startedBefore;
    const member = (i: number, at: number): TeamMember => ({
      id: id('tmb', `${plan.key}-${i}`),
      name: maskName(NAMES[names++ % NAMES.length]),
      identity: `v:${sha256Hex(`seed-visitor|${plan.key}|${i}`)}`,
      token: '',
      referrerId: null,
      joinedAt: at,
      leftAt: null,
      order: null,
    });
    let s: TeamState = startTeam({ id: teamId, shopId: SHOP_ID, terms, now: startedAt, leader: member(0, startedAt) });
    plan.joins.forEach(
      (minutes, i) => (s = admit(s, member(i + 1, startedAt + minutes * MINUTE_MS), startedAt + minutes * MINUTE_MS)),
    );
    for (const position of plan.ordered) {
      const m = s.members[position]!;
      const at = m.joinedAt + rng.int(2 * MINUTE_MS, 20 * MINUTE_MS);
      const price = terms.tiers[0]!.priceMinor;
      const items = [{ sku: terms.sku, quantity: 1, unitPriceMinor: price }];
      const orderId = `HL-T${String(1001 + orders++)}`;
      const bound = bindOrder(s, m.id, { orderId, ...teamLine({ amountMinor: price, items }, terms.sku)! });
      if (!bound.ok) throw new Error(`seed team ${plan.key}: ${bound.message}`);
      s = bound.value;
      const decision = attribute({
        now,
        orderAt: at,
        windowDays: 30,
        model: 'last_click',
        reportedClick: null,
        reportedClickId: null,
        visitorClicks: [],
        codeReferrer: null,
        couponReferrer: null,
        referrersById: new Map(),
      });
      const customerHash = sha256Hex(`seed-team-buyer|${plan.key}|${position}`);
      out.conversions.push({
        id: id('conv', orderId),
        shop_id: SHOP_ID,
        order_id: orderId,
        amount_minor: price,
        currency: CURRENCY,
        items: JSON.stringify(items),
        referrer_id: null,
        click_id: null,
        source: decision.source,
        verified: 1,
        customer_hash: customerHash,
        commission_minor: 0,
        commission_status: 'none',
        explanation: JSON.stringify({ attribution: decision, commission: null, selfReferral: { self: false, reason: null } }),
        request_hash: sha256Hex(JSON.stringify({ orderId, amountMinor: price, items, team: teamId })),
        created_at: at,
        team_id: teamId,
      });
    }
    s = settle(s, now);
    const { team, members } = mirrorRows(s, Math.min(now, s.endedAt ?? now));
    out.teams.push({ ...team });
    out.team_members.push(...members.map((m) => ({ ...m })));
    const event = teamEvent(s);
    if (event) {
      const at = s.endedAt!;
      out.outbox_events.push({
        id: id('evt', `${event.type}:${teamId}`),
        shop_id: SHOP_ID,
        type: event.type,
        payload: JSON.stringify(event.payload),
        dedupe_key: `${event.type}:${teamId}`,
        attempts: 0,
        next_attempt_at: at,
        delivered_at: null,
        last_error: null,
        created_at: at,
      });
    }
  }
  return out;
}

/** The seeded teams, and the orders their members placed (conversions beyond the generator's CONVERSION_COUNT). */
export const TEAM_COUNT = PLANS.length;
export const TEAM_ORDER_COUNT = PLANS.reduce((n, p) => n + p.ordered.length, 0);
