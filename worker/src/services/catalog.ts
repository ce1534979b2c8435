/**
 * The catalogue (secret key): the commission program and the products. Prices and commission
 * rules live here, never in the page; a change reaches the shop's object at once (its caches are
 * told), so the next order uses it.
 */
import type { Bindings } from '../app-env.js';
import type { Product, ProductInputBody } from '../contract/products.js';
import type { ProgramBody, ProgramUpdate } from '../contract/program.js';
import { toPage, type Page } from '../contract/common.js';
import { ApiError } from '../errors.js';
import type { ShopRow } from '../db/shops.js';
import type { ProductRow, ProgramFields, ProgramRow } from '../db/catalog.js';
import {
  getProduct,
  getProgramRow,
  listProductsPage,
  toProductRule,
  toProgram,
  programStatement,
  upsertProductStatement,
} from '../db/catalog.js';
import { earnPerUnit } from '../domain/commission.js';
import type { Program } from '../domain/commission.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { productUrlChecks, refuseBadUrls } from './urls.js';

export async function programRowOf(db: D1Database, shopId: string): Promise<ProgramRow> {
  const row = await getProgramRow(db, shopId);
  if (!row) throw new Error(`shop ${shopId} has no commission program`);
  return row;
}

export function presentProgram(row: ProgramRow): ProgramBody {
  const p = toProgram(row);
  return {
    kind: p.kind,
    rateBps: p.rateBps,
    flatMinor: p.flatMinor,
    capMinor: p.capMinor,
    holdDays: p.holdDays,
    windowDays: p.windowDays,
    model: p.model,
    friendReward: { kind: p.friendRewardKind, value: p.friendRewardValue },
    unverifiedExpiryDays: row.unverified_expiry_days,
  };
}

export function presentProduct(p: ProductRow, program: Program): Product {
  return {
    sku: p.sku,
    name: p.name,
    names: JSON.parse(p.names) as Record<string, string>,
    priceMinor: p.price_minor,
    currency: p.currency,
    url: p.url,
    imageUrl: p.image_url,
    active: p.active === 1,
    override: p.override_kind ? { kind: p.override_kind, value: p.override_value ?? 0 } : null,
    earnMinor: earnPerUnit(p.price_minor, program, toProductRule(p)),
  };
}

export async function readProgram(db: D1Database, shopId: string) {
  return { program: presentProgram(await programRowOf(db, shopId)) };
}

/** Changes the program; it applies to orders reported from now on. */
export async function changeProgram(env: Bindings, shopId: string, b: ProgramUpdate, now: number) {
  const cur = await programRowOf(env.DB, shopId);
  const next: ProgramFields = {
    kind: b.kind ?? cur.kind,
    rate_bps: b.rateBps ?? cur.rate_bps,
    flat_minor: b.flatMinor ?? cur.flat_minor,
    cap_minor: b.capMinor === undefined ? cur.cap_minor : b.capMinor,
    hold_days: b.holdDays ?? cur.hold_days,
    window_days: b.windowDays ?? cur.window_days,
    model: b.model ?? cur.model,
    friend_reward_kind: b.friendReward?.kind ?? cur.friend_reward_kind,
    friend_reward_value: b.friendReward?.value ?? cur.friend_reward_value,
    unverified_expiry_days: b.unverifiedExpiryDays === undefined ? cur.unverified_expiry_days : b.unverifiedExpiryDays,
  };
  await programStatement(env.DB, shopId, next, now).run();
  await shopObject(env, shopId).invalidate('program');
  return readProgram(env.DB, shopId);
}

export async function listProducts(db: D1Database, shopId: string, page: Page) {
  const program = toProgram(await programRowOf(db, shopId));
  const rows = await listProductsPage(db, shopId, { limit: page.limit, startingAfter: page.starting_after });
  return toPage(rows, page.limit, (p) => presentProduct(p, program));
}

/** Creates or replaces a product (price, names, per-product override). */
export async function putProduct(env: Bindings, shop: ShopRow, sku: string, body: Omit<ProductInputBody, 'sku'>, now: number) {
  refuseBadUrls(
    env,
    productUrlChecks([body], () => ''),
  );
  await upsertProductStatement(env.DB, shop.id, { ...body, sku, currency: shop.currency }, now).run();
  // the shop's object caches products: the next order must use this price and override
  await shopObject(env, shop.id).invalidate('products');
  const row = await getProduct(env.DB, shop.id, sku);
  if (!row) throw new ApiError(404, 'not_found');
  return { product: presentProduct(row, toProgram(await programRowOf(env.DB, shop.id))) };
}
