/**
 * Queries for team-buy: the shops' offers, and the D1 mirror of each team (`teams`,
 * `team_members`) that its Durable Object writes for listing and reporting, with the team's events
 * and the leader's reward written in the same batch. The object owns the truth; every mirror write
 * carries the team's version and applies only when it is newer, so a repeated or late sync never
 * goes backwards and the mirror catches up with the object on the next sync.
 */
import type { TeamEvent, TeamState, TeamTier } from '../domain/team-buy.js';
import { activeMembers, currentPriceMinor, leaderOf, maxSize, minSize, leaderReward } from '../domain/team-buy.js';
import { teamRewardEntries } from '../domain/ledger.js';
import { DAY_MS } from '../domain/time.js';
import { newId } from '../lib/ids.js';
import { dueStatement, insertEntryStatements } from './ledger.js';
import { outboxStatement } from './outbox.js';

export interface TeamOfferRow {
  id: string;
  shop_id: string;
  sku: string;
  min_size: number;
  max_size: number;
  /** JSON TeamTier[] */
  tiers: string;
  duration_minutes: number;
  max_open_teams: number | null;
  strangers_may_join: number;
  leader_reward_minor: number;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface TeamRow {
  id: string;
  shop_id: string;
  offer_id: string;
  sku: string;
  status: TeamState['status'];
  min_size: number;
  max_size: number;
  member_count: number;
  ordered_count: number;
  leader_name: string | null;
  leader_referrer_id: string | null;
  price_minor: number;
  currency: string;
  /** JSON: { tiers, soloPriceMinor, durationMinutes, leaderRewardMinor } */
  terms: string;
  strangers_may_join: number;
  created_at: number;
  deadline_at: number;
  ended_at: number | null;
  version: number;
  synced_at: number;
}

export interface TeamMemberRow {
  team_id: string;
  member_id: string;
  shop_id: string;
  position: number;
  role: 'leader' | 'member';
  name: string | null;
  identity_hash: string;
  referrer_id: string | null;
  order_id: string | null;
  quantity: number | null;
  unit_price_minor: number | null;
  paid_minor: number | null;
  joined_at: number;
  left_at: number | null;
}

export interface TeamEventRow {
  id: string;
  type: 'team.completed' | 'team.expired';
  payload: string;
  delivered_at: number | null;
  created_at: number;
}

export const offerTiersOf = (row: Pick<TeamOfferRow, 'tiers'>): TeamTier[] => JSON.parse(row.tiers) as TeamTier[];

// ─── offers ───────────────────────────────────────────────────────────────────────────────────

export function getOffer(db: D1Database, shopId: string, sku: string): Promise<TeamOfferRow | null> {
  return db.prepare('SELECT * FROM team_offers WHERE shop_id = ? AND sku = ?').bind(shopId, sku).first<TeamOfferRow>();
}

/** Creates the product's offer, or replaces its terms (it keeps its id: the teams it started keep theirs). */
export function upsertOfferStatement(db: D1Database, o: Omit<TeamOfferRow, 'created_at'>, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO team_offers (id, shop_id, sku, min_size, max_size, tiers, duration_minutes, max_open_teams,
         strangers_may_join, leader_reward_minor, active, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
       ON CONFLICT (shop_id, sku) DO UPDATE SET min_size = excluded.min_size, max_size = excluded.max_size,
         tiers = excluded.tiers, duration_minutes = excluded.duration_minutes, max_open_teams = excluded.max_open_teams,
         strangers_may_join = excluded.strangers_may_join, leader_reward_minor = excluded.leader_reward_minor,
         active = excluded.active, updated_at = excluded.updated_at`,
    )
    .bind(
      o.id,
      o.shop_id,
      o.sku,
      o.min_size,
      o.max_size,
      o.tiers,
      o.duration_minutes,
      o.max_open_teams,
      o.strangers_may_join,
      o.leader_reward_minor,
      o.active,
      now,
    );
}

/** A page of the shop's offers in sku order, after the sku `startingAfter`. */
export async function listOffers(db: D1Database, shopId: string, page: { limit: number; startingAfter?: string }) {
  const { results } = await db
    .prepare(`SELECT * FROM team_offers WHERE shop_id = ?1 ${page.startingAfter ? 'AND sku > ?3' : ''} ORDER BY sku LIMIT ?2`)
    .bind(shopId, page.limit, ...(page.startingAfter ? [page.startingAfter] : []))
    .all<TeamOfferRow>();
  return results;
}

// ─── the mirror ───────────────────────────────────────────────────────────────────────────────

/**
 * The mirror's rows of a team: its `teams` row and its `team_members` rows (current and departed,
 * in join order). Pure; the seed writes the same rows.
 */
export function mirrorRows(s: TeamState, syncedAt: number): { team: TeamRow; members: TeamMemberRow[] } {
  const active = activeMembers(s);
  const leader = leaderOf(s);
  return {
    team: {
      id: s.id,
      shop_id: s.shopId,
      offer_id: s.terms.offerId,
      sku: s.terms.sku,
      status: s.status,
      min_size: minSize(s.terms),
      max_size: maxSize(s.terms),
      member_count: active.length,
      ordered_count: active.filter((m) => m.order).length,
      leader_name: leader?.name ?? null,
      leader_referrer_id: leader?.referrerId ?? null,
      price_minor: currentPriceMinor(s),
      currency: s.terms.currency,
      terms: JSON.stringify({
        tiers: s.terms.tiers,
        soloPriceMinor: s.terms.soloPriceMinor,
        durationMinutes: s.terms.durationMinutes,
        leaderRewardMinor: s.terms.leaderRewardMinor,
      }),
      strangers_may_join: s.terms.strangersMayJoin ? 1 : 0,
      created_at: s.createdAt,
      deadline_at: s.deadlineAt,
      ended_at: s.endedAt,
      version: s.version,
      synced_at: syncedAt,
    },
    members: s.members.map((m, position) => ({
      team_id: s.id,
      member_id: m.id,
      shop_id: s.shopId,
      position,
      role: m.id === leader?.id ? 'leader' : 'member',
      name: m.name,
      identity_hash: m.identity,
      referrer_id: m.referrerId,
      order_id: m.order?.orderId ?? null,
      quantity: m.order?.quantity ?? null,
      unit_price_minor: m.order?.unitPriceMinor ?? null,
      paid_minor: m.order?.paidMinor ?? null,
      joined_at: m.joinedAt,
      left_at: m.leftAt,
    })),
  };
}

/** The statements that bring the mirror up to `s`; the last reads the stored version back. */
export function mirrorStatements(
  db: D1Database,
  s: TeamState,
  opts: { now: number; event: TeamEvent | null; holdDays: number | null },
): D1PreparedStatement[] {
  const { team: t, members } = mirrorRows(s, opts.now);
  const ours = { sql: 'EXISTS (SELECT 1 FROM teams WHERE id = ? AND version = ?)', args: [s.id, s.version] };
  const statements = [
    db
      .prepare(
        `INSERT INTO teams (id, shop_id, offer_id, sku, status, min_size, max_size, member_count, ordered_count, leader_name,
           leader_referrer_id, price_minor, currency, terms, strangers_may_join, created_at, deadline_at, ended_at, version, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, member_count = excluded.member_count,
           ordered_count = excluded.ordered_count, leader_name = excluded.leader_name,
           leader_referrer_id = excluded.leader_referrer_id, price_minor = excluded.price_minor, ended_at = excluded.ended_at,
           version = excluded.version, synced_at = excluded.synced_at
         WHERE excluded.version > teams.version`,
      )
      .bind(
        t.id,
        t.shop_id,
        t.offer_id,
        t.sku,
        t.status,
        t.min_size,
        t.max_size,
        t.member_count,
        t.ordered_count,
        t.leader_name,
        t.leader_referrer_id,
        t.price_minor,
        t.currency,
        t.terms,
        t.strangers_may_join,
        t.created_at,
        t.deadline_at,
        t.ended_at,
        t.version,
        t.synced_at,
      ),
    db.prepare(`DELETE FROM team_members WHERE team_id = ? AND ${ours.sql}`).bind(s.id, ...ours.args),
    db
      .prepare(
        `INSERT INTO team_members (team_id, member_id, shop_id, position, role, name, identity_hash, referrer_id, order_id, quantity,
           unit_price_minor, paid_minor, joined_at, left_at)
         SELECT ?1, value ->> '$.member_id', ?2, value ->> '$.position', value ->> '$.role', value ->> '$.name',
                value ->> '$.identity_hash', value ->> '$.referrer_id', value ->> '$.order_id', value ->> '$.quantity',
                value ->> '$.unit_price_minor', value ->> '$.paid_minor', value ->> '$.joined_at', value ->> '$.left_at'
           FROM json_each(?3) WHERE EXISTS (SELECT 1 FROM teams WHERE id = ?1 AND version = ?4)`,
      )
      .bind(s.id, s.shopId, JSON.stringify(members), s.version),
  ];
  if (opts.event) {
    statements.push(
      outboxStatement(db, {
        shopId: s.shopId,
        type: opts.event.type,
        payload: opts.event.payload as unknown as Record<string, unknown>,
        dedupeKey: `${opts.event.type}:${s.id}`,
        now: s.endedAt ?? opts.now,
        onlyIf: ours,
      }),
    );
  }
  const reward = leaderReward(s);
  if (reward && opts.holdDays !== null) {
    const completedAt = s.endedAt ?? opts.now;
    const ctx = {
      shopId: s.shopId,
      referrerId: reward.referrerId,
      currency: s.terms.currency,
      txnId: newId('txn'),
      conversionId: s.id,
      now: completedAt,
    };
    statements.push(
      ...insertEntryStatements(
        db,
        ctx,
        teamRewardEntries({ teamId: s.id, rewardMinor: reward.amountMinor, now: completedAt, holdDays: opts.holdDays }),
        ours,
      ),
      dueStatement(
        db,
        {
          conversionId: s.id,
          action: 'release',
          shopId: s.shopId,
          referrerId: reward.referrerId,
          currency: s.terms.currency,
          dueAt: completedAt + opts.holdDays * DAY_MS,
        },
        {
          sql: `${ours.sql} AND EXISTS (SELECT 1 FROM ledger_entries WHERE dedupe_key = ? AND txn_id = ?)`,
          args: [...ours.args, `team_reward:${s.id}`, ctx.txnId],
        },
      ),
    );
  }
  statements.push(db.prepare('SELECT version FROM teams WHERE id = ?').bind(s.id));
  return statements;
}

/** The shop's hold period (days), for the leader's reward. */
export async function holdDaysOf(db: D1Database, shopId: string): Promise<number> {
  const row = await db
    .prepare('SELECT hold_days FROM commission_programs WHERE shop_id = ?')
    .bind(shopId)
    .first<{ hold_days: number }>();
  return row?.hold_days ?? 30;
}

/** A team's mirror row and members (current and departed, in join order), or null. */
export async function getTeamMirror(db: D1Database, teamId: string): Promise<{ team: TeamRow; members: TeamMemberRow[] } | null> {
  const [team, members] = await db.batch([
    db.prepare('SELECT * FROM teams WHERE id = ?').bind(teamId),
    db.prepare('SELECT * FROM team_members WHERE team_id = ? ORDER BY position').bind(teamId),
  ]);
  const row = team!.results[0] as TeamRow | undefined;
  return row ? { team: row, members: members!.results as TeamMemberRow[] } : null;
}

/** Open teams of a product that strangers may join, soonest deadline first, with their current members. */
export async function openTeamsOf(db: D1Database, shopId: string, sku: string, now: number, limit: number) {
  const [teams, members] = await db.batch([
    db
      .prepare(
        `SELECT * FROM teams WHERE shop_id = ?1 AND sku = ?2 AND status = 'open' AND deadline_at > ?3 AND strangers_may_join = 1
          AND member_count < max_size ORDER BY deadline_at LIMIT ?4`,
      )
      .bind(shopId, sku, now, limit),
    db
      .prepare(
        `SELECT m.* FROM team_members m WHERE m.left_at IS NULL AND m.team_id IN (
           SELECT id FROM teams WHERE shop_id = ?1 AND sku = ?2 AND status = 'open' AND deadline_at > ?3 AND strangers_may_join = 1
              AND member_count < max_size ORDER BY deadline_at LIMIT ?4)
         ORDER BY m.team_id, m.position`,
      )
      .bind(shopId, sku, now, limit),
  ]);
  return { teams: teams!.results as TeamRow[], members: members!.results as TeamMemberRow[] };
}

/** A page of the shop's teams, newest first, optionally of one product or status; with their members. */
export async function listTeams(
  db: D1Database,
  shopId: string,
  opts: { limit: number; startingAfter?: string; sku?: string; status?: string },
) {
  const where = ['shop_id = ?1'];
  const args: unknown[] = [shopId, opts.limit];
  if (opts.sku) where.push(`sku = ?${args.push(opts.sku)}`);
  if (opts.status) where.push(`status = ?${args.push(opts.status)}`);
  if (opts.startingAfter)
    where.push(
      `(created_at, id) < (SELECT created_at, id FROM teams WHERE id = ?${args.push(opts.startingAfter)} AND shop_id = ?1)`,
    );
  const { results: teams } = await db
    .prepare(`SELECT * FROM teams WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?2`)
    .bind(...args)
    .all<TeamRow>();
  return { teams, ...(await recordParts(db, shopId, teams)) };
}

/** The members, their orders' conversions and the events of some teams of a shop. */
export async function recordParts(db: D1Database, shopId: string, teams: TeamRow[]) {
  if (teams.length === 0) return { members: [], conversions: [], events: [] };
  const ids = JSON.stringify(teams.map((t) => t.id));
  const keys = JSON.stringify(teams.flatMap((t) => [`team.completed:${t.id}`, `team.expired:${t.id}`]));
  const [members, conversions, events] = await db.batch([
    db
      .prepare(
        'SELECT * FROM team_members WHERE shop_id = ? AND team_id IN (SELECT value FROM json_each(?)) ORDER BY team_id, position',
      )
      .bind(shopId, ids),
    db
      .prepare('SELECT id, order_id, team_id FROM conversions WHERE shop_id = ? AND team_id IN (SELECT value FROM json_each(?))')
      .bind(shopId, ids),
    db
      .prepare(
        `SELECT id, type, payload, delivered_at, created_at, dedupe_key FROM outbox_events
          WHERE shop_id = ? AND dedupe_key IN (SELECT value FROM json_each(?)) ORDER BY created_at`,
      )
      .bind(shopId, keys),
  ]);
  return {
    members: members!.results as TeamMemberRow[],
    conversions: conversions!.results as Array<{ id: string; order_id: string; team_id: string }>,
    events: events!.results as Array<TeamEventRow & { dedupe_key: string }>,
  };
}

/** One team's mirror row, if it is the shop's. */
export function getTeamRow(db: D1Database, shopId: string, teamId: string): Promise<TeamRow | null> {
  return db.prepare('SELECT * FROM teams WHERE id = ? AND shop_id = ?').bind(teamId, shopId).first<TeamRow>();
}

/** Open teams whose deadline has passed (their rooms settle them; the cron asks). */
export async function overdueTeams(db: D1Database, now: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM teams WHERE status = 'open' AND deadline_at <= ? ORDER BY deadline_at LIMIT ?")
    .bind(now, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}
