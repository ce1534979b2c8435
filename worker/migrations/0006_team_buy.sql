-- Team-buy (拼團, issue 6): the shops' team offers, the D1 mirror of each team (the team's Durable
-- Object, TeamRoom, owns the truth; the mirror is written by it for listing and reporting), and the
-- team an order was bought in.

-- One offer per product. The team succeeds at `min_size` members; a ladder keeps it open for more
-- (up to `max_size`) until the deadline, the final price being the tier reached (`tiers`, JSON
-- [{ "size": 2, "priceMinor": 15000 }, …], ascending sizes, descending prices, the first tier at
-- min_size). A team's whole window stays inside a card authorization hold: at most 4 days.
CREATE TABLE team_offers (
  id                  TEXT PRIMARY KEY,                        -- tof_…
  shop_id             TEXT NOT NULL,
  sku                 TEXT NOT NULL,
  min_size            INTEGER NOT NULL CHECK (min_size BETWEEN 2 AND 10),
  max_size            INTEGER NOT NULL CHECK (max_size BETWEEN 2 AND 10 AND max_size >= min_size),
  tiers               TEXT NOT NULL,
  duration_minutes    INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 5760),
  max_open_teams      INTEGER CHECK (max_open_teams IS NULL OR max_open_teams >= 1),
  strangers_may_join  INTEGER NOT NULL DEFAULT 1 CHECK (strangers_may_join IN (0, 1)),
  leader_reward_minor INTEGER NOT NULL DEFAULT 0 CHECK (leader_reward_minor >= 0),
  active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (shop_id, sku)
);

-- The mirror of each team, one row per team, written by its TeamRoom with a version: a write
-- applies only when its version is newer, so a late or repeated sync never goes backwards.
-- `terms` is the offer as it was when the team started (JSON: tiers, solo price, leader reward);
-- `price_minor` the price of the tier reached so far (the final price once complete).
CREATE TABLE teams (
  id                  TEXT PRIMARY KEY,                        -- team_…
  shop_id             TEXT NOT NULL,
  offer_id            TEXT NOT NULL,
  sku                 TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('open', 'complete', 'expired', 'cancelled')),
  min_size            INTEGER NOT NULL,
  max_size            INTEGER NOT NULL,
  member_count        INTEGER NOT NULL,
  ordered_count       INTEGER NOT NULL DEFAULT 0,              -- members whose order the shop reported
  leader_name         TEXT,                                    -- masked, e.g. "Ka Y."
  leader_referrer_id  TEXT,
  price_minor         INTEGER NOT NULL,
  currency            TEXT NOT NULL CHECK (length(currency) = 3),
  terms               TEXT NOT NULL,
  strangers_may_join  INTEGER NOT NULL CHECK (strangers_may_join IN (0, 1)),
  created_at          INTEGER NOT NULL,
  deadline_at         INTEGER NOT NULL,
  ended_at            INTEGER,                                 -- when it completed, expired or was cancelled
  version             INTEGER NOT NULL,
  synced_at           INTEGER NOT NULL
);
-- open teams of a product a stranger may join (soonest deadline first), the shop's lists by status
CREATE INDEX teams_open ON teams (shop_id, sku, status, deadline_at);
CREATE INDEX teams_shop_time ON teams (shop_id, created_at);
CREATE INDEX teams_shop_status ON teams (shop_id, status, created_at);
-- open teams past their deadline, which the cron asks their rooms to settle
CREATE INDEX teams_overdue ON teams (deadline_at) WHERE status = 'open';

-- The members of each team (current and departed), rewritten with the team row's version.
CREATE TABLE team_members (
  team_id         TEXT NOT NULL,
  member_id       TEXT NOT NULL,                               -- tmb_…
  shop_id         TEXT NOT NULL,
  position        INTEGER NOT NULL,                            -- join order, from 0
  role            TEXT NOT NULL CHECK (role IN ('leader', 'member')),
  name            TEXT,                                        -- masked
  identity_hash   TEXT NOT NULL,                               -- salted pseudonym of the customer or visitor
  referrer_id     TEXT,
  order_id        TEXT,
  quantity        INTEGER,
  unit_price_minor INTEGER,                                    -- the team line's unit price in the order
  paid_minor      INTEGER,                                     -- the team line's share of the order amount
  joined_at       INTEGER NOT NULL,
  left_at         INTEGER,
  PRIMARY KEY (team_id, member_id)
) WITHOUT ROWID;
CREATE INDEX team_members_shop ON team_members (shop_id, team_id);
CREATE INDEX team_members_order ON team_members (shop_id, order_id) WHERE order_id IS NOT NULL;

-- The team an order was bought in (its member token was validated when it was reported).
ALTER TABLE conversions ADD COLUMN team_id TEXT;
CREATE INDEX conversions_team ON conversions (team_id) WHERE team_id IS NOT NULL;
