/** Queries for the shop's catalogue: its commission program and its products. */
import type { Program, ProductRule } from '../domain/commission.js';

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

/** The program fields a shop sets (row form, without shop and time). */
export type ProgramFields = Omit<ProgramRow, 'shop_id' | 'updated_at'>;

/** Writes the shop's program: creates it with the shop, replaces it when the shop changes it. */
export function programStatement(db: D1Database, shopId: string, p: ProgramFields, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO commission_programs (shop_id, kind, rate_bps, flat_minor, cap_minor, hold_days, window_days, model,
         friend_reward_kind, friend_reward_value, unverified_expiry_days, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (shop_id) DO UPDATE SET kind = excluded.kind, rate_bps = excluded.rate_bps, flat_minor = excluded.flat_minor,
         cap_minor = excluded.cap_minor, hold_days = excluded.hold_days, window_days = excluded.window_days,
         model = excluded.model, friend_reward_kind = excluded.friend_reward_kind,
         friend_reward_value = excluded.friend_reward_value, unverified_expiry_days = excluded.unverified_expiry_days,
         updated_at = excluded.updated_at`,
    )
    .bind(
      shopId,
      p.kind,
      p.rate_bps,
      p.flat_minor,
      p.cap_minor,
      p.hold_days,
      p.window_days,
      p.model,
      p.friend_reward_kind,
      p.friend_reward_value,
      p.unverified_expiry_days,
      now,
    );
}

/** A page of products in sku order, after `startingAfter` (a sku); one more than `limit` tells if more follow. */
export async function listProductsPage(
  db: D1Database,
  shopId: string,
  page: { limit: number; startingAfter?: string },
): Promise<ProductRow[]> {
  const { results } = await db
    .prepare(`SELECT * FROM products WHERE shop_id = ?1 ${page.startingAfter ? 'AND sku > ?3' : ''} ORDER BY sku LIMIT ?2`)
    .bind(shopId, page.limit + 1, ...(page.startingAfter ? [page.startingAfter] : []))
    .all<ProductRow>();
  return results;
}

export function getProduct(db: D1Database, shopId: string, sku: string): Promise<ProductRow | null> {
  return db.prepare('SELECT * FROM products WHERE shop_id = ? AND sku = ?').bind(shopId, sku).first<ProductRow>();
}

/** The shop's products with these skus (any state), in one query; unknown skus are simply missing. */
export async function findProducts(db: D1Database, shopId: string, skus: readonly string[]): Promise<ProductRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM products WHERE shop_id = ? AND sku IN (SELECT value FROM json_each(?))')
    .bind(shopId, JSON.stringify(skus))
    .all<ProductRow>();
  return results;
}
