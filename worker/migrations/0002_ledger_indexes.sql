-- Lookups the refund and release paths make: entries of one refund, and commissions (or approvals)
-- whose hold ends, found without scanning the ledger.
CREATE INDEX ledger_refund ON ledger_entries (refund_id) WHERE refund_id IS NOT NULL;
CREATE INDEX ledger_pending_due ON ledger_entries (available_at) WHERE type IN ('commission', 'approve') AND bucket = 'pending';
