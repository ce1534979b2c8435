/** Refunding an order, fully or partly: its commission is reversed in proportion. */
import { z } from '@hono/zod-openapi';
import { PositiveMinorAmount } from './common.js';
import { BalancesSchema } from './ledger.js';

export const RefundInput = z
  .strictObject({
    orderId: z.string().min(1).max(128),
    refundId: z.string().min(1).max(128).openapi({ description: "The shop's own refund id; repeating it is a no-op." }),
    amountMinor: PositiveMinorAmount,
  })
  .openapi('RefundInput');
export type RefundInputBody = z.infer<typeof RefundInput>;

export const RefundResult = z
  .object({
    refund: z.object({
      id: z.string(),
      refundId: z.string(),
      orderId: z.string(),
      conversionId: z.string(),
      amountMinor: z.number(),
      createdAt: z.number(),
    }),
    refundedMinor: z.number().openapi({ description: 'All refunds of the order so far.' }),
    reversedCommissionMinor: z.number().openapi({ description: 'Commission reversed by this refund.' }),
    balances: BalancesSchema.openapi({ description: "The conversion's commission balances after the refund." }),
  })
  .openapi('RefundResult');
export type RefundResultBody = z.infer<typeof RefundResult>;
