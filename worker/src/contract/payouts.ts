/** Paying a referrer out of their available balance. */
import { z } from '@hono/zod-openapi';
import { PositiveMinorAmount } from './common.js';
import { BalancesSchema } from './ledger.js';

export const PayoutInput = z
  .strictObject({
    referrerId: z.string().max(64),
    amountMinor: PositiveMinorAmount.optional().openapi({ description: 'Default: the whole available balance.' }),
  })
  .openapi('PayoutInput');

export const PayoutSchema = z
  .object({
    id: z.string(),
    referrerId: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    createdAt: z.number().int(),
  })
  .openapi('Payout');

export const PayoutResult = z.object({ payout: PayoutSchema, balances: BalancesSchema }).openapi('PayoutResult');
export type PayoutResultBody = z.infer<typeof PayoutResult>;

export const PayoutRailSchema = z.enum(['paypal', 'fps', 'bank', 'manual']).openapi('PayoutRail');

/** A referrer due a payout (available at or above the shop's threshold, in no open batch). */
export const DuePayoutSchema = z
  .object({
    referrerId: z.string(),
    code: z.string(),
    displayName: z.string().nullable(),
    availableMinor: z.number().int(),
    currency: z.string(),
    rail: PayoutRailSchema,
  })
  .openapi('DuePayout');

export const DuePayoutsSchema = z
  .object({ thresholdMinor: z.number().int(), currency: z.string(), data: z.array(DuePayoutSchema) })
  .openapi('DuePayouts');

export const PayoutBatchItemSchema = z
  .object({
    payoutId: z.string(),
    referrerId: z.string(),
    code: z.string(),
    displayName: z.string().nullable(),
    amountMinor: z.number().int(),
    rail: PayoutRailSchema,
  })
  .openapi('PayoutBatchItem');

export const PayoutBatchSchema = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'paid', 'cancelled']),
    currency: z.string(),
    totalMinor: z.number().int(),
    itemCount: z.number().int(),
    createdAt: z.number().int(),
    paidAt: z.number().int().nullable(),
    cancelledAt: z.number().int().nullable(),
    items: z.array(PayoutBatchItemSchema),
  })
  .openapi('PayoutBatch');
export type PayoutBatch = z.infer<typeof PayoutBatchSchema>;

export const PayoutBatchResultSchema = z.object({ batch: PayoutBatchSchema }).openapi('PayoutBatchResult');

export const PayoutBatchCreateSchema = z
  .strictObject({
    referrerIds: z
      .array(z.string().max(64))
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: 'Only these of the referrers due; default: every referrer due.' }),
  })
  .openapi('PayoutBatchCreate');
