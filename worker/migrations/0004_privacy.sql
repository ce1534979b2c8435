-- Privacy (issue 8): retention of personal click fields, per-shop buyer-claim secrets, single-use
-- buyer claim tokens.

-- The cron nulls landing_url, visitor_hash, ip_hash and ua_hash of clicks older than the shop's
-- attribution window + a margin (db/retention.ts). This index holds only clicks that still carry
-- one of them, so a pruned click is never scanned again.
CREATE INDEX clicks_personal_data ON clicks (shop_id, created_at)
  WHERE landing_url IS NOT NULL OR visitor_hash IS NOT NULL OR ip_hash IS NOT NULL OR ua_hash IS NOT NULL;

-- Buyer claim tokens are signed with their own per-shop secret, never the webhook secret.
-- (ALTER TABLE cannot add a column with a random default: existing shops are backfilled here, and
-- a shop inserted without one — e.g. by the demo seed — gets one from the trigger.)
ALTER TABLE shops ADD COLUMN claim_secret TEXT;
UPDATE shops SET claim_secret = lower(hex(randomblob(32))) WHERE claim_secret IS NULL;
CREATE TRIGGER shops_claim_secret AFTER INSERT ON shops WHEN NEW.claim_secret IS NULL
BEGIN
  UPDATE shops SET claim_secret = lower(hex(randomblob(32))) WHERE id = NEW.id;
END;

-- A claim token is single-use: one row per (conversion, verified-when-issued), written in the same
-- batch as the referrer it created (db/buyer-claims.ts).
CREATE TABLE buyer_claims (
  conversion_id  TEXT NOT NULL,
  shop_id        TEXT NOT NULL,
  verified       INTEGER NOT NULL CHECK (verified IN (0, 1)),
  referrer_id    TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (conversion_id, verified)
) WITHOUT ROWID;
