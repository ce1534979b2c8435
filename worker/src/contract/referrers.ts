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
