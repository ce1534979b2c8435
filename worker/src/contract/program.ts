/** The commission program: how a referrer earns, how long commissions are held, the friend reward. */
import { z } from '@hono/zod-openapi';
import { MinorAmount } from './common.js';

export const FriendRewardSchema = z
  .strictObject({
    kind: z.enum(['none', 'percent', 'flat']),
    value: MinorAmount.openapi({ description: 'Basis points for percent (at most 10000), minor units for flat.' }),
  })
  .openapi('FriendReward');
export type FriendReward = z.infer<typeof FriendRewardSchema>;

export const ProgramSchema = z
  .strictObject({
    kind: z.enum(['percent', 'flat']),
    rateBps: z.number().int().min(0).max(10_000).openapi({ description: 'Commission in basis points (1000 = 10%).' }),
    flatMinor: MinorAmount,
    capMinor: MinorAmount.nullable(),
    holdDays: z.number().int().min(0).max(365),
    windowDays: z.number().int().min(1).max(365),
    model: z.enum(['last_click', 'first_click']),
    friendReward: FriendRewardSchema,
    unverifiedExpiryDays: z.number().int().min(1).max(365).nullable().openapi({
      description:
        "Days a browser-reported order's held commission waits for the shop's server report or approval before it is voided; null waits forever.",
    }),
  })
  .openapi('Program');
export type ProgramBody = z.infer<typeof ProgramSchema>;

/** PUT /v1/program: any subset of the program's fields. */
export const ProgramUpdateSchema = ProgramSchema.partial().openapi('ProgramUpdate');
export type ProgramUpdate = z.infer<typeof ProgramUpdateSchema>;
