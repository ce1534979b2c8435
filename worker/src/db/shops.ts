/** Queries for shops, their API keys and allowed origins. */

export interface ShopRow {
  id: string;
  name: string;
  currency: string;
  locale: string;
  site_url: string;
  webhook_url: string | null;
  /** `whsec_` + base64 (Standard Webhooks); the previous one signs too until `webhook_secret_previous_until` */
  webhook_secret: string;
  webhook_secret_previous?: string | null;
  webhook_secret_previous_until?: number | null;
  /** signs buyer claim tokens (lib/claim-tokens.ts); never shown */
  claim_secret: string | null;
  disclosure_text: string | null;
  allow_browser_conversions: number;
  referrer_approval: number;
  verified_buyers_only: number;
  created_at: number;
  /** 'required': the dashboard's script tag carries data-consent="required" (migration 0008) */
  consent_mode?: 'off' | 'required';
  /** referrers are due a payout from this available balance (migration 0008) */
  payout_threshold_minor?: number;
}

export interface KeyRow {
  id: string;
  shop_id: string;
  kind: 'publishable' | 'secret';
  lookup: string;
  hint: string;
  created_at: number;
  revoked_at: number | null;
}

/** Finds a live (not revoked) key by its lookup value, with its shop. */
export async function findLiveKey(db: D1Database, lookup: string): Promise<(KeyRow & { shop: ShopRow }) | null> {
  const row = await db
    .prepare(
      `SELECT k.id AS key_id, k.kind AS key_kind, k.lookup, k.hint, k.revoked_at, s.*
         FROM api_keys k JOIN shops s ON s.id = k.shop_id
        WHERE k.lookup = ? AND k.revoked_at IS NULL`,
    )
    .bind(lookup)
    .first<
      ShopRow & { key_id: string; key_kind: 'publishable' | 'secret'; lookup: string; hint: string; revoked_at: number | null }
    >();
  if (!row) return null;
  const { key_id, key_kind, lookup: l, hint, revoked_at, ...shop } = row;
  return { id: key_id, shop_id: shop.id, kind: key_kind, lookup: l, hint, created_at: 0, revoked_at, shop };
}

export function getShop(db: D1Database, shopId: string): Promise<ShopRow | null> {
  return db.prepare('SELECT * FROM shops WHERE id = ?').bind(shopId).first<ShopRow>();
}

export async function isOriginAllowed(db: D1Database, shopId: string, origin: string): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 AS ok FROM allowed_origins WHERE shop_id = ? AND origin = ?')
    .bind(shopId, origin.toLowerCase())
    .first<{ ok: number }>();
  return row !== null;
}

/** Is the origin allowed for any shop? Used only to answer CORS preflights. */
export async function isOriginKnown(db: D1Database, origin: string): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 AS ok FROM allowed_origins WHERE origin = ? LIMIT 1')
    .bind(origin.toLowerCase())
    .first<{ ok: number }>();
  return row !== null;
}

export async function listOrigins(db: D1Database, shopId: string): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT origin FROM allowed_origins WHERE shop_id = ? ORDER BY origin')
    .bind(shopId)
    .all<{ origin: string }>();
  return results.map((r) => r.origin);
}

export function insertShopStatement(db: D1Database, shop: ShopRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO shops (id, name, currency, locale, site_url, webhook_url, webhook_secret, disclosure_text,
         allow_browser_conversions, referrer_approval, verified_buyers_only, created_at, claim_secret)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      shop.id,
      shop.name,
      shop.currency,
      shop.locale,
      shop.site_url,
      shop.webhook_url,
      shop.webhook_secret,
      shop.disclosure_text,
      shop.allow_browser_conversions,
      shop.referrer_approval,
      shop.verified_buyers_only,
      shop.created_at,
      shop.claim_secret,
    );
}

/** Revokes the shop's live key of `kind` and inserts the new one (its lookup: pk itself, or sha256 of sk). */
export function replaceKeyStatements(
  db: D1Database,
  key: { id: string; shopId: string; kind: 'publishable' | 'secret'; lookup: string; hint: string; now: number },
): D1PreparedStatement[] {
  return [
    db
      .prepare('UPDATE api_keys SET revoked_at = ? WHERE shop_id = ? AND kind = ? AND revoked_at IS NULL')
      .bind(key.now, key.shopId, key.kind),
    db
      .prepare('INSERT INTO api_keys (id, shop_id, kind, lookup, hint, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(key.id, key.shopId, key.kind, key.lookup, key.hint, key.now),
  ];
}

/** The shop's allowed origins become exactly `origins`. */
export function replaceOriginsStatements(
  db: D1Database,
  shopId: string,
  origins: string[],
  replace = true,
): D1PreparedStatement[] {
  return [
    ...(replace ? [db.prepare('DELETE FROM allowed_origins WHERE shop_id = ?').bind(shopId)] : []),
    ...origins.map((o) => db.prepare('INSERT OR IGNORE INTO allowed_origins (shop_id, origin) VALUES (?, ?)').bind(shopId, o)),
  ];
}

/** The settings a shop changes itself (PATCH /v1/shop), as columns; only the given ones change. */
export interface ShopSettingsChange {
  name?: string;
  locale?: string;
  disclosure_text?: string | null;
  allow_browser_conversions?: number;
  referrer_approval?: number;
  verified_buyers_only?: number;
  consent_mode?: 'off' | 'required';
  payout_threshold_minor?: number;
}

const SETTINGS_COLUMNS: ReadonlyArray<keyof ShopSettingsChange> = [
  'name',
  'locale',
  'disclosure_text',
  'allow_browser_conversions',
  'referrer_approval',
  'verified_buyers_only',
  'consent_mode',
  'payout_threshold_minor',
];

/** The UPDATE of the given settings, or null when none is given. */
export function updateShopSettingsStatement(
  db: D1Database,
  shopId: string,
  change: ShopSettingsChange,
): D1PreparedStatement | null {
  const columns = SETTINGS_COLUMNS.filter((k) => change[k] !== undefined);
  if (columns.length === 0) return null;
  return db
    .prepare(`UPDATE shops SET ${columns.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`)
    .bind(...columns.map((k) => change[k] as string | number | null), shopId);
}

/** The shop's live publishable key (public: it goes in the script tag), or null. */
export async function livePublishableKey(db: D1Database, shopId: string): Promise<string | null> {
  const row = await db
    .prepare(
      "SELECT lookup FROM api_keys WHERE shop_id = ? AND kind = 'publishable' AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(shopId)
    .first<{ lookup: string }>();
  return row?.lookup ?? null;
}
