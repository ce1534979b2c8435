-- The ledger stays append-only under INSERT OR REPLACE too. REPLACE deletes the conflicting row
-- without firing the DELETE trigger (recursive_triggers is off), so an insert that collides with an
-- existing entry (same id, seq or dedupe_key) is dropped here instead, the way
-- `ON CONFLICT DO NOTHING` drops it: the existing entry is never touched.
CREATE TRIGGER IF NOT EXISTS ledger_entries_no_replace BEFORE INSERT ON ledger_entries
WHEN EXISTS (
  SELECT 1 FROM ledger_entries
   WHERE id = NEW.id OR seq = NEW.seq OR (NEW.dedupe_key IS NOT NULL AND dedupe_key = NEW.dedupe_key)
)
BEGIN
  SELECT RAISE(IGNORE);
END;
