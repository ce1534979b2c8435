/**
 * The webhook event: the one envelope every delivery carries as its JSON body, in the shape the
 * Standard Webhooks specification recommends (`type`, `timestamp`, `data`), plus the event's `id`
 * (also its `webhook-id` header, stable across retries: deduplicate on it) and the `shopId`.
 *
 * ```json
 * { "id": "evt_…", "type": "commission.available", "timestamp": "2026-11-02T08:00:00.000Z",
 *   "shopId": "shop_…", "data": { "conversionId": "conv_…", "referrerId": "ref_…", "amountMinor": 1680, "currency": "HKD" } }
 * ```
 * `data` is what the outbox row holds (db/outbox.ts), written by the change it announces.
 */
import { z } from '@hono/zod-openapi';
import { TeamCompletedEventSchema, TeamExpiredEventSchema } from './teams.js';

const money = {
  amountMinor: z.number().int().openapi({ description: 'Integer minor units.' }),
  currency: z.string().openapi({ example: 'HKD' }),
};
const commissionStatus = z.enum(['none', 'pending', 'on_hold']);

export const ConversionAttributedData = z
  .object({
    conversionId: z.string(),
    orderId: z.string(),
    referrerId: z.string(),
    ...money,
    commissionMinor: z.number().int(),
    commissionStatus,
    verified: z.boolean().openapi({
      description: "False for an order reported from the browser (not payable until the shop's server confirms it).",
    }),
  })
  .openapi('ConversionAttributedData');

export const ConversionVerifiedData = z
  .object({
    conversionId: z.string(),
    orderId: z.string(),
    referrerId: z.string().nullable(),
    previousReferrerId: z.string().nullable(),
    ...money,
    commissionMinor: z.number().int(),
    commissionStatus,
  })
  .openapi('ConversionVerifiedData');

export const CommissionAvailableData = z
  .object({ conversionId: z.string(), referrerId: z.string(), ...money })
  .openapi('CommissionAvailableData');

export const CommissionReversedData = z
  .object({
    conversionId: z.string(),
    orderId: z.string().optional(),
    referrerId: z.string(),
    refundId: z.string().optional().openapi({ description: "The shop's refund id, when a refund reversed it." }),
    reason: z
      .enum(['unverified_expired'])
      .optional()
      .openapi({ description: 'Set when no refund reversed it: the browser-reported order was never confirmed.' }),
    ...money,
  })
  .openapi('CommissionReversedData');

export const PayoutPaidData = z
  .object({
    payoutId: z.string(),
    referrerId: z.string(),
    ...money,
    batchId: z.string().optional().openapi({ description: 'The payout batch, when the payout was part of one.' }),
  })
  .openapi('PayoutPaidData');

const envelope = <T extends string, D extends z.ZodTypeAny>(type: T, data: D, name: string) =>
  z
    .object({
      id: z
        .string()
        .openapi({ description: 'The event id, also sent as `webhook-id`: the same on every retry.', example: 'evt_3fJ9kQ' }),
      type: z.literal(type),
      timestamp: z
        .string()
        .openapi({ description: 'When the event happened (ISO 8601, UTC).', example: '2026-11-02T08:00:00.000Z' }),
      shopId: z.string(),
      data,
    })
    .openapi(name);

export const WebhookEventSchema = z
  .discriminatedUnion('type', [
    envelope('conversion.attributed', ConversionAttributedData, 'ConversionAttributedWebhook'),
    envelope('conversion.verified', ConversionVerifiedData, 'ConversionVerifiedWebhook'),
    envelope('commission.available', CommissionAvailableData, 'CommissionAvailableWebhook'),
    envelope('commission.reversed', CommissionReversedData, 'CommissionReversedWebhook'),
    envelope('payout.paid', PayoutPaidData, 'PayoutPaidWebhook'),
    // the team events' `data` are team-buy's schemas (contract/teams.ts), the shapes the shop's record of a
    // team lists too; their `teamId` orders a team's events (the `subject` column of migration 0007)
    envelope('team.completed', TeamCompletedEventSchema, 'TeamCompletedWebhook'),
    envelope('team.expired', TeamExpiredEventSchema, 'TeamExpiredWebhook'),
  ])
  .openapi('WebhookEvent', {
    description:
      'The JSON body of every webhook delivery, signed by the Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`).',
  });
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/**
 * The envelope of an outbox row, exactly as it is delivered (the body is these bytes).
 * @example envelopeOf({ id: 'evt_1', type: 'payout.paid', shop_id: 'shop_1', payload: '{…}', created_at: 0 })
 */
export function envelopeOf(row: {
  id: string;
  type: string;
  shop_id: string;
  payload: string;
  created_at: number;
}): WebhookEvent {
  return {
    id: row.id,
    type: row.type,
    timestamp: new Date(row.created_at).toISOString(),
    shopId: row.shop_id,
    data: JSON.parse(row.payload) as Record<string, unknown>,
  } as WebhookEvent;
}
