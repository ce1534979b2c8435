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
