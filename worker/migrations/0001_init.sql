-- ShareCart schema v1. Money is INTEGER minor units plus an ISO-4217 currency.
-- Times are INTEGER milliseconds since the Unix epoch (UTC).

CREATE TABLE shops (
  id                        TEXT PRIMARY KEY,                 -- shop_…
  name                      TEXT NOT NULL,
  currency                  TEXT NOT NULL CHECK (length(currency) = 3),
  locale                    TEXT NOT NULL DEFAULT 'en',
  site_url                  TEXT NOT NULL,                    -- where /r/:code redirects when no landing url is known
  webhook_url               TEXT,
  webhook_secret            TEXT NOT NULL,                    -- whsec_… (needed in clear to sign)
  disclosure_text           TEXT,                             -- shown under share buttons (endorsement disclosure)
  allow_browser_conversions INTEGER NOT NULL DEFAULT 0 CHECK (allow_browser_conversions IN (0, 1)),
  referrer_approval         INTEGER NOT NULL DEFAULT 0 CHECK (referrer_approval IN (0, 1)),
  verified_buyers_only      INTEGER NOT NULL DEFAULT 0 CHECK (verified_buyers_only IN (0, 1)),
  created_at                INTEGER NOT NULL
);

-- Publishable keys are stored in clear (they are public); secret keys only as SHA-256 hex.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,                                -- key_…
  shop_id     TEXT NOT NULL REFERENCES shops(id),
  kind        TEXT NOT NULL CHECK (kind IN ('publishable', 'secret')),
  lookup      TEXT NOT NULL UNIQUE,                            -- pk_… itself, or sha256(sk_…)
  hint        TEXT NOT NULL,                                   -- last 4 characters, for display
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX api_keys_shop ON api_keys (shop_id, kind);

CREATE TABLE allowed_origins (
  shop_id TEXT NOT NULL REFERENCES shops(id),
  origin  TEXT NOT NULL,                                       -- scheme://host[:port], lower case
  PRIMARY KEY (shop_id, origin)
) WITHOUT ROWID;
CREATE INDEX allowed_origins_origin ON allowed_origins (origin);

CREATE TABLE commission_programs (
  shop_id             TEXT PRIMARY KEY REFERENCES shops(id),
  kind                TEXT NOT NULL CHECK (kind IN ('percent', 'flat')),
  rate_bps            INTEGER NOT NULL DEFAULT 0 CHECK (rate_bps BETWEEN 0 AND 10000),
  flat_minor          INTEGER NOT NULL DEFAULT 0 CHECK (flat_minor >= 0),
  cap_minor           INTEGER CHECK (cap_minor IS NULL OR cap_minor >= 0),
  hold_days           INTEGER NOT NULL DEFAULT 30 CHECK (hold_days BETWEEN 0 AND 365),
  window_days         INTEGER NOT NULL DEFAULT 30 CHECK (window_days BETWEEN 1 AND 365),
  model               TEXT NOT NULL DEFAULT 'last_click' CHECK (model IN ('last_click', 'first_click')),
  friend_reward_kind  TEXT NOT NULL DEFAULT 'none' CHECK (friend_reward_kind IN ('none', 'percent', 'flat')),
  friend_reward_value INTEGER NOT NULL DEFAULT 0 CHECK (friend_reward_value >= 0),
  updated_at          INTEGER NOT NULL
);

-- Prices and commissions are decided server-side from this table, never trusted from the page.
CREATE TABLE products (
  shop_id          TEXT NOT NULL REFERENCES shops(id),
  sku              TEXT NOT NULL,
  name             TEXT NOT NULL,
  names            TEXT NOT NULL DEFAULT '{}',                 -- JSON { "zh-Hant-HK": "…", "zh-Hans": "…" }
  price_minor      INTEGER NOT NULL CHECK (price_minor >= 0),
  currency         TEXT NOT NULL CHECK (length(currency) = 3),
  url              TEXT,
  image_url        TEXT,
  active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  override_kind    TEXT CHECK (override_kind IS NULL OR override_kind IN ('percent', 'flat')),
  override_value   INTEGER CHECK (override_value IS NULL OR override_value >= 0),
  updated_at       INTEGER NOT NULL,
  PRIMARY KEY (shop_id, sku)
) WITHOUT ROWID;

CREATE TABLE referrers (
  id               TEXT PRIMARY KEY,                           -- ref_…
  shop_id          TEXT NOT NULL REFERENCES shops(id),
  code             TEXT NOT NULL UNIQUE,                       -- nanoid, global (short links carry no shop)
  vanity_code      TEXT UNIQUE COLLATE NOCASE,                 -- KOL code, e.g. "maggie"
  token_hash       TEXT UNIQUE,                                -- sha256 of the anonymous referrer token
  display_name     TEXT,
  email            TEXT,
  phone            TEXT,
  customer_ref     TEXT,                                       -- the shop's customer id, for self-referral checks
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'blocked')),
  verified_buyer   INTEGER NOT NULL DEFAULT 0 CHECK (verified_buyer IN (0, 1)),
  created_at       INTEGER NOT NULL
);
CREATE INDEX referrers_shop ON referrers (shop_id, created_at);
CREATE INDEX referrers_shop_email ON referrers (shop_id, email);
CREATE INDEX referrers_shop_customer ON referrers (shop_id, customer_ref);

CREATE TABLE clicks (
  id           TEXT PRIMARY KEY,                               -- clk_…
  shop_id      TEXT NOT NULL,
  referrer_id  TEXT NOT NULL,
  channel      TEXT NOT NULL DEFAULT 'direct',
  landing_url  TEXT,
  visitor_hash TEXT,                                           -- salted hash of the visitor id the SDK keeps
  ip_hash      TEXT,                                           -- salted SHA-256, never the IP
  ua_hash      TEXT,
  created_at   INTEGER NOT NULL
);
CREATE INDEX clicks_referrer_time ON clicks (referrer_id, created_at);
CREATE INDEX clicks_shop_time ON clicks (shop_id, created_at);
CREATE INDEX clicks_visitor ON clicks (shop_id, visitor_hash, created_at);

CREATE TABLE shares (
  id           TEXT PRIMARY KEY,
  shop_id      TEXT NOT NULL,
  referrer_id  TEXT NOT NULL,
  channel      TEXT NOT NULL,
  sku          TEXT,
  created_at   INTEGER NOT NULL
);
CREATE INDEX shares_shop_time ON shares (shop_id, created_at);
CREATE INDEX shares_referrer ON shares (referrer_id, created_at);

CREATE TABLE conversions (
  id                 TEXT PRIMARY KEY,                         -- conv_…
  shop_id            TEXT NOT NULL,
  order_id           TEXT NOT NULL,
  amount_minor       INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency           TEXT NOT NULL CHECK (length(currency) = 3),
  items              TEXT NOT NULL DEFAULT '[]',               -- JSON
  referrer_id        TEXT,
  click_id           TEXT,
  source             TEXT NOT NULL CHECK (source IN ('click', 'code', 'coupon', 'none')),
  verified           INTEGER NOT NULL CHECK (verified IN (0, 1)),
  customer_hash      TEXT,
  commission_minor   INTEGER NOT NULL DEFAULT 0 CHECK (commission_minor >= 0),
  commission_status  TEXT NOT NULL CHECK (commission_status IN ('none', 'pending', 'on_hold')),
  explanation        TEXT NOT NULL,                            -- JSON: why it was (not) credited
  request_hash       TEXT NOT NULL,                            -- SHA-256 of the canonical report
  created_at         INTEGER NOT NULL,
  UNIQUE (shop_id, order_id)
);
CREATE INDEX conversions_shop_time ON conversions (shop_id, created_at);
CREATE INDEX conversions_referrer ON conversions (referrer_id, created_at);

CREATE TABLE refunds (
  id              TEXT PRIMARY KEY,                            -- rf_…
  shop_id         TEXT NOT NULL,
  conversion_id   TEXT NOT NULL REFERENCES conversions(id),
  refund_ref      TEXT NOT NULL,                               -- the shop's refund id (idempotency)
  amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
  created_at      INTEGER NOT NULL,
  UNIQUE (conversion_id, refund_ref)
);
CREATE INDEX refunds_shop ON refunds (shop_id, created_at);

CREATE TABLE payouts (
  id            TEXT PRIMARY KEY,                              -- po_…
  shop_id       TEXT NOT NULL,
  referrer_id   TEXT NOT NULL,
  amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
  currency      TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX payouts_shop ON payouts (shop_id, created_at);

-- The ledger. Append-only: a status change, a refund or a payout is a new entry; a balance is a sum.
-- bucket: on_hold | pending | available | paid. amount_minor is signed.
CREATE TABLE ledger_entries (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT NOT NULL UNIQUE,                         -- le_…
  shop_id        TEXT NOT NULL,
  referrer_id    TEXT NOT NULL,
  txn_id         TEXT NOT NULL,                                -- entries written together share a txn
  type           TEXT NOT NULL CHECK (type IN ('commission', 'release', 'approve', 'void', 'reversal', 'clawback', 'payout')),
  bucket         TEXT NOT NULL CHECK (bucket IN ('on_hold', 'pending', 'available', 'paid')),
  amount_minor   INTEGER NOT NULL,
  currency       TEXT NOT NULL CHECK (length(currency) = 3),
  conversion_id  TEXT,
  refund_id      TEXT,
  payout_id      TEXT,
  available_at   INTEGER,                                      -- for commission entries: end of the hold
  reason         TEXT,
  dedupe_key     TEXT UNIQUE,                                  -- e.g. "release:<conv>", makes retries no-ops
  created_at     INTEGER NOT NULL
);
CREATE INDEX ledger_shop ON ledger_entries (shop_id, seq);
CREATE INDEX ledger_referrer ON ledger_entries (referrer_id, bucket);
CREATE INDEX ledger_conversion ON ledger_entries (conversion_id);
CREATE INDEX ledger_due ON ledger_entries (type, available_at) WHERE type = 'commission';

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_append_only: ledger entries cannot be updated');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_append_only: ledger entries cannot be deleted');
END;

-- Stripe-style idempotency keys, kept at least 24 h (purged after 72 h by the cron).
CREATE TABLE idempotency_keys (
  shop_id        TEXT NOT NULL,
  key            TEXT NOT NULL,
  method         TEXT NOT NULL,
  path           TEXT NOT NULL,
  request_hash   TEXT NOT NULL,
  status         INTEGER NOT NULL,
  response_body  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (shop_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

-- Webhook outbox: filled in the same batch as the change it announces; delivered by a later issue.
CREATE TABLE outbox_events (
  id               TEXT PRIMARY KEY,                           -- evt_…
  shop_id          TEXT NOT NULL,
  type             TEXT NOT NULL,
  payload          TEXT NOT NULL,
  dedupe_key       TEXT UNIQUE,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  delivered_at     INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox_events (delivered_at, next_attempt_at);
