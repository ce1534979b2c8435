-- The money path (guarantees 14, 17, 18): what is due in the ledger, the devices a referrer used,
-- the shop's running order total, and how long an unconfirmed browser report may wait.

-- Work the ledger owes: `release` moves a conversion's pending commission to available when its
-- hold ends; `expire` voids the held commission of a browser-reported order that the shop never
-- confirmed. A row exists only while there is something to do: it is written with the entries
-- that create the work and deleted in the batch that finishes it (a release, a refund that voids
-- everything pending, a confirmation), so settled conversions are never candidates again and a
-- release run reaches every due conversion whatever came before it. Not part of the ledger: rows
-- here are deleted.
CREATE TABLE ledger_tasks (
  conversion_id TEXT NOT NULL,
  action        TEXT NOT NULL CHECK (action IN ('release', 'expire')),
  shop_id       TEXT NOT NULL,
  referrer_id   TEXT NOT NULL,
  currency      TEXT NOT NULL CHECK (length(currency) = 3),
  due_at        INTEGER NOT NULL,
  PRIMARY KEY (conversion_id, action)
) WITHOUT ROWID;
CREATE INDEX ledger_tasks_time ON ledger_tasks (due_at);
CREATE INDEX ledger_tasks_shop ON ledger_tasks (shop_id, due_at);

-- Commissions already pending when this migration runs are due at the end of their hold.
INSERT OR IGNORE INTO ledger_tasks (conversion_id, action, shop_id, referrer_id, currency, due_at)
SELECT e.conversion_id, 'release', e.shop_id, e.referrer_id, e.currency, MAX(e.available_at)
  FROM ledger_entries e
 WHERE e.type IN ('commission', 'approve') AND e.bucket = 'pending' AND e.conversion_id IS NOT NULL
 GROUP BY e.conversion_id
HAVING (SELECT SUM(p.amount_minor) FROM ledger_entries p WHERE p.conversion_id = e.conversion_id AND p.bucket = 'pending') > 0;

-- The browsers (SDK visitor ids, as salted hashes) a referrer created their link or claimed it from:
-- an order from one of them, through that referrer's link, is self-referral (held, never paid).
CREATE TABLE referrer_devices (
  referrer_id   TEXT NOT NULL,
  visitor_hash  TEXT NOT NULL,
  shop_id       TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (referrer_id, visitor_hash)
) WITHOUT ROWID;

-- Every order amount a shop ever reported (first report, plus any increase when the shop's server
-- supersedes a browser report). Bounded so that no sum of amounts, commissions or balances of the
-- shop can leave the safe-integer range (domain/money.ts MAX_SHOP_ORDERS_MINOR).
CREATE TABLE shop_totals (
  shop_id       TEXT PRIMARY KEY,
  orders_minor  INTEGER NOT NULL DEFAULT 0 CHECK (orders_minor >= 0)
);
INSERT INTO shop_totals (shop_id, orders_minor)
SELECT shop_id, SUM(amount_minor) FROM conversions GROUP BY shop_id;

-- Days an unconfirmed (browser-reported) order's held commission waits for the shop's server
-- report or approval before it is voided; NULL waits forever.
ALTER TABLE commission_programs ADD COLUMN unverified_expiry_days INTEGER
  CHECK (unverified_expiry_days IS NULL OR unverified_expiry_days BETWEEN 1 AND 365);
