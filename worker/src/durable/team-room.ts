/**
 * TeamRoom: one Durable Object per team (named by the team id; get its stub with `teamRoom(env, id)`
 * from team-room-stub.ts). It owns the team's truth in its SQLite storage and changes it only
 * through the pure rules of domain/team-buy.ts, one change at a time:
 *
 * - joins are admitted one at a time (every change runs in one lane) and a team is never over-filled:
 *   the decision and its write happen with no await between them; the only await of a join — the
 *   person's seat in the shop object (team-seats.ts: one open team per person per offer, the offer's
 *   cap) — comes before the decision is taken again;
 * - the deadline is the object's alarm. An alarm that runs twice, or after a restart, settles the
 *   team once: settling a team that is not open changes nothing;
 * - watchers connect by WebSocket through the hibernation API (`acceptWebSocket`): an idle watcher
 *   costs nothing, and every change is sent to each of them; a ping is answered without waking the
 *   object;
 * - the D1 mirror (`teams`, `team_members`, db/teams.ts) is written with the team's version, soon
 *   after a change (the alarm, a moment later, so a burst of joins costs one write) and at once when
 *   the team ends, in the same batch as its `team.completed` / `team.expired` event and the leader's
 *   reward; a failed write is retried by the alarm until the mirror has the object's version;
 * - when the team ends, the shop object is told (its members' seats are free again).
 *
 * A room whose storage is empty but whose team is in the mirror (a seeded demo team) starts from the
 * mirror; its members then have no member token (they cannot bind an order).
 */
import { DurableObject } from 'cloudflare:workers';
import type { MemberOrder, TeamMember, TeamState, TeamView } from '../domain/team-buy.js';
import {
  activeMembers,
  bindOrder,
  cancel,
  checkoutPriceMinor,
  findMember,
  joinVerdict,
  admit,
  leave,
  leaderReward,
  settle,
  teamEvent,
  teamView,
} from '../domain/team-buy.js';
import { DAY_MS, SECOND_MS } from '../domain/time.js';
import type { TeamMemberRow, TeamRow } from '../db/teams.js';
import { getTeamMirror, holdDaysOf, mirrorStatements } from '../db/teams.js';
import { newId, newMemberToken } from '../lib/ids.js';
import { announceEvents } from '../services/webhooks.js';
import { shopObject } from './shop-object-stub.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS team (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  state TEXT NOT NULL,
  version INTEGER NOT NULL,
  mirrored INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0)`;

/**
 * A change of an open team reaches the D1 mirror this long after it: joins in a burst share one D1
 * write (D1 has one writer for every shop). At 250 ms a join cost 3.6 ms of CPU in
 * `node bench/teams.mjs` (100 teams), at 1 s 3.0 ms; lists of open teams lag the room by at most this.
 */
export const MIRROR_DELAY_MS = 1000;
/** A failed mirror write or shop notice is tried again after this. */
const RETRY_MS = 5 * SECOND_MS;

export type RoomRefusal = {
  ok: false;
  status: 404 | 409 | 422 | 429;
  code:
    | 'team_not_found'
    | 'team_full'
    | 'team_expired'
    | 'team_closed'
    | 'team_member_not_found'
    | 'team_not_cancellable'
    | 'team_order_conflict'
    | 'team_price_not_allowed'
    | 'already_in_team'
    | 'team_limit_reached'
    | 'rate_limited';
  message: string;
  details?: Record<string, unknown>;
  retryAfterMs?: number;
};

export type Joined = {
  ok: true;
  team: TeamView;
  membership: { memberId: string; memberToken: string; role: 'leader' | 'member' };
  joined: boolean;
};

/** Who is joining (the service has hashed their identity and resolved their referrer). */
export interface Joiner {
  identity: string;
  name: string | null;
  referrerId: string | null;
  /** the rate-limit keys of a browser; null for the shop's server */
  client: string[] | null;
}

const STATUS: Record<RoomRefusal['code'], RoomRefusal['status']> = {
  team_not_found: 404,
  team_member_not_found: 404,
  team_full: 409,
  team_expired: 409,
  team_closed: 409,
  team_not_cancellable: 409,
  team_order_conflict: 409,
  already_in_team: 409,
  team_limit_reached: 409,
  team_price_not_allowed: 422,
  rate_limited: 429,
};

const refusal = (code: RoomRefusal['code'], message: string, details?: Record<string, unknown>): RoomRefusal => ({
  ok: false,
  status: STATUS[code],
  code,
  message,
  ...(details ? { details } : {}),
});

const notFound = () => refusal('team_not_found', 'No such team in this shop.');

export class TeamRoom extends DurableObject<Env> {
  /** the team, once loaded (null: this room has none) */
  private state: TeamState | null | undefined;
  private lane: Promise<unknown> = Promise.resolve();
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  /** the alarm's time as this object last set it (undefined: not read yet) */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  // ─── RPC ────────────────────────────────────────────────────────────────────────────────────

  /** Starts the team with its leader (the service built the state and took the leader's seat). */
  async create(state: TeamState): Promise<Joined | RoomRefusal> {
    return this.run(async () => {
      const existing = await this.load(state.id);
      const leader = state.members[0]!;
      if (existing) {
        const same = existing.shopId === state.shopId && existing.members[0]?.token === leader.token;
        return same ? this.joined(existing, existing.members[0]!, false) : refusal('team_closed', 'That team id is taken.');
      }
      this.save(state);
      // a new team is listed at once: its first mirror write is not deferred
      await this.afterChange(state, true);
      return this.joined(state, leader, true);
    });
  }

  /** The team as anyone sees it, settled as of `now`. */
  async view(teamId: string, shopId: string, now: number): Promise<{ ok: true; team: TeamView } | RoomRefusal> {
    return this.run(async () => {
      const s = await this.current(teamId, shopId, now);
      return s ? { ok: true as const, team: teamView(s) } : notFound();
    });
  }

  /**
   * Admits a person, or answers their membership again (same member token, or the same person):
   * refused when the team is full, past its deadline or closed, or the person is in another open
   * team of the offer.
   */
  async join(input: {
    teamId: string;
    shopId: string;
    now: number;
    token: string | null;
    joiner: Joiner | null;
  }): Promise<Joined | RoomRefusal> {
    return this.run(async () => {
      const s = await this.current(input.teamId, input.shopId, input.now);
      if (!s) return notFound();
      const known = findMember(s, { token: input.token, identity: input.joiner?.identity });
      if (known) return this.joined(s, known, false);
      if (input.token && !input.joiner)
        return refusal('team_member_not_found', 'That member token is not a member of this team.');
      const verdict = joinVerdict(s, input.now);
      if (!verdict.ok) return this.refuseJoin(s, verdict.code, verdict.message);
      const joiner = input.joiner!;
      const seat = await shopObject(this.env, s.shopId).takeTeamSeat(
        { offerId: s.terms.offerId, identity: joiner.identity, teamId: s.id, until: s.deadlineAt, now: input.now },
        joiner.client,
      );
      if (!seat.ok) {
        if (seat.code === 'rate_limited')
          return {
            ...refusal('rate_limited', 'Too many team joins from this client or for this shop; try again later.'),
            retryAfterMs: seat.retryAfterMs,
          };
        if (seat.code === 'already_in_team')
          return refusal('already_in_team', 'This person is already in another open team of this offer.', {
            teamId: seat.teamId,
          });
        return refusal('team_limit_reached', 'The offer has as many open teams as it allows.');
      }
      // nothing else ran in between (one lane), so the verdict still holds
      const member: TeamMember = {
        id: newId('tmb'),
        name: joiner.name,
        identity: joiner.identity,
        token: newMemberToken(s.id),
        referrerId: joiner.referrerId,
        joinedAt: input.now,
        leftAt: null,
        order: null,
      };
      const next = admit(s, member, input.now);
      this.save(next);
      await this.afterChange(next);
      return this.joined(next, member, true);
    });
  }

  /** A member leaves the open team (the next member leads if the leader leaves; the last one cancels it). */
  async leave(input: {
    teamId: string;
    shopId: string;
    token: string;
    now: number;
    cancel?: boolean;
  }): Promise<{ ok: true; team: TeamView } | RoomRefusal> {
    return this.run(async () => {
      const s = await this.current(input.teamId, input.shopId, input.now);
      if (!s) return notFound();
      const member = findMember(s, { token: input.token });
      if (!member) return refusal('team_member_not_found', 'That member token is not a member of this team.');
      const changed = input.cancel ? cancel(s, member.id, input.now) : leave(s, member.id, input.now);
      if (!changed.ok) return refusal(changed.code, changed.message);
      this.save(changed.value);
      if (changed.value.status === 'open') {
        await shopObject(this.env, s.shopId)
          .releaseTeamSeat({ offerId: s.terms.offerId, identity: member.identity, teamId: s.id })
          .catch((error) => console.error('team seat release failed (it lapses at the deadline)', error));
      }
      await this.afterChange(changed.value);
      return { ok: true as const, team: teamView(changed.value) };
    });
  }

  /**
   * Binds the order the shop is reporting to the member's place (the team line's quantity, unit
   * price and share of the amount): allowed only for a current member, at or above the team's
   * checkout price, one order per membership.
   */
  async bindOrder(input: {
    teamId: string;
    shopId: string;
    token: string;
    order: MemberOrder;
    now: number;
  }): Promise<{ ok: true; team: TeamView; memberId: string; fresh: boolean } | RoomRefusal> {
    return this.run(async () => {
      const s = await this.current(input.teamId, input.shopId, input.now);
      if (!s) return notFound();
      const member = findMember(s, { token: input.token });
      if (!member) return refusal('team_member_not_found', 'That member token is not a member of this team.');
      const bound = bindOrder(s, member.id, input.order);
      if (!bound.ok) return refusal(bound.code, bound.message, { checkoutPriceMinor: checkoutPriceMinor(s) });
      if (bound.value !== s) {
        this.save(bound.value);
        await this.afterChange(bound.value);
      }
      return { ok: true as const, team: teamView(bound.value), memberId: member.id, fresh: bound.value !== s };
    });
  }

  /** Takes back an order's binding when its report was refused after all (nothing stays of it). */
  async unbindOrder(input: { teamId: string; shopId: string; token: string; orderId: string }): Promise<void> {
    await this.run(async () => {
      const s = await this.load(input.teamId);
      const member = s && s.shopId === input.shopId ? findMember(s, { token: input.token }) : null;
      if (!s || !member?.order || member.order.orderId !== input.orderId) return;
      const next = {
        ...s,
        members: s.members.map((m) => (m.id === member.id ? { ...m, order: null } : m)),
        version: s.version + 1,
      };
      this.save(next);
      await this.afterChange(next);
    });
  }

  /** Settles the team as of `now` (the cron asks rooms of overdue teams); answers its status. */
  async settleAt(teamId: string, now: number): Promise<TeamState['status'] | null> {
    return this.run(async () => {
      const s = await this.load(teamId);
      if (!s) return null;
      return (await this.settled(s, now)).status;
    });
  }

  /** Storage and watchers, for tests and the bench. */
  async metrics(): Promise<{ version: number; mirrored: number; closed: boolean; watchers: number; alarmAt: number | null }> {
    const row = this.row();
    return {
      version: row?.version ?? 0,
      mirrored: row?.mirrored ?? 0,
      closed: row?.closed === 1,
      watchers: this.ctx.getWebSockets().length,
      alarmAt: await this.ctx.storage.getAlarm(),
    };
  }

  // ─── WebSocket watchers ─────────────────────────────────────────────────────────────────────

  /** A watcher connects (`GET /v1/teams/{id}/live`, upgraded): it gets the team now and at every change. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const teamId = url.searchParams.get('team') ?? '';
    const shopId = url.searchParams.get('shop') ?? '';
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket')
      return Response.json({ error: { code: 'invalid_request', message: 'Connect with a WebSocket upgrade.' } }, { status: 426 });
    const s = await this.run(() => this.current(teamId, shopId, Date.now()));
    if (!s) return Response.json({ error: { code: 'team_not_found', message: 'No such team in this shop.' } }, { status: 404 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ team: teamView(s) }));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // watchers only listen; "ping" is answered by the auto-response without waking the object
    if (message === 'state') {
      const s = this.state ?? (await this.load(null));
      if (s) ws.send(JSON.stringify({ team: teamView(s) }));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      /* already closed */
    }
  }

  // ─── the alarm ──────────────────────────────────────────────────────────────────────────────

  /** The deadline (settles the team once), and the mirror's and the shop object's catching up. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.run(async () => {
      const s = await this.load(null);
      if (s) await this.settled(s, Date.now());
    });
    await this.sync().catch((error) => console.error('team mirror sync failed', error));
    await this.arm();
  }

  // ─── internals ──────────────────────────────────────────────────────────────────────────────

  /** Runs `work` after every earlier change of this room has finished (one change at a time). */
  private run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lane.then(work, work);
    this.lane = result.catch(() => undefined);
    return result;
  }

  private row(): { state: string; version: number; mirrored: number; closed: number } | undefined {
    return this.ctx.storage.sql
      .exec<{ state: string; version: number; mirrored: number; closed: number }>(
        'SELECT state, version, mirrored, closed FROM team',
      )
      .toArray()[0];
  }

  /** The team from storage, else from the D1 mirror (a seeded team); null when neither has it. */
  private async load(teamId: string | null): Promise<TeamState | null> {
    if (this.state !== undefined) return this.state;
    const row = this.row();
    if (row) return (this.state = JSON.parse(row.state) as TeamState);
    const mirror = teamId ? await getTeamMirror(this.env.DB, teamId) : null;
    if (this.state !== undefined) return this.state;
    if (!mirror) return null; // not remembered: a team may be created here later
    const s = fromMirror(mirror.team, mirror.members);
    this.save(s, s.version);
    await this.arm();
    return s;
  }

  /** The shop's team settled as of `now`, or null (no team, or another shop's). */
  private async current(teamId: string, shopId: string, now: number): Promise<TeamState | null> {
    const s = await this.load(teamId);
    if (!s || s.id !== teamId || s.shopId !== shopId) return null;
    return this.settled(s, now);
  }

  private async settled(s: TeamState, now: number): Promise<TeamState> {
    const next = settle(s, now);
    if (next === s) return s;
    this.save(next);
    await this.afterChange(next);
    return next;
  }

  private save(s: TeamState, mirrored?: number): void {
    this.state = s;
    this.ctx.storage.sql.exec(
      `INSERT INTO team (one, state, version, mirrored) VALUES (1, ?, ?, ?)
       ON CONFLICT (one) DO UPDATE SET state = excluded.state, version = excluded.version`,
      JSON.stringify(s),
      s.version,
      mirrored ?? 0,
    );
  }

  /** After a change: tell the watchers; an ended (or new) team is mirrored at once (with its event), others soon. */
  private async afterChange(s: TeamState, mirrorNow = false): Promise<void> {
    this.broadcast(s);
    if (s.status === 'open' && !mirrorNow) await this.arm(Date.now() + MIRROR_DELAY_MS);
    else {
      await this.sync().catch((error) => console.error('team mirror sync failed; the alarm retries', error));
      await this.arm();
    }
  }

  private broadcast(s: TeamState): void {
    const message = JSON.stringify({ team: teamView(s) });
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        /* a watcher that went away */
      }
    }
  }

  /**
   * Brings the mirror up to the object's version (one write at a time; a change meanwhile makes it
   * run again), then, once the team has ended, tells the shop object.
   */
  private sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    const run = async () => {
      do {
        this.syncAgain = false;
        await this.syncOnce();
      } while (this.syncAgain);
    };
    this.syncing = run().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const row = this.row();
    const s = this.state ?? (row ? (JSON.parse(row.state) as TeamState) : null);
    if (!row || !s) return;
    if (row.mirrored < s.version) {
      const db = this.env.DB;
      const holdDays = leaderReward(s) ? await holdDaysOf(db, s.shopId) : null;
      const event = teamEvent(s);
      const results = await db.batch(mirrorStatements(db, s, { now: Date.now(), event, holdDays }));
      const stored = (results.at(-1)!.results[0] as { version: number } | undefined)?.version ?? 0;
      if (stored >= s.version) this.ctx.storage.sql.exec('UPDATE team SET mirrored = max(mirrored, ?)', s.version);
      // team.completed / team.expired is in the outbox: the shop's webhook sender delivers it now
      if (event) await announceEvents(this.env, s.shopId);
      if (holdDays !== null) {
        // the shop object's alarm releases the reward when its hold ends (the cron would, otherwise)
        await shopObject(this.env, s.shopId)
          .scheduleDue(s.shopId, (s.endedAt ?? Date.now()) + holdDays * DAY_MS)
          .catch((error) => console.error('scheduling the leader reward release failed', error));
      }
    }
    if (s.status !== 'open' && row.closed === 0) {
      await shopObject(this.env, s.shopId).closeTeam(s.id);
      this.ctx.storage.sql.exec('UPDATE team SET closed = 1');
    }
  }

  /**
   * Sets the alarm to the earliest of: `soon` (a change to mirror), the deadline of an open team, a
   * retry of unfinished mirror or shop work. No alarm once everything is done.
   */
  private async arm(soon?: number): Promise<void> {
    const row = this.row();
    const s = this.state;
    if (!row || !s) return;
    const times: number[] = [];
    if (soon !== undefined) times.push(soon);
    if (s.status === 'open') times.push(s.deadlineAt);
    if (row.mirrored < s.version || (s.status !== 'open' && row.closed === 0)) times.push(Date.now() + RETRY_MS);
    const at = times.length ? Math.min(...times) : null;
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    // an earlier alarm is kept (it re-arms when it runs), so a burst of changes cannot push it back
    if (at === null) {
      if (this.alarmAt !== null) await this.ctx.storage.deleteAlarm();
      this.alarmAt = null;
    } else if (this.alarmAt === null || at < this.alarmAt) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    }
  }

  private joined(s: TeamState, member: TeamMember, joined: boolean): Joined {
    const role = activeMembers(s)[0]?.id === member.id ? 'leader' : 'member';
    return { ok: true, team: teamView(s), membership: { memberId: member.id, memberToken: member.token, role }, joined };
  }

  private refuseJoin(s: TeamState, code: 'team_full' | 'team_expired' | 'team_closed' | string, message: string): RoomRefusal {
    const details = { sku: s.terms.sku, startTeam: true };
    if (code === 'team_full') return refusal('team_full', `${message} Start a new team of ${s.terms.sku} instead.`, details);
    if (code === 'team_expired')
      return refusal('team_expired', `${message} Start a new team of ${s.terms.sku} instead.`, details);
    return refusal('team_closed', message, details);
  }
}

/** A team rebuilt from its mirror (a seeded team): members without a member token. */
function fromMirror(t: TeamRow, members: TeamMemberRow[]): TeamState {
  const terms = JSON.parse(t.terms) as {
    tiers: TeamState['terms']['tiers'];
    soloPriceMinor: number;
    durationMinutes: number;
    leaderRewardMinor: number;
  };
  return {
    id: t.id,
    shopId: t.shop_id,
    terms: {
      offerId: t.offer_id,
      sku: t.sku,
      currency: t.currency,
      soloPriceMinor: terms.soloPriceMinor,
      tiers: terms.tiers,
      durationMinutes: terms.durationMinutes,
      strangersMayJoin: t.strangers_may_join === 1,
      leaderRewardMinor: terms.leaderRewardMinor,
    },
    status: t.status,
    createdAt: t.created_at,
    deadlineAt: t.deadline_at,
    endedAt: t.ended_at,
    members: members.map((m) => ({
      id: m.member_id,
      name: m.name,
      identity: m.identity_hash,
      token: '',
      referrerId: m.referrer_id,
      joinedAt: m.joined_at,
      leftAt: m.left_at,
      order:
        m.order_id && m.quantity !== null && m.unit_price_minor !== null && m.paid_minor !== null
          ? { orderId: m.order_id, quantity: m.quantity, unitPriceMinor: m.unit_price_minor, paidMinor: m.paid_minor }
          : null,
    })),
    version: t.version,
  };
}
