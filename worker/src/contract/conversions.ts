/**
 * Conversions: orders reported by the shop's server (secret key, verified) or from the thank-you
 * page (publishable key, unverified, priced from the catalogue).
 */
import { z } from '@hono/zod-openapi';
import { MAX_ORDER_MINOR } from '../domain/money.js';
import { Currency, MinorAmount, ReferralCode, Sku } from './common.js';
import { MemberToken } from './teams.js';
import { BalancesSchema } from './ledger.js';

export const OrderItemSchema = z
  .strictObject({
    sku: Sku,
    quantity: z.number().int().min(1).max(10_000),
    unitPriceMinor: MinorAmount,
  })
  .openapi('OrderItem');

const MAX_ORDER = BigInt(MAX_ORDER_MINOR);

/**
 * An order's lines. Their total (Σ quantity × unitPriceMinor) is at most MAX_ORDER_MINOR, like the
 * order amount (a 400 here, never an overflow in the commission maths).
 */
export const OrderItemsSchema = z
  .array(OrderItemSchema)
  .max(500)
  .refine(
    (items) =>
      items.reduce(
        (sum, i) =>
          Number.isSafeInteger(i.quantity) && Number.isSafeInteger(i.unitPriceMinor)
            ? sum + BigInt(i.quantity) * BigInt(i.unitPriceMinor)
            : sum,
        0n,
      ) <= MAX_ORDER,
    { message: 'The items total (quantity × unitPriceMinor, summed) must be at most 10^15 minor units.' },
  );

export const ConversionReportSchema = z
  .strictObject({
    orderId: z.string().min(1).max(128).openapi({ example: 'ORDER-1001' }),
    amountMinor: MinorAmount.openapi({ description: 'What the buyer paid, in minor units.' }),
    currency: Currency,
    items: OrderItemsSchema.optional(),
    clickId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'The click id the SDK exposed (ShareCart.attribution(), sc_ref cookie, hidden field).' }),
    referralCode: ReferralCode.optional().openapi({
      description: 'A referral code from the landing URL, when no click id is known.',
    }),
    couponCode: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'A coupon the buyer typed; equal to a referrer code or vanity code, it attributes.' }),
    visitorId: z
      .string()
      .min(8)
      .max(64)
      .optional()
      .openapi({ description: 'The SDK visitor id, for first/last click across visits.' }),
    customer: z
      .strictObject({
        ref: z.string().min(1).max(128).optional(),
        email: z.string().email().max(254).optional(),
        phone: z.string().min(4).max(32).optional(),
        referrerToken: z
          .string()
          .min(8)
          .max(128)
          .optional()
          .openapi({ description: "The buyer's own referrer token, if the buyer also shares (self-referral check)." }),
      })
      .optional(),
    occurredAt: z
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({ description: 'When the order was placed (ms); defaults to now. Attribution windows are measured from it.' }),
    teamMemberToken: MemberToken.optional().openapi({
      description:
        'The buyer’s team member token (`ShareCart.team()`, the `sc_team` cookie, the `sharecart_team` field): the order bought at the team price. ' +
        'Validated (a current member of that team of this shop, a line of the team’s product at or above its checkout price, one order per membership: 404 `team_not_found` / `team_member_not_found`, 422 `team_price_not_allowed`, 409 `team_order_conflict`), and the conversion records the team.',
    }),
  })
  .openapi('ConversionReport');
export type ConversionReport = z.infer<typeof ConversionReportSchema>;

/** Lines and units a browser may report in one order (the catalogue prices them). */
export const BROWSER_MAX_LINES = 50;
export const BROWSER_MAX_QUANTITY = 99;

/** What the thank-you page may report: items are required, quantities bounded, no customer data. */
export const BrowserConversionReportSchema = ConversionReportSchema.omit({
  customer: true,
  occurredAt: true,
  items: true,
  teamMemberToken: true,
})
  .extend({
    items: z
      .array(
        OrderItemSchema.extend({
          quantity: z.number().int().min(1).max(BROWSER_MAX_QUANTITY),
          unitPriceMinor: MinorAmount.openapi({ description: 'Ignored: the catalogue prices browser reports.' }),
        }),
      )
      .min(1)
      .max(BROWSER_MAX_LINES),
  })
  .openapi('BrowserConversionReport');
export type BrowserConversionReport = z.infer<typeof BrowserConversionReportSchema>;

export const ConversionSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPriceMinor: z.number().int() })),
    referrerId: z.string().nullable(),
    clickId: z.string().nullable(),
    source: z.enum(['click', 'code', 'coupon', 'none']),
    verified: z.boolean(),
    commissionMinor: z.number().int(),
    commissionStatus: z.enum(['none', 'pending', 'on_hold']),
    teamId: z
      .string()
      .nullable()
      .openapi({ description: 'The team the order was bought in (team-buy), when it came with a member token.' }),
    explanation: z.record(z.string(), z.unknown()).openapi({
      additionalProperties: true,
      description:
        'Why it was (or was not) credited: `attribution` (the click or code and why), `commission` (the rule, the lines, the cap), `selfReferral`, `hold`, the `program` applied, `reportedAmountMinor`, `verified`.',
    }),
    createdAt: z.number().int(),
  })
  .openapi('Conversion');
export type Conversion = z.infer<typeof ConversionSchema>;

export const ConversionResultSchema = z
  .object({
    conversion: ConversionSchema,
    buyerClaimToken: z.string().openapi({
      description:
        'Give it to the thank-you page (<sc-order-tracker claim-token>) so the buyer can become a verified-buyer referrer in one tap.',
    }),
  })
  .openapi('ConversionResult');
export type ConversionResult = z.infer<typeof ConversionResultSchema>;

/** The browser's answer: enough for the thank-you page, nothing of the order's recorded data. */
export const BrowserConversionResultSchema = z
  .object({
    conversion: z.object({
      id: z.string(),
      orderId: z.string(),
      verified: z.boolean().openapi({ description: "True once the shop's server reported the order." }),
      recorded: z.enum(['created', 'replayed', 'unchanged']).openapi({
        description: '`unchanged`: the order was already recorded (by the shop or another report); nothing changed.',
      }),
    }),
    buyerClaimToken: z.string().optional().openapi({
      description:
        'Only for the browser whose report recorded the order: lets the buyer become a (not verified) referrer in one tap.',
    }),
  })
  .openapi('BrowserConversionResult');
export type BrowserConversionResult = z.infer<typeof BrowserConversionResultSchema>;

export const HoldReleasedSchema = z.object({ conversionId: z.string(), balances: BalancesSchema }).openapi('HoldReleased');
