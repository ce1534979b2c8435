/** Dashboard sign-in: dashboard tokens (revocable, shown once) and the sessions they open. */
import { z } from '@hono/zod-openapi';
import { ShopSchema } from './shops.js';

export const DashboardTokenSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    hint: z.string().openapi({ description: 'The last 4 characters of the token.' }),
    createdBy: z.enum(['admin', 'secret_key', 'session']),
    createdAt: z.number().int(),
    expiresAt: z.number().int().nullable(),
    lastUsedAt: z.number().int().nullable(),
    revokedAt: z.number().int().nullable(),
  })
  .openapi('DashboardToken');
export type DashboardToken = z.infer<typeof DashboardTokenSchema>;

export const DashboardTokenCreateSchema = z
  .strictObject({
    label: z.string().min(1).max(80).default('Dashboard'),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .openapi({ description: 'Default: never expires (revoke it instead).' }),
  })
  .openapi('DashboardTokenCreate');
export type DashboardTokenCreate = z.infer<typeof DashboardTokenCreateSchema>;

export const DashboardTokenCreatedSchema = z
  .object({
    dashboardToken: DashboardTokenSchema,
    token: z.string().openapi({ description: 'The token (`dt_…`), shown once; only its SHA-256 is kept.' }),
    signInUrl: z.string().openapi({
      description: "This worker's dashboard with the token in the URL fragment (never sent to a server): open it to sign in.",
    }),
  })
  .openapi('DashboardTokenCreated');

export const DashboardTokenResultSchema = z.object({ dashboardToken: DashboardTokenSchema }).openapi('DashboardTokenResult');

export const SessionSchema = z
  .object({
    kind: z.enum(['cookie', 'embedded']),
    expiresAt: z.number().int(),
    csrfToken: z.string().nullable().openapi({
      description:
        'Send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE of a cookie session; null for an embedded session.',
    }),
    shop: ShopSchema,
  })
  .openapi('Session');
export type Session = z.infer<typeof SessionSchema>;

export const SessionResultSchema = z.object({ session: SessionSchema }).openapi('SessionResult');

export const EmbeddedSessionSchema = z
  .object({
    sessionToken: z.string().openapi({
      description:
        "Give it to <sc-shop-dashboard session-token> on your own admin page (served from one of the shop's allowed origins); it is sent as Authorization: Bearer.",
    }),
    expiresAt: z.number().int(),
  })
  .openapi('EmbeddedSession');

/** POST /v1/sessions/embedded takes nothing (an empty object or no body). */
export const EmbeddedSessionCreateSchema = z.strictObject({}).openapi('EmbeddedSessionCreate');
