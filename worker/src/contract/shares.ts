/** A referrer sharing through a channel. */
import { z } from '@hono/zod-openapi';
import { ChannelSchema, Sku, VisitorId } from './common.js';

export const ShareInputSchema = z
  .strictObject({ channel: ChannelSchema, sku: Sku.optional(), visitorId: VisitorId.optional() })
  .openapi('ShareInput');
export type ShareInput = z.infer<typeof ShareInputSchema>;

export const ShareRecordedSchema = z.object({ id: z.string(), channel: ChannelSchema }).openapi('ShareRecorded');
export type ShareRecorded = z.infer<typeof ShareRecordedSchema>;
