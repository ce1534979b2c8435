/** The shop's webhook endpoint, its signing secret, and its deliveries (secret key; the dashboard too, but for the secret; the URL also by admin). */
import { z } from '@hono/zod-openapi';
import { PageQuery, WebhookUrl, listOf } from './common.js';
import { WebhookEventSchema } from './events.js';
import { ROTATION_OVERLAP_DEFAULT_HOURS, ROTATION_OVERLAP_MAX_HOURS, WEBHOOK_EVENT_TYPES } from '../domain/webhooks.js';

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).openapi('WebhookEventType');

export const WebhookEndpointSchema = z
  .object({
    url: z.string().nullable().openapi({ description: 'Where events are delivered; null: nowhere (events are kept 3 days).' }),
    previousSecretExpiresAt: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'After a rotation: until when the previous secret signs too (a second `v1,` signature).' }),
    eventTypes: z.array(WebhookEventTypeSchema).openapi({ description: 'The events this worker sends.' }),
  })
  .openapi('WebhookEndpoint');
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const WebhookEndpointUpdateSchema = z
  .strictObject({
    url: WebhookUrl.nullable().openapi({
      description:
        'An https URL on a public host (http: and private hosts only in local development), or null to stop deliveries. Pending events are tried again at once.',
    }),
  })
  .openapi('WebhookEndpointUpdate');

export const WebhookSecretRotationSchema = z
  .strictObject({
    overlapHours: z
      .number()
      .int()
      .min(0)
      .max(ROTATION_OVERLAP_MAX_HOURS)
      .default(ROTATION_OVERLAP_DEFAULT_HOURS)
      .openapi({
        description: `How long the previous secret keeps signing too (0–${ROTATION_OVERLAP_MAX_HOURS}, default ${ROTATION_OVERLAP_DEFAULT_HOURS}).`,
      }),
  })
  .openapi('WebhookSecretRotation');

export const WebhookSecretSchema = z
  .object({
    webhookSecret: z.string().openapi({
      description: '`whsec_` + base64: give it to your Standard Webhooks verifier.',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
    previousSecretExpiresAt: z.number().int().nullable(),
  })
  .openapi('WebhookSecret');

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;

export const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The event id (`webhook-id`).' }),
    type: WebhookEventTypeSchema,
    status: z.enum(DELIVERY_STATUSES).openapi({
      description:
        '`pending`: not delivered yet (retried with backoff); `delivered`: answered 2xx; `dead`: not delivered within 3 days — retry it.',
    }),
    attempts: z.number().int().openapi({ description: 'Attempts since the event was created or last retried.' }),
    nextAttemptAt: z.number().int().nullable(),
    lastAttemptAt: z.number().int().nullable(),
    lastStatus: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The receiver's HTTP status at the last attempt (null: no answer)." }),
    lastError: z.string().nullable(),
    deliveredAt: z.number().int().nullable(),
    deadAt: z.number().int().nullable(),
    createdAt: z.number().int(),
    event: WebhookEventSchema,
  })
  .openapi('WebhookDelivery');
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryQuery = PageQuery.extend({
  status: z
    .enum(DELIVERY_STATUSES)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' }, description: '`dead` lists the dead letters.' }),
  type: WebhookEventTypeSchema.optional().openapi({ param: { name: 'type', in: 'query' } }),
});
export type WebhookDeliveryFilter = z.infer<typeof WebhookDeliveryQuery>;

export const WebhookDeliveryListSchema = listOf(WebhookDeliverySchema).openapi('WebhookDeliveryList');
export const WebhookDeliveryResultSchema = z.object({ delivery: WebhookDeliverySchema }).openapi('WebhookDeliveryResult');
