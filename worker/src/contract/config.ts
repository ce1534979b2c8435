/** GET /v1/config: what the widgets render. Amounts are computed server-side. */
import { z } from '@hono/zod-openapi';
import { LocaleSchema } from './common.js';

export const ProductConfigSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    names: z.record(z.string(), z.string()),
    priceMinor: z.number().int(),
    currency: z.string(),
    url: z.string().nullable(),
    imageUrl: z.string().nullable(),
    earnMinor: z.number().int().openapi({ description: 'What a referrer earns when a friend buys one unit at list price.' }),
  })
  .openapi('ProductConfig');
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
