/** Queries for payouts: money paid to a referrer out of their available balance. */
export interface PayoutRow {
  id: string;
  shop_id: string;
  referrer_id: string;
  amount_minor: number;
  currency: string;
  created_at: number;
}

/**
 * Inserts the payout only if the referrer's available balance is still `available` (what the
 * amount was checked against): two concurrent payouts cannot both spend it.
 */
export function insertPayoutStatement(db: D1Database, p: PayoutRow, available: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO payouts (id, shop_id, referrer_id, amount_minor, currency, created_at)
       SELECT ?, ?, ?, ?, ?, ?
        WHERE (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries WHERE referrer_id = ? AND bucket = 'available') = ?`,
    )
    .bind(p.id, p.shop_id, p.referrer_id, p.amount_minor, p.currency, p.created_at, p.referrer_id, available);
}

export function getPayout(db: D1Database, id: string): Promise<PayoutRow | null> {
  return db.prepare('SELECT * FROM payouts WHERE id = ?').bind(id).first<PayoutRow>();
}
