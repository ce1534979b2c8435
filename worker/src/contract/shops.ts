/** Shops, their keys and allowed origins (admin token). */
import { z } from '@hono/zod-openapi';
import { Currency, LocaleSchema, Origin, WebhookUrl } from './common.js';
import { ProductInput } from './products.js';
import { ProgramSchema } from './program.js';
import { ROTATION_OVERLAP_DEFAULT_HOURS, ROTATION_OVERLAP_MAX_HOURS } from '../domain/webhooks.js';

const SiteUrl = z
  .string()
  .max(2048)
  .refine((u) => (u.startsWith('/') ? !u.startsWith('//') : /^https?:\/\//.test(u)), {
    message: 'An absolute http(s) URL, or a path on this worker (e.g. /shop/).',
  })
  .openapi({ example: 'https://shop.example.hk/' });

export const ShopCreateSchema = z
  .strictObject({
    name: z.string().min(1).max(120),
    currency: Currency,
    locale: LocaleSchema.default('en'),
    siteUrl: SiteUrl,
    allowedOrigins: z.array(Origin).max(50).default([]),
    webhookUrl: WebhookUrl.nullable().optional(),
    disclosure: z.string().max(500).nullable().optional(),
    allowBrowserConversions: z.boolean().default(false),
    referrerApproval: z.boolean().default(false),
    verifiedBuyersOnly: z.boolean().default(false),
    program: ProgramSchema.partial().optional(),
    products: z.array(ProductInput).max(1000).optional(),
  })
  .openapi('ShopCreate');
export type ShopCreate = z.infer<typeof ShopCreateSchema>;

export const ShopSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    currency: z.string(),
    locale: z.string(),
    siteUrl: z.string(),
    webhookUrl: z.string().nullable(),
    disclosure: z.string().nullable(),
    allowBrowserConversions: z.boolean(),
    referrerApproval: z.boolean(),
    verifiedBuyersOnly: z.boolean(),
    allowedOrigins: z.array(z.string()),
    consentMode: z.enum(['off', 'required']).openapi({
      description:
        'required: the script tag the dashboard shows carries data-consent="required", so the SDK stores and sends nothing before consent.',
    }),
    payoutThresholdMinor: z.number().int().openapi({ description: 'Referrers are due a payout from this available balance.' }),
    createdAt: z.number(),
  })
  .openapi('Shop');
export type Shop = z.infer<typeof ShopSchema>;

export const ShopKeysSchema = z
  .object({
    publishableKey: z.string().optional(),
    secretKey: z.string().optional().openapi({ description: 'Shown once. Store it on your server.' }),
    webhookSecret: z.string().optional().openapi({
      description: 'Signs webhook deliveries (Standard Webhooks, `whsec_…`); read it again with `GET /v1/webhooks/secret`.',
    }),
  })
  .openapi('ShopKeys');

export const ShopCreatedSchema = ShopKeysSchema.extend({ shop: ShopSchema }).openapi('ShopCreated');
export const ShopResultSchema = z.object({ shop: ShopSchema }).openapi('ShopResult');

export const KeyRotationSchema = z
  .strictObject({
    kind: z.enum(['publishable', 'secret', 'both', 'webhook']).openapi({
      description:
        '`publishable`, `secret` or `both`: the old key stops working at once. `webhook`: a new signing secret; the old one keeps signing too for `overlapHours`.',
    }),
    overlapHours: z
      .number()
      .int()
      .min(0)
      .max(ROTATION_OVERLAP_MAX_HOURS)
      .optional()
      .openapi({ description: `Only for \`webhook\` (default ${ROTATION_OVERLAP_DEFAULT_HOURS}).` }),
  })
  .openapi('KeyRotation');
export const OriginsSchema = z.strictObject({ origins: z.array(Origin).max(50) }).openapi('Origins');

/** PATCH /v1/shop: the settings a shop changes itself (secret key or its dashboard). */
export const ShopUpdateSchema = z
  .strictObject({
    name: z.string().min(1).max(120),
    locale: LocaleSchema,
    disclosure: z.string().max(500).nullable(),
    allowBrowserConversions: z.boolean(),
    referrerApproval: z.boolean(),
    verifiedBuyersOnly: z.boolean(),
    consentMode: z.enum(['off', 'required']),
    payoutThresholdMinor: z.number().int().min(0).max(1_000_000_000_000),
    allowedOrigins: z.array(Origin).max(50),
  })
  .partial()
  .openapi('ShopUpdate');
export type ShopUpdate = z.infer<typeof ShopUpdateSchema>;

/** GET and PATCH /v1/shop: the shop and the publishable key its script tag carries. */
export const OwnShopResultSchema = z
  .object({
    shop: ShopSchema,
    publishableKey: z.string().nullable().openapi({ description: 'The live publishable key (public).' }),
  })
  .openapi('OwnShopResult');
