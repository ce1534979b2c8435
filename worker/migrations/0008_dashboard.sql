-- The shop dashboard (issue 7): sign-in tokens and sessions, funnel rollups, payout batches, the
-- settings the dashboard edits, and a referrer's deletion of their identity.

-- Dashboard tokens: revocable sign-in credentials for the dashboard, never the API secret key.
-- Only the SHA-256 of the token (`dt_…`) is stored.
CREATE TABLE dashboard_tokens (
  id            TEXT PRIMARY KEY,                              -- dtk_…
  shop_id       TEXT NOT NULL REFERENCES shops(id),
  token_hash    TEXT NOT NULL UNIQUE,
  hint          TEXT NOT NULL,                                 -- last 4 characters, for display
  label         TEXT NOT NULL,
  created_by    TEXT NOT NULL CHECK (created_by IN ('admin', 'secret_key', 'session')),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);
CREATE INDEX dashboard_tokens_shop ON dashboard_tokens (shop_id, created_at);

-- Dashboard sessions: a cookie session (from a dashboard token) or an embedded session (minted by
-- the shop's server with its secret key for its own admin page). Only the SHA-256 of the session
-- secret is stored. A session ends at expires_at, at sign-out, or when its token is revoked.
CREATE TABLE dashboard_sessions (
  id_hash     TEXT PRIMARY KEY,
  shop_id     TEXT NOT NULL,
  token_id    TEXT,                                            -- NULL for an embedded session
  kind        TEXT NOT NULL CHECK (kind IN ('cookie', 'embedded')),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX dashboard_sessions_token ON dashboard_sessions (token_id) WHERE token_id IS NOT NULL;
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at);

-- Settings the dashboard edits.
ALTER TABLE shops ADD COLUMN consent_mode TEXT NOT NULL DEFAULT 'off' CHECK (consent_mode IN ('off', 'required'));
ALTER TABLE shops ADD COLUMN payout_threshold_minor INTEGER NOT NULL DEFAULT 0 CHECK (payout_threshold_minor >= 0);

-- A referrer's own commission rate (a KOL deal), how they are paid, and when they deleted their
-- identity (the row then keeps only its id, code and status: the ledger keeps amounts, loses the person).
ALTER TABLE referrers ADD COLUMN rate_bps INTEGER CHECK (rate_bps IS NULL OR rate_bps BETWEEN 0 AND 10000);
ALTER TABLE referrers ADD COLUMN paypal_email TEXT;
ALTER TABLE referrers ADD COLUMN fps_id TEXT;
ALTER TABLE referrers ADD COLUMN bank_account TEXT;
ALTER TABLE referrers ADD COLUMN deleted_at INTEGER;

-- Payout batches: the referrers due a payout, exported as files (PayPal Payouts CSV, bank/FPS CSV)
-- and marked paid once, which writes each item's payout and ledger entries (ids fixed here, so a
-- second "mark paid" writes nothing).
CREATE TABLE payout_batches (
  id            TEXT PRIMARY KEY,                              -- pb_…
  shop_id       TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'paid', 'cancelled')),
  currency      TEXT NOT NULL CHECK (length(currency) = 3),
  created_at    INTEGER NOT NULL,
  paid_at       INTEGER,
  cancelled_at  INTEGER
);
CREATE INDEX payout_batches_shop ON payout_batches (shop_id, created_at);

CREATE TABLE payout_batch_items (
  batch_id      TEXT NOT NULL,
  referrer_id   TEXT NOT NULL,
  payout_id     TEXT NOT NULL UNIQUE,                          -- po_…, the payout written when paid
  shop_id       TEXT NOT NULL,
  amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
  rail          TEXT NOT NULL CHECK (rail IN ('paypal', 'fps', 'bank', 'manual')),
  PRIMARY KEY (batch_id, referrer_id)
) WITHOUT ROWID;
CREATE INDEX payout_batch_items_referrer ON payout_batch_items (referrer_id);

-- Funnel rollups, maintained on write by the triggers below (clicks reach D1 in batches from the
-- shop object's flush; shares and conversions as they are written), so the dashboard sums a few
-- rows per hour instead of scanning clicks. funnel_hourly: per UTC hour and channel (a day in any
-- whole-hour time zone is 24 of them); referrer_daily: per UTC day and referrer (the leaderboard).
-- Orders and amounts count attributed conversions only; the channel of an order is its click's
-- (conversions.explanation.click.channel), else 'code' or 'coupon', else 'other'.
CREATE TABLE funnel_hourly (
  shop_id           TEXT NOT NULL,
  hour              INTEGER NOT NULL,                          -- created_at / 3,600,000
  channel           TEXT NOT NULL,
  shares            INTEGER NOT NULL DEFAULT 0,
  clicks            INTEGER NOT NULL DEFAULT 0,
  orders            INTEGER NOT NULL DEFAULT 0,
  revenue_minor     INTEGER NOT NULL DEFAULT 0,
  commission_minor  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (shop_id, hour, channel)
) WITHOUT ROWID;

CREATE TABLE referrer_daily (
  shop_id           TEXT NOT NULL,
  day               INTEGER NOT NULL,                          -- created_at / 86,400,000
  referrer_id       TEXT NOT NULL,
  shares            INTEGER NOT NULL DEFAULT 0,
  clicks            INTEGER NOT NULL DEFAULT 0,
  orders            INTEGER NOT NULL DEFAULT 0,
  revenue_minor     INTEGER NOT NULL DEFAULT 0,
  commission_minor  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (shop_id, day, referrer_id)
) WITHOUT ROWID;

CREATE TRIGGER clicks_rollup AFTER INSERT ON clicks
BEGIN
  INSERT INTO funnel_hourly (shop_id, hour, channel, clicks) VALUES (NEW.shop_id, NEW.created_at / 3600000, NEW.channel, 1)
    ON CONFLICT DO UPDATE SET clicks = clicks + 1;
  INSERT INTO referrer_daily (shop_id, day, referrer_id, clicks) VALUES (NEW.shop_id, NEW.created_at / 86400000, NEW.referrer_id, 1)
    ON CONFLICT DO UPDATE SET clicks = clicks + 1;
END;

CREATE TRIGGER shares_rollup AFTER INSERT ON shares
BEGIN
  INSERT INTO funnel_hourly (shop_id, hour, channel, shares) VALUES (NEW.shop_id, NEW.created_at / 3600000, NEW.channel, 1)
    ON CONFLICT DO UPDATE SET shares = shares + 1;
  INSERT INTO referrer_daily (shop_id, day, referrer_id, shares) VALUES (NEW.shop_id, NEW.created_at / 86400000, NEW.referrer_id, 1)
    ON CONFLICT DO UPDATE SET shares = shares + 1;
END;

CREATE TRIGGER conversions_rollup AFTER INSERT ON conversions WHEN NEW.referrer_id IS NOT NULL
BEGIN
  INSERT INTO funnel_hourly (shop_id, hour, channel, orders, revenue_minor, commission_minor)
  VALUES (NEW.shop_id, NEW.created_at / 3600000,
          COALESCE(json_extract(NEW.explanation, '$.click.channel'),
                   CASE NEW.source WHEN 'code' THEN 'code' WHEN 'coupon' THEN 'coupon' ELSE 'other' END),
          1, NEW.amount_minor, NEW.commission_minor)
    ON CONFLICT DO UPDATE SET orders = orders + 1, revenue_minor = revenue_minor + excluded.revenue_minor,
      commission_minor = commission_minor + excluded.commission_minor;
  INSERT INTO referrer_daily (shop_id, day, referrer_id, orders, revenue_minor, commission_minor)
  VALUES (NEW.shop_id, NEW.created_at / 86400000, NEW.referrer_id, 1, NEW.amount_minor, NEW.commission_minor)
    ON CONFLICT DO UPDATE SET orders = orders + 1, revenue_minor = revenue_minor + excluded.revenue_minor,
      commission_minor = commission_minor + excluded.commission_minor;
END;

-- A browser report superseded by the shop's server report (the only UPDATE of a conversion's
-- attribution or amounts): take the old numbers out, put the new ones in.
CREATE TRIGGER conversions_rollup_update AFTER UPDATE OF referrer_id, amount_minor, commission_minor, explanation, source ON conversions
BEGIN
  UPDATE funnel_hourly SET orders = orders - 1, revenue_minor = revenue_minor - OLD.amount_minor,
      commission_minor = commission_minor - OLD.commission_minor
   WHERE OLD.referrer_id IS NOT NULL AND shop_id = OLD.shop_id AND hour = OLD.created_at / 3600000
     AND channel = COALESCE(json_extract(OLD.explanation, '$.click.channel'),
                            CASE OLD.source WHEN 'code' THEN 'code' WHEN 'coupon' THEN 'coupon' ELSE 'other' END);
  UPDATE referrer_daily SET orders = orders - 1, revenue_minor = revenue_minor - OLD.amount_minor,
      commission_minor = commission_minor - OLD.commission_minor
   WHERE OLD.referrer_id IS NOT NULL AND shop_id = OLD.shop_id AND day = OLD.created_at / 86400000
     AND referrer_id = OLD.referrer_id;
  INSERT INTO funnel_hourly (shop_id, hour, channel, orders, revenue_minor, commission_minor)
  SELECT NEW.shop_id, NEW.created_at / 3600000,
         COALESCE(json_extract(NEW.explanation, '$.click.channel'),
                  CASE NEW.source WHEN 'code' THEN 'code' WHEN 'coupon' THEN 'coupon' ELSE 'other' END),
         1, NEW.amount_minor, NEW.commission_minor
   WHERE NEW.referrer_id IS NOT NULL
    ON CONFLICT DO UPDATE SET orders = orders + 1, revenue_minor = revenue_minor + excluded.revenue_minor,
      commission_minor = commission_minor + excluded.commission_minor;
  INSERT INTO referrer_daily (shop_id, day, referrer_id, orders, revenue_minor, commission_minor)
  SELECT NEW.shop_id, NEW.created_at / 86400000, NEW.referrer_id, 1, NEW.amount_minor, NEW.commission_minor
   WHERE NEW.referrer_id IS NOT NULL
    ON CONFLICT DO UPDATE SET orders = orders + 1, revenue_minor = revenue_minor + excluded.revenue_minor,
      commission_minor = commission_minor + excluded.commission_minor;
END;

-- What was written before this migration.
INSERT INTO funnel_hourly (shop_id, hour, channel, clicks)
SELECT shop_id, created_at / 3600000, channel, count(*) FROM clicks GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
INSERT INTO funnel_hourly (shop_id, hour, channel, shares)
SELECT shop_id, created_at / 3600000, channel, count(*) FROM shares GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT DO UPDATE SET shares = excluded.shares;
INSERT INTO funnel_hourly (shop_id, hour, channel, orders, revenue_minor, commission_minor)
SELECT c.shop_id, c.created_at / 3600000,
       COALESCE(k.channel, CASE c.source WHEN 'code' THEN 'code' WHEN 'coupon' THEN 'coupon' ELSE 'other' END),
       count(*), SUM(c.amount_minor), SUM(c.commission_minor)
  FROM conversions c LEFT JOIN clicks k ON k.id = c.click_id
 WHERE c.referrer_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT DO UPDATE SET orders = excluded.orders, revenue_minor = excluded.revenue_minor,
      commission_minor = excluded.commission_minor;
INSERT INTO referrer_daily (shop_id, day, referrer_id, clicks)
SELECT shop_id, created_at / 86400000, referrer_id, count(*) FROM clicks GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
INSERT INTO referrer_daily (shop_id, day, referrer_id, shares)
SELECT shop_id, created_at / 86400000, referrer_id, count(*) FROM shares GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT DO UPDATE SET shares = excluded.shares;
INSERT INTO referrer_daily (shop_id, day, referrer_id, orders, revenue_minor, commission_minor)
SELECT shop_id, created_at / 86400000, referrer_id, count(*), SUM(amount_minor), SUM(commission_minor)
  FROM conversions WHERE referrer_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT DO UPDATE SET orders = excluded.orders, revenue_minor = excluded.revenue_minor,
      commission_minor = excluded.commission_minor;
