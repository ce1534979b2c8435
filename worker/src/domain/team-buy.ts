/**
 * Team-buy (拼團) rules: a shop's offer (team size, price tiers, duration), one team's state machine,
 * what a member's order comes to when the team ends, the events the shop gets and the masked names
 * shown to strangers. Pure: the team's Durable Object (durable/team-room.ts) holds the state and calls
 * these one change at a time; nothing here reads, writes or hashes.
 *
 * The state machine: `open` → `complete` (the team reached its size) | `expired` (the deadline passed
 * first) | `cancelled` (the leader cancelled, or left, before anyone joined). With a ladder the team
 * succeeds at its minimum size and stays open for more members until the deadline or the maximum,
 * whichever comes first; it completes then at the tier reached. Only members who really joined count:
 * nothing here adds, pads or simulates a member.
 *
 * Money: prices are integer minor units per unit of the product. A member authorizes the first tier's
 * price at checkout (the current tier's once the team is complete); when the team completes everyone
 * pays the final tier, and the difference is released. Where an amount is split — the order's amount
 * over its lines, the team line's share into what is kept and what is released — the parts come from
 * largest-remainder allocation and always sum to the whole.
 */
import { allocate } from './money.js';
import { MINUTE_MS } from './time.js';

export const TEAM_MIN_SIZE = 2;
export const TEAM_MAX_SIZE = 10;
/** A team's window stays inside a card authorization hold (Visa merchant-initiated: ~4 days 18 h). */
export const MAX_DURATION_MINUTES = 4 * 24 * 60;
export const MIN_DURATION_MINUTES = 5;
export const DEFAULT_DURATION_MINUTES = 24 * 60;

export type TeamStatus = 'open' | 'complete' | 'expired' | 'cancelled';

/** One rung of the price ladder: at `size` members or more, each pays `priceMinor` per unit. */
export interface TeamTier {
  size: number;
  priceMinor: number;
}

/** What a team keeps of its offer when it starts (a later change of the offer does not touch it). */
export interface TeamTerms {
  offerId: string;
  sku: string;
  currency: string;
  soloPriceMinor: number;
  /** ascending sizes, descending prices; the first is the team's minimum size */
  tiers: TeamTier[];
  durationMinutes: number;
  strangersMayJoin: boolean;
  leaderRewardMinor: number;
}

/** The team line of a member's order, as validated when the shop reported it. */
export interface MemberOrder {
  orderId: string;
  quantity: number;
  unitPriceMinor: number;
  /** the team line's share of the order's amount (after any order-level discount) */
  paidMinor: number;
}

export interface TeamMember {
  id: string;
  /** masked, e.g. "Ka Y."; null when the member gave none */
  name: string | null;
  /** salted pseudonym of the shop's customer id, else of the visitor id: one membership per person */
  identity: string;
  /** the member token (`tmt_…`); only the team's object keeps it */
  token: string;
  referrerId: string | null;
  joinedAt: number;
  leftAt: number | null;
  order: MemberOrder | null;
}

export interface TeamState {
  id: string;
  shopId: string;
  terms: TeamTerms;
  status: TeamStatus;
  createdAt: number;
  deadlineAt: number;
  /** when it completed, expired or was cancelled */
  endedAt: number | null;
  /** current and departed members, in join order */
  members: TeamMember[];
  /** grows with every change; the mirror applies only newer versions */
  version: number;
}

export type TeamRefusal =
  | 'team_full'
  | 'team_expired'
  | 'team_closed'
  | 'team_member_not_found'
  | 'team_not_cancellable'
  | 'team_order_conflict'
  | 'team_price_not_allowed';

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: TeamRefusal; message: string };

const refuse = <T>(code: TeamRefusal, message: string): Outcome<T> => ({ ok: false, code, message });

// ─── Offers ────────────────────────────────────────────────────────────────────────────────────

export interface OfferInput {
  size: number;
  priceMinor: number;
  ladder?: TeamTier[];
}

/**
 * The tiers of an offer: the team price at `size`, then the ladder's rungs. Sizes must grow (up to
 * TEAM_MAX_SIZE), prices fall, and every team price stays below the solo price.
 *
 * @example
 * offerTiers({ size: 2, priceMinor: 15000, ladder: [{ size: 4, priceMinor: 14000 }] }, 16800);
 * // { ok: true, value: [{ size: 2, priceMinor: 15000 }, { size: 4, priceMinor: 14000 }] }
 */
export function offerTiers(
  input: OfferInput,
  soloPriceMinor: number,
): { ok: true; value: TeamTier[] } | { ok: false; message: string } {
  const tiers = [{ size: input.size, priceMinor: input.priceMinor }, ...(input.ladder ?? [])];
  for (const [i, t] of tiers.entries()) {
    if (!Number.isSafeInteger(t.size) || t.size < TEAM_MIN_SIZE || t.size > TEAM_MAX_SIZE)
      return { ok: false, message: `A team has ${TEAM_MIN_SIZE} to ${TEAM_MAX_SIZE} members (tier ${i + 1}: ${t.size}).` };
    if (!Number.isSafeInteger(t.priceMinor) || t.priceMinor < 0)
      return { ok: false, message: `Prices are non-negative integers in minor units (tier ${i + 1}).` };
    if (t.priceMinor >= soloPriceMinor)
      return {
        ok: false,
        message: `The team price must be below the solo price ${soloPriceMinor} (tier ${i + 1}: ${t.priceMinor}).`,
      };
    const previous = tiers[i - 1];
    if (previous && !(t.size > previous.size && t.priceMinor < previous.priceMinor))
      return { ok: false, message: 'Each rung of the ladder needs more members and a lower price than the one before.' };
  }
  return { ok: true, value: tiers };
}

export const minSize = (terms: Pick<TeamTerms, 'tiers'>): number => terms.tiers[0]!.size;
export const maxSize = (terms: Pick<TeamTerms, 'tiers'>): number => terms.tiers.at(-1)!.size;

/**
 * The tier a team of `members` has reached, or null below the minimum size.
 * @example tierFor({ tiers: [{ size: 2, priceMinor: 150 }, { size: 4, priceMinor: 140 }] }, 3) // { size: 2, priceMinor: 150 }
 */
export function tierFor(terms: Pick<TeamTerms, 'tiers'>, members: number): TeamTier | null {
  let reached: TeamTier | null = null;
  for (const t of terms.tiers) if (members >= t.size) reached = t;
  return reached;
}

// ─── The team ──────────────────────────────────────────────────────────────────────────────────

export const activeMembers = (s: Pick<TeamState, 'members'>): TeamMember[] => s.members.filter((m) => m.leftAt === null);

/** The leader: the earliest member still in the team (the next one leads when the leader leaves). */
export const leaderOf = (s: Pick<TeamState, 'members'>): TeamMember | null => activeMembers(s)[0] ?? null;

/** What a member of an open team may check out at per unit: the first tier, or the final one once complete. */
export function checkoutPriceMinor(s: TeamState): number | null {
  if (s.status === 'open') return s.terms.tiers[0]!.priceMinor;
  if (s.status === 'complete') return (tierFor(s.terms, activeMembers(s).length) ?? s.terms.tiers[0]!).priceMinor;
  return null;
}

/** The price of the tier reached so far (the first tier's while below the minimum size). */
export function currentPriceMinor(s: TeamState): number {
  return (tierFor(s.terms, activeMembers(s).length) ?? s.terms.tiers[0]!).priceMinor;
}

/**
 * A new team with its leader as the only member, open until `now` + the offer's duration.
 * @example startTeam({ id: 'team_1', shopId: 'shop_1', terms, now: 0, leader })
 */
export function startTeam(input: { id: string; shopId: string; terms: TeamTerms; now: number; leader: TeamMember }): TeamState {
  return {
    id: input.id,
    shopId: input.shopId,
    terms: input.terms,
    status: 'open',
    createdAt: input.now,
    deadlineAt: input.now + input.terms.durationMinutes * MINUTE_MS,
    endedAt: null,
    members: [input.leader],
    version: 1,
  };
}

/** Finds a current member by member token or by identity (a person joins once). */
export function findMember(s: TeamState, who: { token?: string | null; identity?: string | null }): TeamMember | null {
  return (
    activeMembers(s).find((m) => (who.token && m.token === who.token) || (who.identity && m.identity === who.identity)) ?? null
  );
}

/**
 * The team as of `now`: an open team whose deadline has passed completes at the tier reached (a
 * ladder past its minimum size) or expires. Any other team is returned unchanged, so settling twice
 * changes nothing the second time.
 */
export function settle(s: TeamState, now: number): TeamState {
  if (s.status !== 'open' || now < s.deadlineAt) return s;
  const reached = activeMembers(s).length >= minSize(s.terms);
  return { ...s, status: reached ? 'complete' : 'expired', endedAt: s.deadlineAt, version: s.version + 1 };
}

/**
 * Whether someone new may join now: refused when the team is closed, past its deadline or full.
 * (The caller settles the team first; a person already in it is answered with their membership.)
 */
export function joinVerdict(s: TeamState, now: number): Outcome<null> {
  if (s.status === 'expired' || (s.status === 'open' && now >= s.deadlineAt))
    return refuse('team_expired', 'The team’s deadline has passed.');
  if (s.status !== 'open') return refuse(s.status === 'complete' ? 'team_full' : 'team_closed', `The team is ${s.status}.`);
  if (activeMembers(s).length >= maxSize(s.terms)) return refuse('team_full', 'The team is full.');
  return { ok: true, value: null };
}

/**
 * Admits a member (the caller checked {@link joinVerdict} and everything else first). The team
 * completes when it reaches its maximum size.
 */
export function admit(s: TeamState, member: TeamMember, now: number): TeamState {
  const members = [...s.members, member];
  const full = activeMembers({ members }).length >= maxSize(s.terms);
  return { ...s, members, status: full ? 'complete' : 'open', endedAt: full ? now : null, version: s.version + 1 };
}

/**
 * A member leaves an open team; if the leader leaves, the next member leads. The last member
 * leaving cancels the team.
 */
export function leave(s: TeamState, memberId: string, now: number): Outcome<TeamState> {
  if (s.status !== 'open') return refuse('team_closed', `Members cannot leave a team that is ${s.status}.`);
  const member = activeMembers(s).find((m) => m.id === memberId);
  if (!member) return refuse('team_member_not_found', 'Not a member of this team.');
  const members = s.members.map((m) => (m.id === memberId ? { ...m, leftAt: now } : m));
  const empty = activeMembers({ members }).length === 0;
  return {
    ok: true,
    value: { ...s, members, status: empty ? 'cancelled' : 'open', endedAt: empty ? now : null, version: s.version + 1 },
  };
}

/** The leader cancels the team, which only they have joined. */
export function cancel(s: TeamState, memberId: string, now: number): Outcome<TeamState> {
  const leader = leaderOf(s);
  if (s.status !== 'open') return refuse('team_closed', `The team is ${s.status}.`);
  if (!leader || leader.id !== memberId) return refuse('team_not_cancellable', 'Only the team’s leader may cancel it.');
  if (activeMembers(s).length > 1)
    return refuse('team_not_cancellable', 'Someone has joined: the team can no longer be cancelled.');
  return leave(s, memberId, now);
}

/**
 * Binds a member's order (its team line) to their membership; the same order again changes
 * nothing, another order is a conflict (one membership, one order). The team line's unit price may
 * not be below {@link checkoutPriceMinor}.
 */
export function bindOrder(s: TeamState, memberId: string, order: MemberOrder): Outcome<TeamState> {
  const member = activeMembers(s).find((m) => m.id === memberId);
  if (!member) return refuse('team_member_not_found', 'The member token is not a member of this team.');
  if (member.order) {
    if (member.order.orderId !== order.orderId)
      return refuse('team_order_conflict', `This membership was already used for order ${member.order.orderId}.`);
    return { ok: true, value: s };
  }
  const allowed = checkoutPriceMinor(s);
  if (allowed === null) return refuse('team_price_not_allowed', `The team is ${s.status}: its price is no longer available.`);
  if (order.unitPriceMinor < allowed)
    return refuse(
      'team_price_not_allowed',
      `The team line's unit price ${order.unitPriceMinor} is below the team price ${allowed}.`,
    );
  return {
    ok: true,
    value: { ...s, members: s.members.map((m) => (m.id === memberId ? { ...m, order } : m)), version: s.version + 1 },
  };
}

/** Takes an order's binding back (its report was refused after the membership was reserved for it). */
export function unbindOrder(s: TeamState, memberId: string, orderId: string): TeamState {
  const member = s.members.find((m) => m.id === memberId);
  if (!member?.order || member.order.orderId !== orderId) return s;
  return { ...s, members: s.members.map((m) => (m.id === memberId ? { ...m, order: null } : m)), version: s.version + 1 };
}

/**
 * The team line of an order: its quantity and unit price, and its share of the order's amount —
 * the amount allocated over the order's lines by their totals (largest remainder), so an
 * order-level discount falls on every line in proportion. Null when no line is the team's product.
 *
 * @example
 * teamLine({ amountMinor: 27000, items: [{ sku: 'tea', quantity: 1, unitPriceMinor: 15000 },
 *   { sku: 'cake', quantity: 1, unitPriceMinor: 15000 }] }, 'tea');
 * // { quantity: 1, unitPriceMinor: 15000, paidMinor: 13500 }
 */
export function teamLine(
  order: { amountMinor: number; items: ReadonlyArray<{ sku: string; quantity: number; unitPriceMinor: number }> },
  sku: string,
): Omit<MemberOrder, 'orderId'> | null {
  const index = order.items.findIndex((i) => i.sku === sku);
  if (index < 0) return null;
  const line = order.items[index]!;
  const totals = order.items.map((i) => i.quantity * i.unitPriceMinor);
  const itemsTotal = totals.reduce((a, b) => a + b, 0);
  // an amount above the lines' total (shipping, say) is not the team line's: it keeps its own total
  const shared = Math.min(order.amountMinor, itemsTotal);
  const paid = itemsTotal === 0 ? 0 : allocate(shared, totals)[index]!;
  return { quantity: line.quantity, unitPriceMinor: line.unitPriceMinor, paidMinor: paid };
}

// ─── What everyone sees ────────────────────────────────────────────────────────────────────────

/** The team as buyers and strangers see it: masked names of the members who really joined, no identities or tokens. */
export interface TeamView {
  id: string;
  sku: string;
  offerId: string;
  status: TeamStatus;
  size: { min: number; max: number };
  members: Array<{ memberId: string; name: string | null; role: 'leader' | 'member'; joinedAt: number }>;
  spotsLeft: number;
  currency: string;
  soloPriceMinor: number;
  tiers: TeamTier[];
  priceMinor: number;
  checkoutPriceMinor: number | null;
  createdAt: number;
  deadlineAt: number;
  endedAt: number | null;
}

/**
 * What anyone who sees the team is shown. `spotsLeft` counts members still needed for the team
 * price below the minimum, else places left up to the maximum (0 once the team is not open).
 */
export function teamView(s: TeamState): TeamView {
  const active = activeMembers(s);
  const min = minSize(s.terms);
  const max = maxSize(s.terms);
  return {
    id: s.id,
    sku: s.terms.sku,
    offerId: s.terms.offerId,
    status: s.status,
    size: { min, max },
    members: active.map((m, i) => ({ memberId: m.id, name: m.name, role: i === 0 ? 'leader' : 'member', joinedAt: m.joinedAt })),
    spotsLeft: s.status !== 'open' ? 0 : active.length < min ? min - active.length : max - active.length,
    currency: s.terms.currency,
    soloPriceMinor: s.terms.soloPriceMinor,
    tiers: s.terms.tiers,
    priceMinor: currentPriceMinor(s),
    checkoutPriceMinor: checkoutPriceMinor(s),
    createdAt: s.createdAt,
    deadlineAt: s.deadlineAt,
    endedAt: s.endedAt,
  };
}

// ─── What the shop is told ─────────────────────────────────────────────────────────────────────

/** One member's money when the team ends (the payload's `members[]`). */
export interface MemberSettlement {
  memberId: string;
  name: string | null;
  role: 'leader' | 'member';
  joinedAt: number;
  referrerId: string | null;
  /** the order the member checked out with, null when the shop has not reported one yet */
  orderId: string | null;
  quantity: number;
  /** the team line's share of the order as authorized; null without an order */
  authorizedMinor: number | null;
  /** what to capture for the team line: its share at the final tier (0 when the team expired) */
  amountMinor: number;
  /** what to release or refund of the authorization */
  releaseMinor: number;
}

/**
 * Each current member's amounts when the team ends. Complete: the team line's authorized share is
 * split into what the final tier keeps and what is released, in proportion to the final price and
 * the difference (largest remainder, so the two always sum to the authorization); a member with no
 * order yet pays the final tier per unit when they check out. Expired or cancelled: everything
 * authorized is released.
 *
 * @example
 * // authorized HK$150 at the first tier, the ladder ended at HK$130: capture 130, release 20
 * settlements(team)[0]; // { …, authorizedMinor: 15000, amountMinor: 13000, releaseMinor: 2000 }
 */
export function settlements(s: TeamState): MemberSettlement[] {
  const active = activeMembers(s);
  const final = s.status === 'complete' ? (tierFor(s.terms, active.length) ?? s.terms.tiers[0]!).priceMinor : null;
  return active.map((m, i) => {
    const order = m.order;
    const quantity = order?.quantity ?? 1;
    let amountMinor = 0;
    let releaseMinor = order?.paidMinor ?? 0;
    if (final !== null) {
      if (!order) {
        amountMinor = final * quantity;
        releaseMinor = 0;
      } else if (order.unitPriceMinor <= final) {
        amountMinor = order.paidMinor;
        releaseMinor = 0;
      } else {
        [amountMinor, releaseMinor] = allocate(order.paidMinor, [
          final * quantity,
          (order.unitPriceMinor - final) * quantity,
        ]) as [number, number];
      }
    }
    return {
      memberId: m.id,
      name: m.name,
      role: i === 0 ? 'leader' : 'member',
      joinedAt: m.joinedAt,
      referrerId: m.referrerId,
      orderId: order?.orderId ?? null,
      quantity,
      authorizedMinor: order?.paidMinor ?? null,
      amountMinor,
      releaseMinor,
    };
  });
}

/** `team.completed`: capture each member's `amountMinor`, release their `releaseMinor`. */
export interface TeamCompletedPayload {
  teamId: string;
  offerId: string;
  sku: string;
  currency: string;
  status: 'complete';
  createdAt: number;
  deadlineAt: number;
  completedAt: number;
  size: { min: number; max: number; members: number };
  tier: TeamTier;
  soloPriceMinor: number;
  members: MemberSettlement[];
  /** the sum of the members' `amountMinor` */
  totalMinor: number;
  /** the leader's reward, credited to their referrer as a ledger entry; null when none is due */
  leaderReward: { memberId: string; referrerId: string; amountMinor: number } | null;
}

/** `team.expired`: release (void or refund) every member's authorization. */
export interface TeamExpiredPayload {
  teamId: string;
  offerId: string;
  sku: string;
  currency: string;
  status: 'expired';
  createdAt: number;
  deadlineAt: number;
  expiredAt: number;
  size: { min: number; max: number; members: number };
  members: MemberSettlement[];
  /** the sum of the members' `releaseMinor` */
  totalReleaseMinor: number;
}

export type TeamEvent =
  { type: 'team.completed'; payload: TeamCompletedPayload } | { type: 'team.expired'; payload: TeamExpiredPayload };

/** The leader's reward when the team completes: to the current leader's referrer, if the offer has one. */
export function leaderReward(s: TeamState): TeamCompletedPayload['leaderReward'] {
  const leader = leaderOf(s);
  if (s.status !== 'complete' || !leader?.referrerId || s.terms.leaderRewardMinor <= 0) return null;
  return { memberId: leader.id, referrerId: leader.referrerId, amountMinor: s.terms.leaderRewardMinor };
}

/**
 * The event a team's end announces, or null (an open or cancelled team announces nothing). Its
 * dedupe key is `<type>:<teamId>`: a team completes or expires once.
 */
export function teamEvent(s: TeamState): TeamEvent | null {
  const members = settlements(s);
  const base = {
    teamId: s.id,
    offerId: s.terms.offerId,
    sku: s.terms.sku,
    currency: s.terms.currency,
    createdAt: s.createdAt,
    deadlineAt: s.deadlineAt,
    size: { min: minSize(s.terms), max: maxSize(s.terms), members: members.length },
    members,
  };
  if (s.status === 'complete') {
    return {
      type: 'team.completed',
      payload: {
        ...base,
        status: 'complete',
        completedAt: s.endedAt ?? s.deadlineAt,
        tier: tierFor(s.terms, members.length) ?? s.terms.tiers[0]!,
        soloPriceMinor: s.terms.soloPriceMinor,
        totalMinor: members.reduce((sum, m) => sum + m.amountMinor, 0),
        leaderReward: leaderReward(s),
      },
    };
  }
  if (s.status === 'expired') {
    return {
      type: 'team.expired',
      payload: {
        ...base,
        status: 'expired',
        expiredAt: s.endedAt ?? s.deadlineAt,
        totalReleaseMinor: members.reduce((sum, m) => sum + m.releaseMinor, 0),
      },
    };
  }
  return null;
}

// ─── Names ─────────────────────────────────────────────────────────────────────────────────────

const HAN = /\p{Script=Han}/u;

/**
 * The name strangers see: the first word and the last word's initial ("Ka Yan" → "Ka Y."), or for
 * a Chinese name its first character ("陳小明" → "陳＊＊"). Null for an empty name.
 *
 * @example maskName('Maggie Chan') // 'Maggie C.'
 * @example maskName('陳小明')       // '陳＊＊'
 */
export function maskName(raw: string | null | undefined): string | null {
  const name = (raw ?? '')
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .replace(/\s+/g, ' ');
  if (!name) return null;
  const chars = [...name];
  if (HAN.test(chars[0]!)) return chars[0]! + '＊'.repeat(Math.min(2, chars.length - 1));
  const words = name.split(' ');
  const first = [...words[0]!].slice(0, 16).join('');
  if (words.length === 1) return first;
  return `${first} ${[...words.at(-1)!][0]!.toUpperCase()}.`;
}
