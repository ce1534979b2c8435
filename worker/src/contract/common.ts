/**
 * The pieces every public shape is built from: money, currencies, codes, channels, URLs, the error
 * envelope and the list envelope. Each public shape of the API exists once, as a zod schema in
 * `contract/`; the same schema validates requests (through @hono/zod-openapi), describes them in
 * `/openapi.json`, and its TypeScript type is inferred from it. Objects a client sends are strict: an
 * unknown field is a 400, never silently ignored.
 */
import { z } from '@hono/zod-openapi';
import { MAX_ORDER_MINOR, isCurrency } from '../domain/money.js';
import { productUrlProblem, webhookUrlProblem } from '../domain/urls.js';

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

/** Sharing channels recorded with shares and clicks. */
export const CHANNELS = [
  'native',
  'whatsapp',
  'facebook',
  'x',
  'telegram',
  'line',
  'weibo',
  'threads',
  'wechat',
  'email',
  'copy',
  'qr',
  'instagram',
  'direct',
  'other',
] as const;

export const ChannelSchema = z.enum(CHANNELS).openapi('Channel', { example: 'whatsapp' });
export type Channel = z.infer<typeof ChannelSchema>;

/** The UI locales of the widgets and the shop. */
export const LocaleSchema = z.enum(['en', 'zh-Hant-HK', 'zh-Hans']).openapi('Locale');
export type Locale = z.infer<typeof LocaleSchema>;

export const ReferralCode = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_-]+$/)
  .openapi({ example: 'maggie' });

/** The SDK's pseudonymous visitor id in a browser (sent only after consent in consent mode). */
export const VisitorId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/)
  .openapi({ description: "The SDK's visitor id in this browser (sent only after consent in consent mode)." });

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
 * shape is checked here; http: is refused outside local development per request (services/urls.ts).
 */
export const ProductUrl = urlChecked(
  productUrlProblem,
  'An absolute https URL, or a path on this worker starting with "/" (http: only in local development).',
  'https://shop.example.hk/products/oolong-250g',
);

/**
 * A shop's `webhookUrl`: an absolute https URL. Outside local development http: and non-public hosts
 * (loopback, private, link-local…) are refused per request (services/urls.ts, domain/urls.ts).
 */
export const WebhookUrl = urlChecked(
  webhookUrlProblem,
  'An absolute https URL on a public host (http: and private hosts only in local development).',
  'https://shop.example.hk/webhooks/sharecart',
);

export const Origin = HttpUrl.refine((u) => new URL(u).origin === u.replace(/\/$/, ''), {
  message: 'An origin is scheme://host[:port] with no path.',
}).transform((u) => new URL(u).origin.toLowerCase());

/** `{ error: { code, message, requestId } }`, the one error envelope of every 4xx/5xx. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string(),
      requestId: z.string(),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .openapi({ additionalProperties: true, description: 'E.g. `issues`: what failed validation, by path.' }),
    }),
  })
  .openapi('Error');
export type ApiErrorBody = z.infer<typeof ErrorSchema>;

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: 'Error (see error.code)', content: { 'application/json': { schema: ErrorSchema } } }]),
  );

/**
 * One way to page every list, as Stripe does: `limit` (1–500, default 100) and `starting_after`
 * (the id of the last item of the previous page); the answer is `{ data, has_more }`.
 */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'At most this many items (1–500, default 100).' }),
  starting_after: z
    .string()
    .max(64)
    .optional()
    .openapi({
      param: { name: 'starting_after', in: 'query' },
      description: 'The id of the last item of the previous page: this page starts after it.',
    }),
});
export type Page = z.infer<typeof PageQuery>;

/** The answer of a paged list. */
export const listOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    data: z.array(item),
    has_more: z.boolean().openapi({ description: 'Whether another page follows (ask with `starting_after`).' }),
  });

/**
 * A page from rows read with `LIMIT limit + 1`: the extra row only says that more follow.
 * @example toPage(await listX(db, { limit: q.limit + 1 }), q.limit, present)
 */
export function toPage<R, T>(rows: R[], limit: number, present: (row: R) => T): { data: T[]; has_more: boolean } {
  return { data: rows.slice(0, limit).map(present), has_more: rows.length > limit };
}
