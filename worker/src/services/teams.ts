/**
 * Team-buy (拼團) workflows: the shop's offers (secret key); starting, joining, leaving and
 * cancelling a team (from the browser with the publishable key, or from the shop's server with the
 * secret key and its customer id); reading a team (live, from its room) and the shop's records of
 * teams (from the D1 mirror, with orders and events); binding the order a member checks out with;
 * and connecting live watchers. The team's Durable Object (durable/team-room.ts) decides every change;
 * this module hashes who is asking, resolves their referrer, and turns refusals into API errors.
 */
import type { Bindings } from '../app-env.js';
import type { ConversionReport } from '../contract/conversions.js';
import { toPage, type Page } from '../contract/common.js';
import type {
  Team,
  TeamEventRecord,
  TeamJoin,
  TeamJoined,
  TeamOffer,
  TeamOfferInput,
  TeamOfferView,
  TeamRecord,
  TeamStart,
} from '../contract/teams.js';
import { MEMBER_TOKEN, TEAM_ID } from '../contract/teams.js';
import { ApiError } from '../errors.js';
import type { ProductRow } from '../db/catalog.js';
import { getProduct, listProducts } from '../db/catalog.js';
import { findReferrerByTokenHash } from '../db/referrers.js';
import type { ShopRow } from '../db/shops.js';
import type { TeamMemberRow, TeamOfferRow, TeamRow } from '../db/teams.js';
import {
  getOffer,
  getTeamRow,
  listOffers as listOfferRows,
  listTeams,
  offerTiersOf,
  openTeamsOf,
  overdueTeams,
  recordParts,
  upsertOfferStatement,
} from '../db/teams.js';
import type { TeamState, TeamView } from '../domain/team-buy.js';
import { DEFAULT_DURATION_MINUTES, maskName, offerTiers, startTeam as newTeamState, teamLine } from '../domain/team-buy.js';
import { shopObject } from '../durable/shop-object-stub.js';
import type { Joined, RoomRefusal } from '../durable/team-room.js';
import { teamRoom } from '../durable/team-room-stub.js';
import { sha256Hex } from '../lib/crypto.js';
import { newId, newMemberToken } from '../lib/ids.js';
import { customerHash, visitorHash } from '../lib/pseudonyms.js';
import { clientOf } from './clients.js';
import type { Requester } from './clients.js';

/** Open teams listed with an offer, at most. */
const OPEN_TEAMS_LISTED = 10;

/** Who is asking, as the route knows it. */
export interface Caller {
  shop: ShopRow;
  /** the secret key (the shop's server) rather than the publishable key (a browser) */
  secret: boolean;
  requester: Requester;
  /** X-Referrer-Token, when the browser has a referrer */
  referrerToken: string | null;
  now: number;
}

/** The room's answer when it agreed, else its refusal thrown as the API error it is. */
function agreed<T>(answer: T): Exclude<T, { ok: false }> {
  const a = answer as unknown as RoomRefusal | { ok: true };
  if (a.ok === false) throw new ApiError(a.status, a.code, a.message, a.details, a.retryAfterMs);
  return answer as Exclude<T, { ok: false }>;
}

const teamNotFound = () => new ApiError(404, 'team_not_found', 'No such team in this shop.');

/** The team id a member token names (`tmt_<20>_…` → `team_<20>`), or null for anything else. */
export function teamIdOfToken(token: string): string | null {
  const m = MEMBER_TOKEN.exec(token);
  return m ? `team_${m[1]}` : null;
}

// ─── offers ───────────────────────────────────────────────────────────────────────────────────

export function presentOffer(o: TeamOfferRow, product: Pick<ProductRow, 'price_minor' | 'currency'>): TeamOffer {
  const tiers = offerTiersOf(o);
  return {
    id: o.id,
    sku: o.sku,
    currency: product.currency,
    soloPriceMinor: product.price_minor,
    size: o.min_size,
    maxSize: o.max_size,
    priceMinor: tiers[0]!.priceMinor,
    tiers,
    durationMinutes: o.duration_minutes,
    maxOpenTeams: o.max_open_teams,
    strangersMayJoin: o.strangers_may_join === 1,
    leaderRewardMinor: o.leader_reward_minor,
    active: o.active === 1,
    updatedAt: o.updated_at,
  };
}

/** Creates or replaces the team offer of a product the shop sells. */
export async function putOffer(db: D1Database, shop: ShopRow, sku: string, body: TeamOfferInput, now: number) {
  const product = await getProduct(db, shop.id, sku);
  if (!product) throw new ApiError(400, 'unknown_product', `The shop sells no product ${sku}.`);
  const tiers = offerTiers({ size: body.size, priceMinor: body.priceMinor, ladder: body.ladder }, product.price_minor);
  if (!tiers.ok)
    throw new ApiError(400, 'invalid_request', tiers.message, { issues: [{ path: 'ladder', message: tiers.message }] });
  const existing = await getOffer(db, shop.id, sku);
  await upsertOfferStatement(
    db,
    {
      id: existing?.id ?? newId('tof'),
      shop_id: shop.id,
      sku,
      min_size: tiers.value[0]!.size,
      max_size: tiers.value.at(-1)!.size,
      tiers: JSON.stringify(tiers.value),
      duration_minutes: body.durationMinutes ?? DEFAULT_DURATION_MINUTES,
      max_open_teams: body.maxOpenTeams ?? null,
      strangers_may_join: body.strangersMayJoin === false ? 0 : 1,
      leader_reward_minor: body.leaderRewardMinor ?? 0,
      active: body.active === false ? 0 : 1,
      updated_at: now,
    },
    now,
  ).run();
  return { offer: presentOffer((await getOffer(db, shop.id, sku))!, product) };
}

export async function listOffers(db: D1Database, shop: ShopRow, page: Page) {
  const [rows, products] = await Promise.all([
    listOfferRows(db, shop.id, { limit: page.limit + 1, startingAfter: page.starting_after }),
    listProducts(db, shop.id),
  ]);
  const bySku = new Map(products.map((p) => [p.sku, p]));
  return toPage(
    rows.filter((o) => bySku.has(o.sku)),
    page.limit,
    (o) => presentOffer(o, bySku.get(o.sku)!),
  );
}

/** An active offer of an active product, with both rows; 404 `team_offer_not_found` otherwise. */
async function activeOffer(db: D1Database, shopId: string, sku: string) {
  const [offer, product] = await Promise.all([getOffer(db, shopId, sku), getProduct(db, shopId, sku)]);
  if (!offer || offer.active !== 1 || !product || product.active !== 1)
    throw new ApiError(404, 'team_offer_not_found', `No team offer for ${sku}.`);
  return { offer, product };
}

/**
 * The offer as the widget shows it, with the open teams a stranger may join; no `offer` for a
 * product of the catalogue without an active offer (a widget on every product page asks for each, and
 * most have none); 404 `team_offer_not_found` for a sku that is no active product.
 */
export async function offerView(db: D1Database, shop: ShopRow, sku: string, now: number): Promise<TeamOfferView> {
  const [offer, product] = await Promise.all([getOffer(db, shop.id, sku), getProduct(db, shop.id, sku)]);
  if (!product || product.active !== 1) throw new ApiError(404, 'team_offer_not_found', `No product ${sku} with a team offer.`);
  if (!offer || offer.active !== 1) return { openTeams: [] };
  const open = offer.strangers_may_join === 1 ? await openTeamsOf(db, shop.id, sku, now, OPEN_TEAMS_LISTED) : null;
  return {
    offer: presentOffer(offer, product),
    openTeams: open
      ? open.teams.map((t) =>
          mirrorView(
            t,
            open.members.filter((m) => m.team_id === t.id),
          ),
        )
      : [],
  };
}

// ─── teams ────────────────────────────────────────────────────────────────────────────────────

/** The person's pseudonym: the shop's customer id (secret key only), else the visitor id. */
async function identityOf(env: Bindings, caller: Caller, body: { visitorId?: string; customerRef?: string }): Promise<string> {
  const salt = env.IP_HASH_SALT ?? '';
  if (body.customerRef) {
    if (!caller.secret) throw new ApiError(403, 'forbidden', 'customerRef is for the secret key; browsers send their visitorId.');
    return `c:${await customerHash(salt, body.customerRef)}`;
  }
  return `v:${await visitorHash(salt, body.visitorId!)}`;
}

async function joinerOf(env: Bindings, caller: Caller, body: { visitorId?: string; customerRef?: string; name?: string }) {
  const [identity, referrer, client] = await Promise.all([
    identityOf(env, caller, body),
    caller.referrerToken
      ? sha256Hex(caller.referrerToken).then((hash) => findReferrerByTokenHash(env.DB, caller.shop.id, hash))
      : null,
    caller.secret ? null : clientOf(env, caller.requester, caller.now, body.visitorId),
  ]);
  return {
    identity,
    name: maskName(body.name),
    referrerId: referrer && referrer.status !== 'blocked' ? referrer.id : null,
    client: client ? client.keys : null,
  };
}

const joinedAnswer = (j: Joined): TeamJoined => ({ team: j.team, membership: { teamId: j.team.id, ...j.membership } });

/** Starts a team of the product with the caller as its leader. */
export async function startTeam(env: Bindings, caller: Caller, body: TeamStart): Promise<TeamJoined> {
  const { shop, now } = caller;
  const { offer, product } = await activeOffer(env.DB, shop.id, body.sku);
  const joiner = await joinerOf(env, caller, body);
  const id = newId('team');
  const state: TeamState = newTeamState({
    id,
    shopId: shop.id,
    now,
    terms: {
      offerId: offer.id,
      sku: offer.sku,
      currency: product.currency,
      soloPriceMinor: product.price_minor,
      tiers: offerTiersOf(offer),
      durationMinutes: offer.duration_minutes,
      strangersMayJoin: offer.strangers_may_join === 1,
      leaderRewardMinor: offer.leader_reward_minor,
    },
    leader: {
      id: newId('tmb'),
      name: joiner.name,
      identity: joiner.identity,
      token: newMemberToken(id),
      referrerId: joiner.referrerId,
      joinedAt: now,
      leftAt: null,
      order: null,
    },
  });
  const shopStub = shopObject(env, shop.id);
  const seat = await shopStub.takeTeamSeat(
    {
      offerId: offer.id,
      identity: joiner.identity,
      teamId: id,
      until: state.deadlineAt,
      now,
      newTeam: { maxOpenTeams: offer.max_open_teams },
    },
    joiner.client,
  );
  if (!seat.ok) {
    if (seat.code === 'rate_limited')
      throw new ApiError(
        429,
        'rate_limited',
        'Too many teams started from this client or for this shop.',
        undefined,
        seat.retryAfterMs,
      );
    if (seat.code === 'already_in_team')
      throw new ApiError(409, 'already_in_team', 'This person is already in an open team of this offer.', {
        teamId: seat.teamId,
      });
    throw new ApiError(
      409,
      'team_limit_reached',
      `The offer allows ${offer.max_open_teams} open teams at once; join one of them.`,
    );
  }
  const release = () =>
    shopStub
      .releaseTeamSeat({ offerId: offer.id, identity: joiner.identity, teamId: id, closeTeam: true })
      .catch(() => undefined);
  try {
    return joinedAnswer(agreed(await teamRoom(env, id).create(state)));
  } catch (error) {
    await release();
    throw error;
  }
}

/** Joins a team (or answers the caller's membership again); `created` says whether they joined now. */
export async function joinTeam(
  env: Bindings,
  caller: Caller,
  teamId: string,
  body: TeamJoin,
): Promise<{ created: boolean; result: TeamJoined }> {
  if (!TEAM_ID.test(teamId)) throw teamNotFound();
  if (body.memberToken && teamIdOfToken(body.memberToken) !== teamId)
    throw new ApiError(404, 'team_member_not_found', 'That member token belongs to another team.');
  const joiner = body.visitorId || body.customerRef ? await joinerOf(env, caller, body) : null;
  const joined = agreed(
    await teamRoom(env, teamId).join({
      teamId,
      shopId: caller.shop.id,
      now: caller.now,
      token: body.memberToken ?? null,
      joiner,
    }),
  );
  return { created: joined.joined, result: joinedAnswer(joined) };
}

/** A member leaves the team, or (`cancel`) its leader cancels it before anyone joined. */
export async function leaveTeam(env: Bindings, shop: ShopRow, teamId: string, memberToken: string, now: number, cancel = false) {
  if (!TEAM_ID.test(teamId)) throw teamNotFound();
  if (teamIdOfToken(memberToken) !== teamId)
    throw new ApiError(404, 'team_member_not_found', 'That member token belongs to another team.');
  return { team: agreed(await teamRoom(env, teamId).leave({ teamId, shopId: shop.id, token: memberToken, now, cancel })).team };
}

/** The team as anyone sees it, from its room (settled as of `now`). */
export async function readTeam(env: Bindings, shop: ShopRow, teamId: string, now: number): Promise<{ team: Team }> {
  if (!TEAM_ID.test(teamId)) throw teamNotFound();
  return { team: agreed(await teamRoom(env, teamId).view(teamId, shop.id, now)).team };
}

// ─── the shop's records ───────────────────────────────────────────────────────────────────────

/** A team as the mirror has it, in the public shape (members in join order, departed ones left out). */
function mirrorView(t: TeamRow, members: TeamMemberRow[]): Team {
  const terms = JSON.parse(t.terms) as { tiers: Array<{ size: number; priceMinor: number }>; soloPriceMinor: number };
  const current = members.filter((m) => m.left_at === null).sort((a, b) => a.position - b.position);
  const count = current.length;
  const open = t.status === 'open';
  return {
    id: t.id,
    sku: t.sku,
    offerId: t.offer_id,
    status: t.status,
    size: { min: t.min_size, max: t.max_size },
    members: current.map((m, i) => ({
      memberId: m.member_id,
      name: m.name,
      role: i === 0 ? 'leader' : 'member',
      joinedAt: m.joined_at,
    })),
    spotsLeft: !open ? 0 : count < t.min_size ? t.min_size - count : t.max_size - count,
    currency: t.currency,
    soloPriceMinor: terms.soloPriceMinor,
    tiers: terms.tiers,
    priceMinor: t.price_minor,
    checkoutPriceMinor: open ? terms.tiers[0]!.priceMinor : t.status === 'complete' ? t.price_minor : null,
    createdAt: t.created_at,
    deadlineAt: t.deadline_at,
    endedAt: t.ended_at,
  };
}

function presentRecord(t: TeamRow, parts: Awaited<ReturnType<typeof recordParts>>): TeamRecord {
  const members = parts.members.filter((m) => m.team_id === t.id);
  const conversionOf = new Map(parts.conversions.filter((c) => c.team_id === t.id).map((c) => [c.order_id, c.id]));
  const events: TeamEventRecord[] = parts.events
    .filter((e) => e.dedupe_key.endsWith(`:${t.id}`))
    .map((e) => ({
      id: e.id,
      type: e.type,
      createdAt: e.created_at,
      deliveredAt: e.delivered_at,
      payload: JSON.parse(e.payload) as TeamEventRecord['payload'],
    }));
  return {
    ...mirrorView(t, members),
    memberCount: t.member_count,
    orderedCount: t.ordered_count,
    leaderName: t.leader_name,
    leaderReferrerId: t.leader_referrer_id,
    strangersMayJoin: t.strangers_may_join === 1,
    memberRecords: members.map((m) => ({
      memberId: m.member_id,
      name: m.name,
      role: m.role,
      joinedAt: m.joined_at,
      referrerId: m.referrer_id,
      orderId: m.order_id,
      conversionId: m.order_id ? (conversionOf.get(m.order_id) ?? null) : null,
      quantity: m.quantity,
      unitPriceMinor: m.unit_price_minor,
      paidMinor: m.paid_minor,
      leftAt: m.left_at,
    })),
    events,
    syncedAt: t.synced_at,
  };
}

/** The shop's record of one team: every member with their order, and the team's events. */
export async function teamRecord(db: D1Database, shop: ShopRow, teamId: string): Promise<{ team: TeamRecord }> {
  const row = TEAM_ID.test(teamId) ? await getTeamRow(db, shop.id, teamId) : null;
  if (!row) throw teamNotFound();
  return { team: presentRecord(row, await recordParts(db, shop.id, [row])) };
}

/** A page of the shop's teams, newest first (by product and status when asked). */
export async function listTeamRecords(db: D1Database, shop: ShopRow, q: Page & { sku?: string; status?: string }) {
  const { teams, ...parts } = await listTeams(db, shop.id, {
    limit: q.limit + 1,
    startingAfter: q.starting_after,
    sku: q.sku,
    status: q.status,
  });
  return toPage(teams, q.limit, (t) => presentRecord(t, parts));
}

// ─── checkout ─────────────────────────────────────────────────────────────────────────────────

/**
 * Reserves the member's place for the order being reported (before it is recorded): the order must
 * have a line of the team's product at or above the team's checkout price, and the token must be a
 * current member's. Returns the team id for the conversion, whether the binding is new (`fresh`: a
 * repeat of an order already bound is not), and an undo for a report refused after all.
 */
export async function bindTeamOrder(
  env: Bindings,
  shop: ShopRow,
  report: Pick<ConversionReport, 'orderId' | 'amountMinor' | 'items' | 'teamMemberToken'>,
  now: number,
): Promise<{ teamId: string; fresh: boolean; undo: () => Promise<void> } | null> {
  const token = report.teamMemberToken;
  if (!token) return null;
  const teamId = teamIdOfToken(token);
  if (!teamId) throw teamNotFound();
  const room = teamRoom(env, teamId);
  const { sku } = agreed(await room.view(teamId, shop.id, now)).team;
  const line = teamLine({ amountMinor: report.amountMinor, items: report.items ?? [] }, sku);
  if (!line)
    throw new ApiError(
      422,
      'team_price_not_allowed',
      `An order with a team member token needs a line of the team's product ${sku}.`,
    );
  const bound = agreed(
    await room.bindOrder({ teamId, shopId: shop.id, token, order: { orderId: report.orderId, ...line }, now }),
  );
  return {
    teamId,
    fresh: bound.fresh,
    undo: () => room.unbindOrder({ teamId, shopId: shop.id, token, orderId: report.orderId }).catch(() => undefined),
  };
}

// ─── live ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Connects a watcher to a team (`GET /v1/teams/{id}/live?key=pk_…`, a WebSocket upgrade): the
 * publishable key and the browser's Origin must be the team's shop's, as for any widget call.
 */
export async function connectWatcher(env: Bindings, shop: ShopRow, teamId: string, request: Request): Promise<Response> {
  if (!TEAM_ID.test(teamId)) throw teamNotFound();
  const url = new URL(request.url);
  url.search = new URLSearchParams({ team: teamId, shop: shop.id }).toString();
  const res = await teamRoom(env, teamId).fetch(new Request(url, request));
  if (res.status === 426) throw new ApiError(400, 'invalid_request', 'Connect with a WebSocket upgrade.');
  if (res.status !== 101 || !res.webSocket) throw teamNotFound();
  // a response of our own (the object's has immutable headers, which the app's middleware adds to)
  return new Response(null, { status: 101, webSocket: res.webSocket });
}

// ─── upkeep ───────────────────────────────────────────────────────────────────────────────────

/** Open teams whose rooms are asked per cron run, at most. */
const OVERDUE_PER_RUN = 50;

/**
 * Asks the rooms of open teams past their deadline (by the mirror) to settle: each room's alarm does
 * it on time, so this only catches a mirror that fell behind, or a team that exists only in the mirror
 * (seeded), within a cron period.
 */
export async function settleOverdueTeams(env: Bindings, now: number): Promise<number> {
  const ids = await overdueTeams(env.DB, now, OVERDUE_PER_RUN);
  await Promise.all(ids.map((id) => teamRoom(env, id).settleAt(id, now)));
  return ids.length;
}
