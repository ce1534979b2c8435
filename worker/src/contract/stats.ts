/** The dashboard's numbers: the funnel (shares → clicks → orders → commission) over time and by channel, and the leaderboard. */
import { z } from '@hono/zod-openapi';

const Counts = {
  shares: z.number().int(),
  clicks: z.number().int(),
  orders: z.number().int().openapi({ description: 'Attributed orders.' }),
  revenueMinor: z.number().int().openapi({ description: 'What the attributed orders were reported for.' }),
  commissionMinor: z.number().int().openapi({ description: 'Commission credited at attribution (before refunds).' }),
};

export const FunnelQuery = z.object({
  from: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ param: { name: 'from', in: 'query' }, description: 'ms since the epoch; default: 30 days before `to`.' }),
  to: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ param: { name: 'to', in: 'query' }, description: 'ms since the epoch (exclusive); default: now.' }),
  tzOffsetMinutes: z.coerce
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60)
    .refine((m) => m % 15 === 0, { message: 'Time zones are whole quarter hours east of UTC.' })
    .default(0)
    .openapi({
      param: { name: 'tzOffsetMinutes', in: 'query' },
      description: 'The time zone days are counted in, as minutes east of UTC (Hong Kong: 480). Whole hours are exact.',
    }),
});
export type FunnelQueryInput = z.infer<typeof FunnelQuery>;

export const FunnelSchema = z
  .object({
    currency: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    tzOffsetMinutes: z.number().int(),
    days: z.array(z.object({ date: z.string().openapi({ example: '2026-11-30' }), ...Counts })),
    channels: z.array(z.object({ channel: z.string(), ...Counts })),
    totals: z.object(Counts),
  })
  .openapi('Funnel');
export type Funnel = z.infer<typeof FunnelSchema>;

export const LeaderboardQuery = FunnelQuery.omit({ tzOffsetMinutes: true }).extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

export const LeaderboardSchema = z
  .object({
    currency: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    data: z.array(
      z.object({
        rank: z.number().int(),
        referrer: z.object({
          id: z.string(),
          code: z.string(),
          vanityCode: z.string().nullable(),
          displayName: z.string().nullable(),
          status: z.enum(['active', 'pending', 'blocked']),
        }),
        ...Counts,
      }),
    ),
  })
  .openapi('Leaderboard');
export type Leaderboard = z.infer<typeof LeaderboardSchema>;
