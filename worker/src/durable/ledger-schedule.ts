/**
 * When the shop's ledger next owes work (a hold ends, an unconfirmed browser report expires), kept
 * in the object's storage (`due_state`) so that the object's alarm runs on time and settles it
 * (db/ledger.ts settleDue, bounded per alarm). The cron settles every shop as well; this only
 * makes a shop's releases prompt.
 *
 * The object is named after its shop; it learns the shop id from its first call and keeps it here
 * for its alarms.
 */
import { nextDueAt, settleDue } from '../db/ledger.js';

/** Ledger work per alarm: at most this many settle rounds (3 D1 calls each). */
const SETTLE_ROUNDS = 4;

const SCHEMA = `CREATE TABLE IF NOT EXISTS due_state (one INTEGER PRIMARY KEY CHECK (one = 1), shop_id TEXT, next_due_at INTEGER);
  INSERT OR IGNORE INTO due_state (one, shop_id, next_due_at) VALUES (1, NULL, NULL);`;

export class LedgerSchedule {
  private shopIdKnown = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly db: D1Database,
  ) {
    this.sql.exec(SCHEMA);
  }

  /** When the next ledger work is due, or null when none is known. */
  get nextDueAt(): number | null {
    return this.state().next_due_at;
  }

  rememberShop(shopId: string): void {
    if (this.shopIdKnown) return;
    this.sql.exec('UPDATE due_state SET shop_id = ? WHERE shop_id IS NULL', shopId);
    this.shopIdKnown = true;
  }

  /** Notes work due at `at`. True when it is due before anything noted so far: the alarm must run by then. */
  note(at: number): boolean {
    const { next_due_at } = this.state();
    if (next_due_at !== null && next_due_at <= at) return false;
    this.sql.exec('UPDATE due_state SET next_due_at = ?', at);
    return true;
  }

  /**
   * Releases this shop's due commissions (bounded) and notes when the next work is due. Returns
   * the shop id when commissions were released or expired (their webhook events wait), else null.
   */
  async settle(now: number): Promise<string | null> {
    const { shop_id, next_due_at } = this.state();
    if (!shop_id || next_due_at === null || next_due_at > now) return null;
    const run = await settleDue(this.db, now, { shopId: shop_id, rounds: SETTLE_ROUNDS });
    const next = run.more ? now : await nextDueAt(this.db, shop_id);
    this.sql.exec('UPDATE due_state SET next_due_at = ?', next);
    return run.released + run.expired > 0 ? shop_id : null;
  }

  private state(): { shop_id: string | null; next_due_at: number | null } {
    return this.sql
      .exec<{ shop_id: string | null; next_due_at: number | null }>('SELECT shop_id, next_due_at FROM due_state')
      .one();
  }
}
