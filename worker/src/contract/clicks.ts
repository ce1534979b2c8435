/** A visitor's arrival through a referral link. */
import { z } from '@hono/zod-openapi';
import { ChannelSchema, ReferralCode, VisitorId } from './common.js';

export const ClickInputSchema = z
  .strictObject({
    code: ReferralCode,
    channel: ChannelSchema.optional(),
    landingUrl: z.string().max(2048).optional(),
    visitorId: VisitorId.optional(),
  })
  .openapi('ClickInput');
export type ClickInput = z.infer<typeof ClickInputSchema>;

export const ClickRecordedSchema = z
  .object({
    clickId: z.string(),
    code: z.string(),
    expiresAt: z.number().openapi({ description: 'ms since epoch: the end of the attribution window for this click.' }),
    referrer: z.object({ displayName: z.string().nullable() }),
    friendReward: z.object({ kind: z.enum(['none', 'percent', 'flat']), value: z.number() }),
  })
  .openapi('ClickRecorded');
export type ClickRecorded = z.infer<typeof ClickRecordedSchema>;
