/**
 * Request and response schemas. The same zod objects validate requests (through
 * @hono/zod-openapi) and generate /openapi.json, so the reference cannot drift from the code.
 * Objects are strict: an unknown field is a 400, never silently ignored.
 */
import { z } from '@hono/zod-openapi';
import { CHANNELS } from './wire.js';
import { MAX_ORDER_MINOR, isCurrency } from './domain/money.js';
import { productUrlProblem, webhookUrlProblem } from './domain/urls.js';

/** A non-negative integer in minor units, at most MAX_ORDER_MINOR (10^15). Floats and strings are refused. */
export const MinorAmount = z.number().int().min(0).max(MAX_ORDER_MINOR).openapi({
  description: 'Integer amount in minor units of the currency (HKD cents, JPY yen, KWD fils), at most 10^15.',
  example: 16800,
});

export const PositiveMinorAmount = MinorAmount.min(1);

export const Currency = z
  .string()
  .length(3)
  .refine((c) => isCurrency(c), { message: 'Not an ISO-4217 currency code (upper case, e.g. HKD).' })
  .openapi({ description: 'ISO-4217 code, upper case.', example: 'HKD' });

export const Sku = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
  .openapi({ example: 'oolong-250g' });
export const ChannelSchema = z.enum(CHANNELS as unknown as [string, ...string[]]).openapi({ example: 'whatsapp' });
export const ReferralCode = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_-]+$/)
  .openapi({ example: 'maggie' });
export const HttpUrl = z
  .string()
  .max(2048)
  .refine(
    (u) => {
      try {
        const p = new URL(u).protocol;
        return p === 'http:' || p === 'https:';
      } catch {
        return false;
      }
    },
    { message: 'Must be an absolute http(s) URL.' },
  );
/** A URL string checked by one of the rules of domain/urls.ts (in its local-development form). */
const urlChecked = (problem: (url: string, env: { local: boolean }) => string | null, description: string, example: string) =>
  z
    .string()
    .max(2048)
    .superRefine((u, ctx) => {
      const found = problem(u, { local: true });
      if (found) ctx.addIssue({ code: 'custom', message: found });
    })
    .openapi({ description, example });

/**
 * A product's `url` or `imageUrl`: an absolute https URL or a path on this worker ("/shop/…"). The
 * shape is checked here; http: is refused outside local development per request (lib/url-checks.ts).
 */
export const ProductUrl = urlChecked(
  productUrlProblem,
  'An absolute https URL, or a path on this worker starting with "/" (http: only in local development).',
  'https://shop.example.hk/products/oolong-250g',
);

/**
 * A shop's `webhookUrl`: an absolute https URL. Outside local development http: and non-public hosts
 * (loopback, private, link-local…) are refused per request (lib/url-checks.ts, domain/urls.ts).
 */
export const WebhookUrl = urlChecked(
  webhookUrlProblem,
  'An absolute https URL on a public host (http: and private hosts only in local development).',
  'https://shop.example.hk/webhooks/sharecart',
);

export const Origin = HttpUrl.refine((u) => new URL(u).origin === u.replace(/\/$/, ''), {
  message: 'An origin is scheme://host[:port] with no path.',
}).transform((u) => new URL(u).origin.toLowerCase());

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: 'Error (see error.code)', content: { 'application/json': { schema: ErrorSchema } } }]),
  );

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

export const ProgramSchema = z
  .strictObject({
    kind: z.enum(['percent', 'flat']),
    rateBps: z.number().int().min(0).max(10_000).openapi({ description: 'Commission in basis points (1000 = 10%).' }),
    flatMinor: MinorAmount,
    capMinor: MinorAmount.nullable(),
    holdDays: z.number().int().min(0).max(365),
    windowDays: z.number().int().min(1).max(365),
    model: z.enum(['last_click', 'first_click']),
    friendReward: z.strictObject({
      kind: z.enum(['none', 'percent', 'flat']),
      value: MinorAmount.openapi({ description: 'Basis points for percent (at most 10000), minor units for flat.' }),
    }),
    unverifiedExpiryDays: z.number().int().min(1).max(365).nullable().openapi({
      description:
        "Days a browser-reported order's held commission waits for the shop's server report or approval before it is voided; null waits forever.",
    }),
  })
  .openapi('Program');

export const ProductInput = z
  .strictObject({
    sku: Sku,
    name: z.string().min(1).max(200),
    names: z.partialRecord(z.enum(['en', 'zh-Hant-HK', 'zh-Hans']), z.string().max(200)).optional(),
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
    earnMinor: z.number().int(),
  })
  .openapi('Product');

export const ReferrerSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    vanityCode: z.string().nullable(),
    displayName: z.string().nullable(),
    status: z.enum(['active', 'pending', 'blocked']),
    verifiedBuyer: z.boolean(),
    claimed: z.boolean(),
    shortLink: z.string(),
  })
  .openapi('Referrer');

export const BalancesSchema = z
  .object({
    currency: z.string(),
    onHold: z.number().int(),
    pending: z.number().int(),
    available: z.number().int(),
    paid: z.number().int(),
  })
  .openapi('Balances');

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
    explanation: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Why it was (or was not) credited: the click, the rule, the amounts.' }),
    createdAt: z.number().int(),
  })
  .openapi('Conversion');

export const LedgerEntrySchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    referrerId: z.string(),
    txnId: z.string(),
    type: z.enum(['commission', 'release', 'approve', 'void', 'reversal', 'clawback', 'payout']),
    bucket: z.enum(['on_hold', 'pending', 'available', 'paid']),
    amountMinor: z.number().int(),
    currency: z.string(),
    conversionId: z.string().nullable(),
    refundId: z.string().nullable(),
    payoutId: z.string().nullable(),
    availableAt: z.number().int().nullable(),
    reason: z.string().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('LedgerEntry');

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  before: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'before', in: 'query' }, description: 'Cursor from the previous page.' }),
});
