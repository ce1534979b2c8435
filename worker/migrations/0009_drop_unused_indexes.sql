-- Indexes no query uses any more, dropped: each one was one more row written (and billed by D1) with
-- every click or commission entry, and bytes kept for nothing.
-- - ledger_due, ledger_pending_due: ledger work is found through ledger_tasks (0005) since the
--   ledger stopped being scanned by available_at.
-- - clicks_visitor: attribution by visitor reads the shop object's own copy of its clicks
--   (durable/click-log.ts); D1 is never searched by visitor.
DROP INDEX IF EXISTS ledger_due;
DROP INDEX IF EXISTS ledger_pending_due;
DROP INDEX IF EXISTS clicks_visitor;
