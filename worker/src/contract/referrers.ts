/** Referrers: the people who share — created anonymously in the browser or as KOLs by the shop. */
import { z } from '@hono/zod-openapi';
import { ReferralCode, VisitorId } from './common.js';
import { BalancesSchema } from './ledger.js';

export const ReferrerSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    vanityCode: z.string().nullable(),
    displayName: z.string().nullable(),
    status: z.enum(['active', 'pending', 'blocked']),
    verifiedBuyer: z.boolean(),
    claimed: z.boolean(),
    shortLink: z.string().openapi({ description: "The worker's short link, e.g. https://…/r/AbC123xy" }),
  })
  .openapi('Referrer');
/** A referrer as the browser and the referrer see it. */
export type ReferrerPublic = z.infer<typeof ReferrerSchema>;

/** A referrer as the shop sees it (secret key): with contact and customer id. */
export const ManagedReferrerSchema = ReferrerSchema.extend({
  email: z.string().nullable(),
  phone: z.string().nullable(),
  customerRef: z.string().nullable(),
  rateBps: z
    .number()
    .int()
    .nullable()
    .openapi({ description: "The referrer's own commission rate (replaces the program's base rule)." }),
  payout: z.object({ paypalEmail: z.string().nullable(), fpsId: z.string().nullable(), bankAccount: z.string().nullable() }),
  deletedAt: z
    .number()
    .nullable()
    .openapi({ description: 'When the referrer deleted their identity (the row keeps no personal data).' }),
  createdAt: z.number(),
}).openapi('ManagedReferrer');
export type ManagedReferrer = z.infer<typeof ManagedReferrerSchema>;

export const ReferrerCreateSchema = z
  .strictObject({
    displayName: z.string().min(1).max(80).optional(),
    email: z.string().email().max(254).optional(),
    claimToken: z
      .string()
      .min(8)
      .max(128)
      .optional()
      .openapi({ description: 'A buyer claim token from a reported order: makes a verified-buyer referrer.' }),
    vanityCode: ReferralCode.optional().openapi({ description: 'Secret key only: a KOL code such as "maggie".' }),
    phone: z.string().min(4).max(32).optional().openapi({ description: 'Secret key only.' }),
    customerRef: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "Secret key only: the shop's customer id, for self-referral checks." }),
    status: z.enum(['active', 'pending', 'blocked']).optional().openapi({ description: 'Secret key only.' }),
    visitorId: VisitorId.optional().openapi({
      description: "This browser's SDK visitor id: orders from it through this referrer's link are self-referral.",
    }),
  })
  .openapi('ReferrerCreate');
export type ReferrerCreate = z.infer<typeof ReferrerCreateSchema>;

export const ReferrerCreatedSchema = z
  .object({
    referrer: ReferrerSchema,
    token: z.string().openapi({ description: 'Bearer token of the referrer (`rt_…`), shown once; the browser keeps it.' }),
  })
  .openapi('ReferrerCreated');
export type ReferrerCreated = z.infer<typeof ReferrerCreatedSchema>;

export const ReferrerStatsSchema = z
  .object({
    referrer: ReferrerSchema,
    stats: z.object({ shares: z.number(), clicks: z.number(), orders: z.number() }),
    balances: BalancesSchema,
    recentConversions: z.array(
      z.object({
        id: z.string(),
        createdAt: z.number(),
        amountMinor: z.number(),
        currency: z.string(),
        commissionMinor: z.number(),
        commissionStatus: z.enum(['none', 'pending', 'on_hold']),
      }),
    ),
  })
  .openapi('ReferrerStats');
export type ReferrerStats = z.infer<typeof ReferrerStatsSchema>;

export const ReferrerClaimSchema = z
  .strictObject({
    email: z.string().email().max(254).optional(),
    phone: z.string().min(4).max(32).optional(),
    displayName: z.string().min(1).max(80).optional(),
    visitorId: VisitorId.optional(),
  })
  .refine((b) => b.email || b.phone, { message: 'Give an email or a phone number.' })
  .openapi('ReferrerClaim');
export type ReferrerClaim = z.infer<typeof ReferrerClaimSchema>;

export const ReferrerResultSchema = z.object({ referrer: ReferrerSchema }).openapi('ReferrerResult');

/** The referrer's own requests carry its token. */
export const ReferrerTokenHeader = z.object({
  'x-referrer-token': z.string().min(8).max(128).openapi({ description: 'The referrer token (rt_…).' }),
});

/** PATCH /v1/referrers/{id}: a KOL's vanity code and own rate, and how the referrer is paid. */
export const ReferrerUpdateSchema = z
  .strictObject({
    displayName: z.string().min(1).max(80).nullable(),
    vanityCode: ReferralCode.nullable(),
    rateBps: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .nullable()
      .openapi({ description: "Basis points; null returns the referrer to the program's rule." }),
    paypalEmail: z.string().email().max(254).nullable(),
    fpsId: z.string().min(1).max(64).nullable().openapi({ description: 'FPS ID, or the phone or e-mail registered with FPS.' }),
    bankAccount: z.string().min(1).max(64).nullable(),
  })
  .partial()
  .openapi('ReferrerUpdate');
export type ReferrerUpdate = z.infer<typeof ReferrerUpdateSchema>;

export const ManagedReferrerResultSchema = z.object({ referrer: ManagedReferrerSchema }).openapi('ManagedReferrerResult');

/** Everything ShareCart keeps about one referrer (their data export). */
export const ReferrerExportSchema = z
  .object({
    exportedAt: z.number().int(),
    shop: z.object({ id: z.string(), name: z.string() }),
    referrer: z.object({
      id: z.string(),
      code: z.string(),
      vanityCode: z.string().nullable(),
      displayName: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      customerRef: z.string().nullable(),
      status: z.string(),
      verifiedBuyer: z.boolean(),
      rateBps: z.number().int().nullable(),
      payout: z.object({ paypalEmail: z.string().nullable(), fpsId: z.string().nullable(), bankAccount: z.string().nullable() }),
      createdAt: z.number().int(),
      deletedAt: z.number().int().nullable(),
    }),
    devices: z
      .number()
      .int()
      .openapi({ description: 'Browsers remembered for self-referral checks (kept only as salted hashes).' }),
    shares: z.array(z.object({ channel: z.string(), sku: z.string().nullable(), createdAt: z.number().int() })),
    clicksByDay: z.array(z.object({ date: z.string(), channel: z.string(), clicks: z.number().int() })),
    conversions: z.array(
      z.object({
        id: z.string(),
        createdAt: z.number().int(),
        amountMinor: z.number().int(),
        currency: z.string(),
        source: z.string(),
        commissionMinor: z.number().int(),
        commissionStatus: z.string(),
      }),
    ),
    ledger: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        bucket: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        conversionId: z.string().nullable(),
        payoutId: z.string().nullable(),
        createdAt: z.number().int(),
      }),
    ),
    payouts: z.array(
      z.object({ id: z.string(), amountMinor: z.number().int(), currency: z.string(), createdAt: z.number().int() }),
    ),
    truncated: z.boolean().openapi({ description: 'A list reached 10,000 rows; the ledger sums stay exact.' }),
  })
  .openapi('ReferrerExport');
export type ReferrerExport = z.infer<typeof ReferrerExportSchema>;

export const ReferrerDeletedSchema = z
  .object({ referrer: z.object({ id: z.string(), deletedAt: z.number().int() }) })
  .openapi('ReferrerDeleted');

/** Deleting an identity cannot be undone: the request says so explicitly. */
export const ReferrerDeleteSchema = z
  .strictObject({ confirm: z.literal('delete').openapi({ description: 'Must be "delete".' }) })
  .openapi('ReferrerDelete');
