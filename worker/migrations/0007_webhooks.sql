-- Webhook delivery (issue 7): each shop's outbox events are delivered to its webhook URL, signed by
-- the Standard Webhooks scheme, by the shop's WebhookSender Durable Object
-- (worker/src/durable/webhook-sender.ts); retried with exponential backoff for 3 days, then
-- dead-lettered until the shop retries them.

-- Secret rotation: after a rotation the previous secret also signs every delivery (a second
-- `v1,` signature) until `webhook_secret_previous_until`, so the shop can switch its verifier over.
ALTER TABLE shops ADD COLUMN webhook_secret_previous TEXT;
ALTER TABLE shops ADD COLUMN webhook_secret_previous_until INTEGER;

-- Secrets are `whsec_` + base64 of the key bytes (the Standard Webhooks format). Every secret the
-- API generated so far (`whsec_` + 32 letters and digits) already is valid base64 and stays as it is;
-- a secret that is not (written by hand, e.g. an old demo seed) could not be verified by the
-- standard libraries, so it is replaced by `whsec_` + 64 hex digits (valid base64 of 48 random
-- bytes). No webhook was ever delivered before this migration, so no receiver depends on it; the
-- shop reads the new one with `GET /v1/webhooks/secret` or rotates it.
UPDATE shops SET webhook_secret = 'whsec_' || hex(randomblob(32))
 WHERE NOT (
   webhook_secret GLOB 'whsec_?*'
   AND length(webhook_secret) % 4 = 2
   AND substr(webhook_secret, 7) NOT GLOB '*[^A-Za-z0-9+/=]*'
   AND rtrim(substr(webhook_secret, 7), '=') NOT GLOB '*=*'
 );

-- Delivery state of an event. `attempts` counts the attempts since the event was created or last
-- retried by the shop (`retried_at`, which also restarts the 3-day window); `dead_at` is set when
-- the window ended without a 2xx answer. `last_status` is the receiver's HTTP status (null: no
-- answer), `last_error` a short reason.
ALTER TABLE outbox_events ADD COLUMN last_attempt_at INTEGER;
ALTER TABLE outbox_events ADD COLUMN last_status INTEGER;
ALTER TABLE outbox_events ADD COLUMN dead_at INTEGER;
ALTER TABLE outbox_events ADD COLUMN retried_at INTEGER;
-- What the event is about: events of one subject (a conversion and its commission, a team, a
-- payout) are delivered in the order they were written; different subjects do not wait for each other.
ALTER TABLE outbox_events ADD COLUMN subject TEXT GENERATED ALWAYS AS (
  COALESCE(payload ->> '$.conversionId', payload ->> '$.teamId', payload ->> '$.payoutId', id)
) VIRTUAL;

DROP INDEX IF EXISTS outbox_due;
-- What a shop's sender delivers next, and the earlier undelivered events of the same subject.
CREATE INDEX outbox_pending ON outbox_events (shop_id, next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_pending_subject ON outbox_events (shop_id, subject, created_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
-- The shop's list of deliveries, newest first (and the purge of events no endpoint will take).
CREATE INDEX outbox_shop_time ON outbox_events (shop_id, created_at);
-- The purge of delivered and dead events (db/webhooks.ts, kept 30 days).
CREATE INDEX outbox_done ON outbox_events (COALESCE(delivered_at, dead_at)) WHERE delivered_at IS NOT NULL OR dead_at IS NOT NULL;
