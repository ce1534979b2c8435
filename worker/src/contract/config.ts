/** GET /v1/config: what the widgets render. Amounts are computed server-side. */
import { z } from '@hono/zod-openapi';
import { LocaleSchema } from './common.js';
import { ProductSchema } from './products.js';

/** A product as the widgets see it: the catalogue's product without its commission settings. */
export const ProductConfigSchema = ProductSchema.omit({ active: true, override: true }).openapi('ProductConfig');
export type ProductConfig = z.infer<typeof ProductConfigSchema>;

export const ShopConfigSchema = z
  .object({
    shop: z.object({
      id: z.string(),
      name: z.string(),
      currency: z.string(),
      currencyExponent: z
        .number()
        .int()
        .openapi({ description: '10^exponent minor units make one major unit (HKD 2, JPY 0, KWD 3).' }),
      locale: LocaleSchema,
      disclosure: z.string().nullable(),
      allowBrowserConversions: z.boolean(),
      referrerApproval: z.boolean(),
    }),
    program: z.object({
      kind: z.enum(['percent', 'flat']),
      rateBps: z.number().int(),
      flatMinor: z.number().int(),
      capMinor: z.number().int().nullable(),
      holdDays: z.number().int(),
      windowDays: z.number().int(),
      friendReward: z.object({ kind: z.enum(['none', 'percent', 'flat']), value: z.number().int() }),
    }),
    products: z.array(ProductConfigSchema),
  })
  .openapi('ShopConfig');
export type ShopConfig = z.infer<typeof ShopConfigSchema>;
