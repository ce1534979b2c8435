/** Queries for refunds: the shop's refunds of an order, one row per refund id. */
export interface RefundRow {
  id: string;
  shop_id: string;
  conversion_id: string;
  refund_ref: string;
  amount_minor: number;
  created_at: number;
}

export async function refundsOf(db: D1Database, conversionId: string): Promise<RefundRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM refunds WHERE conversion_id = ? ORDER BY created_at, id')
    .bind(conversionId)
    .all<RefundRow>();
  return results;
}

/**
 * Inserts a refund only if the order's refunds still total `refundedBefore` and the conversion's
 * ledger has no entry after `lastSeq` (no release, approval or other refund since they were read);
 * a repeat of the same refund id is a no-op.
 */
export function insertRefundStatement(
  db: D1Database,
  r: RefundRow,
  guard: { refundedBefore: number; lastSeq: number },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO refunds (id, shop_id, conversion_id, refund_ref, amount_minor, created_at)
       SELECT ?, ?, ?, ?, ?, ?
        WHERE (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE conversion_id = ?) = ?
          AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE conversion_id = ? AND seq > ?)
       ON CONFLICT (conversion_id, refund_ref) DO NOTHING`,
    )
    .bind(
      r.id,
      r.shop_id,
      r.conversion_id,
      r.refund_ref,
      r.amount_minor,
      r.created_at,
      r.conversion_id,
      guard.refundedBefore,
      r.conversion_id,
      guard.lastSeq,
    );
}

export function getRefund(db: D1Database, id: string): Promise<RefundRow | null> {
  return db.prepare('SELECT * FROM refunds WHERE id = ?').bind(id).first<RefundRow>();
}

/** The commission one refund reversed (a positive amount). */
export async function reversedByRefund(db: D1Database, refundId: string): Promise<number> {
  const row = await db
    .prepare('SELECT COALESCE(-SUM(amount_minor), 0) AS v FROM ledger_entries WHERE refund_id = ? AND amount_minor < 0')
    .bind(refundId)
    .first<{ v: number }>();
  return row?.v ?? 0;
}
