/**
 * Team seats, in the shop object's storage: who holds a place in an open team of each of the shop's
 * team offers, and which teams each offer has open. Every join and start of a team of the shop
 * passes here one at a time, so a person is in at most one open team per offer (two concurrent joins
 * into two teams: one wins) and an offer's cap on open teams holds. A seat and an open team are
 * kept until their team's room says it ended or the person left, and never past the team's deadline.
 */

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS team_seats (
    offer_id TEXT NOT NULL, identity TEXT NOT NULL, team_id TEXT NOT NULL, until INTEGER NOT NULL,
    PRIMARY KEY (offer_id, identity));
  CREATE INDEX IF NOT EXISTS team_seats_team ON team_seats (team_id);
  CREATE INDEX IF NOT EXISTS team_seats_until ON team_seats (until);
  CREATE TABLE IF NOT EXISTS open_teams (team_id TEXT PRIMARY KEY, offer_id TEXT NOT NULL, until INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS open_teams_offer ON open_teams (offer_id, until);`;

/** Rows past their deadline deleted per prune (at most one a minute), so the tables stay the size of what is open. */
const PRUNE_BATCH = 200;
const PRUNE_EVERY_MS = 60_000;

export interface SeatRequest {
  offerId: string;
  /** the person's pseudonym (customer or visitor) */
  identity: string;
  teamId: string;
  /** the team's deadline: the seat lapses then */
  until: number;
  now: number;
  /** set when the seat opens a new team: the offer's cap on open teams (null: none) */
  newTeam?: { maxOpenTeams: number | null };
}

export type SeatVerdict =
  { ok: true } | { ok: false; code: 'already_in_team'; teamId: string } | { ok: false; code: 'team_limit_reached'; open: number };

export class TeamSeats {
  private prunedAt = 0;

  constructor(private readonly sql: SqlStorage) {
    this.sql.exec(SCHEMA);
  }

  /** Takes the person's seat in the team (again: no change), or says why not. */
  take(r: SeatRequest): SeatVerdict {
    this.prune(r.now);
    const held = this.sql
      .exec<{ team_id: string; until: number }>(
        'SELECT team_id, until FROM team_seats WHERE offer_id = ? AND identity = ?',
        r.offerId,
        r.identity,
      )
      .toArray()[0];
    if (held && held.until > r.now && held.team_id !== r.teamId)
      return { ok: false, code: 'already_in_team', teamId: held.team_id };
    if (r.newTeam) {
      const open = this.sql
        .exec<{ n: number }>(
          'SELECT count(*) AS n FROM open_teams WHERE offer_id = ? AND until > ? AND team_id <> ?',
          r.offerId,
          r.now,
          r.teamId,
        )
        .one().n;
      if (r.newTeam.maxOpenTeams !== null && open >= r.newTeam.maxOpenTeams)
        return { ok: false, code: 'team_limit_reached', open };
      this.sql.exec(
        'INSERT OR REPLACE INTO open_teams (team_id, offer_id, until) VALUES (?, ?, ?)',
        r.teamId,
        r.offerId,
        r.until,
      );
    }
    this.sql.exec(
      `INSERT INTO team_seats (offer_id, identity, team_id, until) VALUES (?, ?, ?, ?)
       ON CONFLICT (offer_id, identity) DO UPDATE SET team_id = excluded.team_id, until = excluded.until`,
      r.offerId,
      r.identity,
      r.teamId,
      r.until,
    );
    return { ok: true };
  }

  /** Gives the person's seat in the team back (they left, or their join was refused after all). */
  release(r: { offerId: string; identity: string; teamId: string; closeTeam?: boolean }): void {
    this.sql.exec('DELETE FROM team_seats WHERE offer_id = ? AND identity = ? AND team_id = ?', r.offerId, r.identity, r.teamId);
    if (r.closeTeam) this.sql.exec('DELETE FROM open_teams WHERE team_id = ?', r.teamId);
  }

  /** The team ended (complete, expired, cancelled): its members' seats and its place among the open teams are free. */
  closeTeam(teamId: string): void {
    this.sql.exec('DELETE FROM team_seats WHERE team_id = ?', teamId);
    this.sql.exec('DELETE FROM open_teams WHERE team_id = ?', teamId);
  }

  /** Seats and open teams held, for `metrics()`. */
  sizes(): { teamSeats: number; openTeams: number } {
    return {
      teamSeats: this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM team_seats').one().n,
      openTeams: this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM open_teams').one().n,
    };
  }

  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS && now >= this.prunedAt) return;
    this.prunedAt = now;
    this.sql.exec(
      `DELETE FROM team_seats WHERE rowid IN (SELECT rowid FROM team_seats WHERE until <= ? ORDER BY until LIMIT ${PRUNE_BATCH})`,
      now,
    );
    this.sql.exec(
      `DELETE FROM open_teams WHERE rowid IN (SELECT rowid FROM open_teams WHERE until <= ? ORDER BY until LIMIT ${PRUNE_BATCH})`,
      now,
    );
  }
}
