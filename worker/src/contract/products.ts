/** The catalogue: prices and per-product commission overrides, decided server-side. */
import { z } from '@hono/zod-openapi';
import { LocaleSchema, MinorAmount, ProductUrl, Sku } from './common.js';

export const ProductInput = z
  .strictObject({
    sku: Sku,
    name: z.string().min(1).max(200),
    names: z.partialRecord(LocaleSchema, z.string().max(200)).optional(),
    priceMinor: MinorAmount,
    url: ProductUrl.nullable().optional(),
    imageUrl: ProductUrl.nullable().optional(),
    active: z.boolean().optional(),
    override: z
      .strictObject({
        kind: z.enum(['percent', 'flat']),
        value: MinorAmount.openapi({
          description: 'Basis points for percent (at most 10000 = 100 %), minor units per unit for flat.',
        }),
      })
      .refine((o) => o.kind !== 'percent' || o.value <= 10_000, {
        message: 'A percent override is at most 10000 basis points.',
        path: ['value'],
      })
      .nullable()
      .optional(),
  })
  .openapi('ProductInput');
export type ProductInputBody = z.infer<typeof ProductInput>;

/** PUT /v1/products/{sku}: the product without its sku (the path names it). */
export const ProductUpdateSchema = ProductInput.omit({ sku: true }).openapi('ProductUpdate');

export const ProductSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    names: z.record(z.string(), z.string()),
    priceMinor: z.number().int(),
    currency: z.string(),
    url: z.string().nullable(),
    imageUrl: z.string().nullable(),
    active: z.boolean(),
    override: z.object({ kind: z.enum(['percent', 'flat']), value: z.number().int() }).nullable(),
    earnMinor: z.number().int().openapi({ description: 'What one unit sold at list price earns a referrer.' }),
  })
  .openapi('Product');
export type Product = z.infer<typeof ProductSchema>;
