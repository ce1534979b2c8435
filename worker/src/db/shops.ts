/** Queries for shops, their API keys, allowed origins, commission program and products. */
import type { Program, ProductRule } from '../domain/commission.js';

export interface ShopRow {
  id: string;
  name: string;
  currency: string;
  locale: string;
  site_url: string;
  webhook_url: string | null;
  webhook_secret: string;
  /** signs buyer claim tokens (lib/claim-tokens.ts); never shown */
  claim_secret: string | null;
  disclosure_text: string | null;
  allow_browser_conversions: number;
  referrer_approval: number;
  verified_buyers_only: number;
  created_at: number;
}

export interface ProgramRow {
  shop_id: string;
  kind: 'percent' | 'flat';
  rate_bps: number;
  flat_minor: number;
  cap_minor: number | null;
  hold_days: number;
  window_days: number;
  model: 'last_click' | 'first_click';
  friend_reward_kind: 'none' | 'percent' | 'flat';
  friend_reward_value: number;
  /** days an unconfirmed browser report's held commission waits before it is voided; null: forever */
  unverified_expiry_days: number | null;
  updated_at: number;
}

export interface ProductRow {
  shop_id: string;
  sku: string;
  name: string;
  names: string;
  price_minor: number;
  currency: string;
  url: string | null;
  image_url: string | null;
  active: number;
  override_kind: 'percent' | 'flat' | null;
  override_value: number | null;
  updated_at: number;
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

export function getProgramRow(db: D1Database, shopId: string): Promise<ProgramRow | null> {
  return db.prepare('SELECT * FROM commission_programs WHERE shop_id = ?').bind(shopId).first<ProgramRow>();
}

export function toProgram(row: ProgramRow): Program {
  return {
    kind: row.kind,
    rateBps: row.rate_bps,
    flatMinor: row.flat_minor,
    capMinor: row.cap_minor,
    holdDays: row.hold_days,
    windowDays: row.window_days,
    model: row.model,
    friendRewardKind: row.friend_reward_kind,
    friendRewardValue: row.friend_reward_value,
  };
}

/** The shop's program; a shop always has one (created with the shop). */
export async function getProgram(db: D1Database, shopId: string): Promise<Program> {
  const row = await getProgramRow(db, shopId);
  if (!row) throw new Error(`shop ${shopId} has no commission program`);
  return toProgram(row);
}

export async function listProducts(db: D1Database, shopId: string, { activeOnly = false } = {}): Promise<ProductRow[]> {
  const { results } = await db
    .prepare(`SELECT * FROM products WHERE shop_id = ? ${activeOnly ? 'AND active = 1' : ''} ORDER BY sku`)
    .bind(shopId)
    .all<ProductRow>();
  return results;
}

/** The shop's products with these skus (any state), in one query; unknown skus are simply missing. */
export async function findProducts(db: D1Database, shopId: string, skus: readonly string[]): Promise<ProductRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM products WHERE shop_id = ? AND sku IN (SELECT value FROM json_each(?))')
    .bind(shopId, JSON.stringify(skus))
    .all<ProductRow>();
  return results;
}

export function toProductRule(row: ProductRow): ProductRule {
  return { sku: row.sku, overrideKind: row.override_kind, overrideValue: row.override_value };
}

export function upsertProductStatement(
  db: D1Database,
  shopId: string,
  p: {
    sku: string;
    name: string;
    names?: Record<string, string>;
    priceMinor: number;
    currency: string;
    url?: string | null;
    imageUrl?: string | null;
    active?: boolean;
    override?: { kind: 'percent' | 'flat'; value: number } | null;
  },
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO products (shop_id, sku, name, names, price_minor, currency, url, image_url, active, override_kind, override_value, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (shop_id, sku) DO UPDATE SET name = excluded.name, names = excluded.names,
         price_minor = excluded.price_minor, currency = excluded.currency, url = excluded.url,
         image_url = excluded.image_url, active = excluded.active, override_kind = excluded.override_kind,
         override_value = excluded.override_value, updated_at = excluded.updated_at`,
    )
    .bind(
      shopId,
      p.sku,
      p.name,
      JSON.stringify(p.names ?? {}),
      p.priceMinor,
      p.currency,
      p.url ?? null,
      p.imageUrl ?? null,
      p.active === false ? 0 : 1,
      p.override?.kind ?? null,
      p.override?.value ?? null,
      now,
    );
}
