/** The commission program and the product catalogue (secret key). Prices live here, not in the page. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireKey } from '../middleware/auth.js';
import { validationHook } from '../lib/validation.js';
import { ProductInput, ProductSchema, ProgramSchema, Sku, errorResponses } from '../schemas.js';
import { getProgramRow, listProducts, toProductRule, toProgram, upsertProductStatement } from '../db/shops.js';
import type { ProgramRow } from '../db/shops.js';
import { shopObject } from '../durable/shop-object-stub.js';
import { earnPerUnit } from '../domain/commission.js';
import type { Program } from '../domain/commission.js';
import { presentProduct } from '../lib/present.js';
import { productUrlChecks, refuseBadUrls } from '../lib/url-checks.js';

export const catalog = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

async function programOf(db: D1Database, shopId: string): Promise<ProgramRow> {
  const row = await getProgramRow(db, shopId);
  if (!row) throw new Error(`shop ${shopId} has no commission program`);
  return row;
}

function presentProgram(row: ProgramRow) {
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

catalog.openapi(
  createRoute({
    method: 'get',
    path: '/program',
    tags: ['Catalog'],
    summary: 'The commission program',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    responses: {
      200: { description: 'The program.', content: { 'application/json': { schema: z.object({ program: ProgramSchema }) } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json({ program: presentProgram(await programOf(c.env.DB, c.get('shop').id)) }, 200),
);

catalog.openapi(
  createRoute({
    method: 'put',
    path: '/program',
    tags: ['Catalog'],
    summary: 'Change the commission program (applies to orders reported from now on)',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { body: { content: { 'application/json': { schema: ProgramSchema.partial() } }, required: true } },
    responses: {
      200: { description: 'The program.', content: { 'application/json': { schema: z.object({ program: ProgramSchema }) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const curRow = await programOf(c.env.DB, shop.id);
    const cur = toProgram(curRow);
    const b = c.req.valid('json');
    const unverifiedExpiryDays = b.unverifiedExpiryDays === undefined ? curRow.unverified_expiry_days : b.unverifiedExpiryDays;
    const next: Program = {
      kind: b.kind ?? cur.kind,
      rateBps: b.rateBps ?? cur.rateBps,
      flatMinor: b.flatMinor ?? cur.flatMinor,
      capMinor: b.capMinor === undefined ? cur.capMinor : b.capMinor,
      holdDays: b.holdDays ?? cur.holdDays,
      windowDays: b.windowDays ?? cur.windowDays,
      model: b.model ?? cur.model,
      friendRewardKind: b.friendReward?.kind ?? cur.friendRewardKind,
      friendRewardValue: b.friendReward?.value ?? cur.friendRewardValue,
    };
    await c.env.DB.prepare(
      `UPDATE commission_programs SET kind = ?, rate_bps = ?, flat_minor = ?, cap_minor = ?, hold_days = ?, window_days = ?,
         model = ?, friend_reward_kind = ?, friend_reward_value = ?, unverified_expiry_days = ?, updated_at = ? WHERE shop_id = ?`,
    )
      .bind(
        next.kind,
        next.rateBps,
        next.flatMinor,
        next.capMinor,
        next.holdDays,
        next.windowDays,
        next.model,
        next.friendRewardKind,
        next.friendRewardValue,
        unverifiedExpiryDays,
        c.get('now'),
        shop.id,
      )
      .run();
    await shopObject(c.env, shop.id).invalidate('program');
    return c.json({ program: presentProgram(await programOf(c.env.DB, shop.id)) }, 200);
  },
);

catalog.openapi(
  createRoute({
    method: 'get',
    path: '/products',
    tags: ['Catalog'],
    summary: 'All products with what one sale earns a referrer',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    responses: {
      200: { description: 'Products.', content: { 'application/json': { schema: z.object({ data: z.array(ProductSchema) }) } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const program = toProgram(await programOf(c.env.DB, shop.id));
    const rows = await listProducts(c.env.DB, shop.id);
    return c.json({ data: rows.map((p) => presentProduct(p, earnPerUnit(p.price_minor, program, toProductRule(p)))) }, 200);
  },
);

catalog.openapi(
  createRoute({
    method: 'put',
    path: '/products/{sku}',
    tags: ['Catalog'],
    summary: 'Create or replace a product (price, names, per-product commission override)',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: {
      params: z.object({ sku: Sku }),
      body: { content: { 'application/json': { schema: ProductInput.omit({ sku: true }) } }, required: true },
    },
    responses: {
      200: { description: 'The product.', content: { 'application/json': { schema: z.object({ product: ProductSchema }) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const { sku } = c.req.valid('param');
    const body = c.req.valid('json');
    refuseBadUrls(
      c.env,
      productUrlChecks([body], () => ''),
    );
    await upsertProductStatement(c.env.DB, shop.id, { ...body, sku, currency: shop.currency }, c.get('now')).run();
    // the conversion desk caches the catalogue: the next order must use this price and override
    await shopObject(c.env, shop.id).invalidate('products');
    const program = toProgram(await programOf(c.env.DB, shop.id));
    const row = (await listProducts(c.env.DB, shop.id)).find((p) => p.sku === sku);
    if (!row) throw new ApiError(404, 'not_found');
    return c.json({ product: presentProduct(row, earnPerUnit(row.price_minor, program, toProductRule(row))) }, 200);
  },
);
