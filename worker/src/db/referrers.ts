/** Queries for referrers: the people who share. */
import type { PendingClick } from './clicks.js';
import { pendingClicks } from './clicks.js';

export interface ReferrerRow {
  id: string;
  shop_id: string;
  code: string;
  vanity_code: string | null;
  token_hash: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  customer_ref: string | null;
  status: 'active' | 'pending' | 'blocked';
  verified_buyer: number;
  created_at: number;
  /** the referrer's own commission rate in basis points (domain/commission.ts programFor), or null */
  rate_bps?: number | null;
  /** how the referrer is paid (payout batches): PayPal e-mail, FPS id (phone, e-mail or FPS ID), bank account */
  paypal_email?: string | null;
  fps_id?: string | null;
  bank_account?: string | null;
  /** when the referrer deleted their identity (services/data-rights.ts) */
  deleted_at?: number | null;
}

/** Finds a referrer by its code or vanity code, across shops (short links carry no shop). */
export async function findReferrerByCode(db: D1Database, code: string): Promise<ReferrerRow | null> {
  return (
    (await db.prepare('SELECT * FROM referrers WHERE code = ?').bind(code).first<ReferrerRow>()) ??
    (await db.prepare('SELECT * FROM referrers WHERE vanity_code = ?').bind(code).first<ReferrerRow>())
  );
}

export function findReferrerByTokenHash(db: D1Database, shopId: string, tokenHash: string): Promise<ReferrerRow | null> {
  return db.prepare('SELECT * FROM referrers WHERE token_hash = ? AND shop_id = ?').bind(tokenHash, shopId).first<ReferrerRow>();
}

export function getReferrer(db: D1Database, shopId: string, id: string): Promise<ReferrerRow | null> {
  return db.prepare('SELECT * FROM referrers WHERE id = ? AND shop_id = ?').bind(id, shopId).first<ReferrerRow>();
}

export function insertReferrerStatement(db: D1Database, r: ReferrerRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO referrers (id, shop_id, code, vanity_code, token_hash, display_name, email, phone, customer_ref, status, verified_buyer, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      r.id,
      r.shop_id,
      r.code,
      r.vanity_code,
      r.token_hash,
      r.display_name,
      r.email,
      r.phone,
      r.customer_ref,
      r.status,
      r.verified_buyer,
      r.created_at,
    );
}

/** A page of the shop's referrers, newest first, after `startingAfter` (a referrer id); reads `limit` rows. */
export async function listReferrers(db: D1Database, shopId: string, page: { limit: number; startingAfter?: string }) {
  const { results } = await db
    .prepare(
      `SELECT * FROM referrers WHERE shop_id = ?1
         ${page.startingAfter ? 'AND (created_at, id) < (SELECT created_at, id FROM referrers WHERE id = ?3 AND shop_id = ?1)' : ''}
       ORDER BY created_at DESC, id DESC LIMIT ?2`,
    )
    .bind(shopId, page.limit, ...(page.startingAfter ? [page.startingAfter] : []))
    .all<ReferrerRow>();
  return results;
}

/** Whether a code is taken as anyone's code or vanity code (any case). */
export async function isCodeTaken(db: D1Database, code: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 AS x FROM referrers WHERE vanity_code = ?1 OR code = ?1').bind(code).first()) !== null;
}

export function updateContactStatement(
  db: D1Database,
  id: string,
  contact: { email: string | null; phone: string | null; displayName: string | null },
): D1PreparedStatement {
  return db
    .prepare('UPDATE referrers SET email = ?, phone = ?, display_name = ? WHERE id = ?')
    .bind(contact.email, contact.phone, contact.displayName, id);
}

/** Writes what the shop manages of a referrer: display name, vanity code, own rate, payout details. */
export function updateManagedStatement(db: D1Database, r: ReferrerRow): D1PreparedStatement {
  return db
    .prepare(
      'UPDATE referrers SET display_name = ?, vanity_code = ?, rate_bps = ?, paypal_email = ?, fps_id = ?, bank_account = ? WHERE id = ? AND shop_id = ?',
    )
    .bind(
      r.display_name,
      r.vanity_code,
      r.rate_bps ?? null,
      r.paypal_email ?? null,
      r.fps_id ?? null,
      r.bank_account ?? null,
      r.id,
      r.shop_id,
    );
}

/**
 * Deletes a referrer's identity (their right to erasure), in one batch: the row keeps only its id,
 * random code, status `blocked` (their links stop) and `deleted_at`; contact, name, customer ref,
 * token, vanity code, own rate and payout details go, and so do the browsers remembered for them.
 * The ledger, conversions, shares and clicks keep their amounts and the referrer's id, which now
 * names nobody; the landing URLs of their clicks (which may carry a vanity code) are nulled
 * with the click's other personal fields (db/retention.ts).
 */
export function anonymizeReferrerStatements(db: D1Database, shopId: string, id: string, now: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE referrers SET email = NULL, phone = NULL, display_name = NULL, customer_ref = NULL, token_hash = NULL,
                vanity_code = NULL, rate_bps = NULL, paypal_email = NULL, fps_id = NULL, bank_account = NULL,
                status = 'blocked', deleted_at = COALESCE(deleted_at, ?)
          WHERE id = ? AND shop_id = ?`,
      )
      .bind(now, id, shopId),
    db.prepare('DELETE FROM referrer_devices WHERE referrer_id = ? AND shop_id = ?').bind(id, shopId),
  ];
}

/** At most this many rows of each list go into a data export. */
export const EXPORT_ROWS = 10_000;

/** Everything kept about one referrer, for their data export (each list bounded by EXPORT_ROWS). */
export async function referrerData(db: D1Database, referrerId: string) {
  const [devices, shares, clicks, conversions, ledger, payouts] = await db.batch([
    db.prepare('SELECT count(*) AS n FROM referrer_devices WHERE referrer_id = ?').bind(referrerId),
    db
      .prepare('SELECT channel, sku, created_at FROM shares WHERE referrer_id = ? ORDER BY created_at LIMIT ?')
      .bind(referrerId, EXPORT_ROWS),
    db
      .prepare(
        `SELECT created_at / 86400000 AS day, channel, count(*) AS clicks FROM clicks WHERE referrer_id = ?
          GROUP BY day, channel ORDER BY day, channel LIMIT ?`,
      )
      .bind(referrerId, EXPORT_ROWS),
    db
      .prepare(
        `SELECT id, created_at, amount_minor, currency, source, commission_minor, commission_status FROM conversions
          WHERE referrer_id = ? ORDER BY created_at LIMIT ?`,
      )
      .bind(referrerId, EXPORT_ROWS),
    db
      .prepare(
        `SELECT id, type, bucket, amount_minor, currency, conversion_id, payout_id, created_at FROM ledger_entries
          WHERE referrer_id = ? ORDER BY seq LIMIT ?`,
      )
      .bind(referrerId, EXPORT_ROWS),
    db
      .prepare('SELECT id, amount_minor, currency, created_at FROM payouts WHERE referrer_id = ? ORDER BY created_at LIMIT ?')
      .bind(referrerId, EXPORT_ROWS),
  ]);
  return {
    devices: (devices!.results[0] as { n: number }).n,
    shares: shares!.results as Array<{ channel: string; sku: string | null; created_at: number }>,
    clicks: clicks!.results as Array<{ day: number; channel: string; clicks: number }>,
    conversions: conversions!.results as Array<{
      id: string;
      created_at: number;
      amount_minor: number;
      currency: string;
      source: string;
      commission_minor: number;
      commission_status: string;
    }>,
    ledger: ledger!.results as Array<{
      id: string;
      type: string;
      bucket: string;
      amount_minor: number;
      currency: string;
      conversion_id: string | null;
      payout_id: string | null;
      created_at: number;
    }>,
    payouts: payouts!.results as Array<{ id: string; amount_minor: number; currency: string; created_at: number }>,
  };
}

export async function setReferrerStatus(db: D1Database, id: string, status: ReferrerRow['status']): Promise<void> {
  await db.prepare('UPDATE referrers SET status = ? WHERE id = ?').bind(status, id).run();
}

/** A referrer's shares, clicks (D1's and the shop object's `pending`, each once) and orders. */
export async function referrerCounts(db: D1Database, referrerId: string, pending: readonly PendingClick[]) {
  return (
    (await db
      .prepare(
        `WITH ${pendingClicks(2)}
         SELECT (SELECT count(*) FROM shares WHERE referrer_id = ?1) AS shares,
                (SELECT count(*) FROM clicks WHERE referrer_id = ?1)
                  + (SELECT count(*) FROM pending WHERE referrer_id = ?1) AS clicks,
                (SELECT count(*) FROM conversions WHERE referrer_id = ?1) AS orders`,
      )
      .bind(referrerId, JSON.stringify(pending))
      .first<{ shares: number; clicks: number; orders: number }>()) ?? { shares: 0, clicks: 0, orders: 0 }
  );
}

/** Devices kept per referrer for self-referral checks (the most recent ones count). */
export const MAX_REFERRER_DEVICES = 20;

/**
 * Remembers that the referrer used this browser (its SDK visitor id, as a salted hash): an order
 * from it through the referrer's own link is self-referral. A repeat is a no-op.
 */
export function referrerDeviceStatement(
  db: D1Database,
  device: { referrerId: string; shopId: string; visitorHash: string; now: number },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO referrer_devices (referrer_id, visitor_hash, shop_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (referrer_id, visitor_hash) DO NOTHING`,
    )
    .bind(device.referrerId, device.visitorHash, device.shopId, device.now);
}

/** A referrer row with the visitor hashes of its most recent devices (JSON array). */
export type ReferrerWithDevices = ReferrerRow & { devices: string };

/**
 * Referrers of a shop by id, code or vanity code (any case), with their devices, in one query.
 * Each lookup goes through its unique index; the shop is checked on the rows found (`+` keeps
 * SQLite from driving the query by the shop index instead, which read every referrer of the shop
 * for each lookup — also for a code that does not exist).
 */
export async function findReferrersWithDevices(
  db: D1Database,
  shopId: string,
  ids: string[],
  codes: string[],
): Promise<ReferrerWithDevices[]> {
  const { results } = await db
    .prepare(
      `SELECT r.*, (SELECT json_group_array(visitor_hash) FROM (SELECT visitor_hash FROM referrer_devices d
                     WHERE d.referrer_id = r.id ORDER BY created_at DESC LIMIT ${MAX_REFERRER_DEVICES})) AS devices
         FROM referrers r
        WHERE r.id IN (SELECT value FROM json_each(?2)
                       UNION SELECT id FROM referrers WHERE code IN (SELECT value FROM json_each(?3))
                       UNION SELECT id FROM referrers WHERE vanity_code IN (SELECT value FROM json_each(?3)))
          AND +r.shop_id = ?1`,
    )
    .bind(shopId, JSON.stringify(ids), JSON.stringify(codes))
    .all<ReferrerWithDevices>();
  return results;
}
