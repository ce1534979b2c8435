/** The append-only ledger as the API shows it: entries and balances (sums of entries). */
import { z } from '@hono/zod-openapi';

export const BalancesSchema = z
  .object({
    currency: z.string(),
    onHold: z.number().int(),
    pending: z.number().int(),
    available: z.number().int(),
    paid: z.number().int(),
  })
  .openapi('Balances');
export type Balances = z.infer<typeof BalancesSchema>;

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
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const ReferrerBalancesSchema = z.object({ referrerId: z.string(), balances: BalancesSchema }).openapi('ReferrerBalances');
