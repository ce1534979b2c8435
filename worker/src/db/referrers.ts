/** Queries for referrers: the people who share. */
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

export async function setReferrerStatus(db: D1Database, id: string, status: ReferrerRow['status']): Promise<void> {
  await db.prepare('UPDATE referrers SET status = ? WHERE id = ?').bind(status, id).run();
}

/** A referrer's shares, clicks (flushed to D1) and orders. */
export async function referrerCounts(db: D1Database, referrerId: string) {
  return (
    (await db
      .prepare(
        `SELECT (SELECT count(*) FROM shares WHERE referrer_id = ?1) AS shares,
                (SELECT count(*) FROM clicks WHERE referrer_id = ?1) AS clicks,
                (SELECT count(*) FROM conversions WHERE referrer_id = ?1) AS orders`,
      )
      .bind(referrerId)
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
