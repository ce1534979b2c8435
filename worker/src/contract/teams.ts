/**
 * Team-buy (拼團): the shop's offers, a team as buyers and strangers see it (masked names, only real
 * members), a membership, the shop's record of a team (orders, events), and the payloads of the
 * `team.completed` and `team.expired` events (exported for webhook delivery).
 */
import { z } from '@hono/zod-openapi';
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, TEAM_MAX_SIZE, TEAM_MIN_SIZE } from '../domain/team-buy.js';
import { MinorAmount, Sku, VisitorId } from './common.js';

/** A team id: `team_` and 20 letters or digits. */
export const TEAM_ID = /^team_[A-Za-z0-9]{20}$/;
/** A member token: `tmt_`, the team id's 20 characters, `_`, 32 more. It names its team. */
export const MEMBER_TOKEN = /^tmt_([A-Za-z0-9]{20})_[A-Za-z0-9]{32}$/;

export const MemberToken = z
  .string()
  .regex(MEMBER_TOKEN, 'A member token looks like tmt_… (from starting or joining a team).')
  .openapi({
    description:
      'The member token (`tmt_…`) the start or join answered; the SDK keeps it (`ShareCart.team()`, the `sc_team` cookie).',
  });

const TeamSize = z.number().int().min(TEAM_MIN_SIZE).max(TEAM_MAX_SIZE);

export const TeamTierSchema = z
  .strictObject({
    size: TeamSize.openapi({ description: 'From this many members…' }),
    priceMinor: MinorAmount.openapi({ description: '…each pays this per unit.' }),
  })
  .openapi('TeamTier');

export const TeamOfferInputSchema = z
  .strictObject({
    size: TeamSize.openapi({
      description: `Members for the team price (${TEAM_MIN_SIZE}–${TEAM_MAX_SIZE}); with a ladder, the minimum.`,
    }),
    priceMinor: MinorAmount.openapi({ description: 'The team price per unit, below the solo price.' }),
    ladder: z
      .array(TeamTierSchema)
      .max(TEAM_MAX_SIZE - TEAM_MIN_SIZE)
      .optional()
      .openapi({
        description:
          'More tiers: the team stays open for more members until the deadline or the last tier’s size, and everyone pays the tier reached.',
      }),
    durationMinutes: z.number().int().min(MIN_DURATION_MINUTES).max(MAX_DURATION_MINUTES).optional().openapi({
      description: 'How long a team stays open (default 1440, 24 h; at most 4 days, inside a card authorization hold).',
    }),
    maxOpenTeams: z.number().int().min(1).max(100_000).nullable().optional().openapi({
      description: 'At most this many open teams of the offer at once (null: no cap).',
    }),
    strangersMayJoin: z.boolean().optional().openapi({
      description: 'Whether open teams are listed for anyone to join (default true); otherwise only the team link joins.',
    }),
    leaderRewardMinor: MinorAmount.optional().openapi({
      description: 'Credited to the leader’s referrer as a ledger entry when the team completes (default 0).',
    }),
    active: z.boolean().optional().openapi({ description: 'False retires the offer: no new teams (running teams go on).' }),
  })
  .openapi('TeamOfferInput');
export type TeamOfferInput = z.infer<typeof TeamOfferInputSchema>;

export const TeamOfferSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    currency: z.string(),
    soloPriceMinor: z.number().int(),
    size: z.number().int().openapi({ description: 'The team size (the minimum with a ladder).' }),
    maxSize: z.number().int(),
    priceMinor: z.number().int().openapi({ description: 'The first tier’s price: what a member authorizes at checkout.' }),
    tiers: z.array(z.object({ size: z.number().int(), priceMinor: z.number().int() })),
    durationMinutes: z.number().int(),
    maxOpenTeams: z.number().int().nullable(),
    strangersMayJoin: z.boolean(),
    leaderRewardMinor: z.number().int(),
    active: z.boolean(),
    updatedAt: z.number().int(),
  })
  .openapi('TeamOffer');
export type TeamOffer = z.infer<typeof TeamOfferSchema>;

export const TeamStatusSchema = z.enum(['open', 'complete', 'expired', 'cancelled']).openapi('TeamStatus');

/** A member as anyone who sees the team sees them. */
export const TeamMemberPublicSchema = z
  .object({
    memberId: z.string(),
    name: z.string().nullable().openapi({ description: 'Masked ("Ka Y."); null when the member gave none.' }),
    role: z.enum(['leader', 'member']),
    joinedAt: z.number().int(),
  })
  .openapi('TeamMember');

export const TeamSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    offerId: z.string(),
    status: TeamStatusSchema,
    size: z.object({ min: z.number().int(), max: z.number().int() }),
    members: z.array(TeamMemberPublicSchema).openapi({ description: 'Only members who really joined, in join order.' }),
    spotsLeft: z.number().int().openapi({
      description: 'Members still needed for the team price (below the minimum), else places left up to the maximum.',
    }),
    currency: z.string(),
    soloPriceMinor: z.number().int(),
    tiers: z.array(z.object({ size: z.number().int(), priceMinor: z.number().int() })),
    priceMinor: z
      .number()
      .int()
      .openapi({ description: 'The price of the tier reached so far (the final price once complete).' }),
    checkoutPriceMinor: z.number().int().nullable().openapi({
      description: 'What a member checks out at per unit now (the first tier while open); null once expired or cancelled.',
    }),
    createdAt: z.number().int(),
    deadlineAt: z.number().int(),
    endedAt: z.number().int().nullable(),
  })
  .openapi('Team');
export type Team = z.infer<typeof TeamSchema>;

export const MembershipSchema = z
  .object({
    teamId: z.string(),
    memberId: z.string(),
    memberToken: z
      .string()
      .openapi({ description: 'Keep it: it joins idempotently, leaves, cancels, and binds the order at checkout.' }),
    role: z.enum(['leader', 'member']),
  })
  .openapi('Membership');
export type Membership = z.infer<typeof MembershipSchema>;

export const TeamJoinedSchema = z.object({ team: TeamSchema, membership: MembershipSchema }).openapi('TeamJoined');
export type TeamJoined = z.infer<typeof TeamJoinedSchema>;

/** Who is joining: the shop's customer (secret key) or this browser's visitor id. */
const Joiner = {
  visitorId: VisitorId.optional().openapi({ description: 'This browser’s SDK visitor id: one membership per person per offer.' }),
  customerRef: z.string().min(1).max(128).optional().openapi({
    description: 'Secret key only: the shop’s customer id, which identifies the person instead of the visitor id.',
  }),
  name: z
    .string()
    .max(60)
    .optional()
    .openapi({ description: 'Shown masked to everyone who sees the team ("Ka Yan" → "Ka Y.").' }),
};
const someone = (b: { visitorId?: string; customerRef?: string }) => !!(b.visitorId || b.customerRef);
const SOMEONE = { message: 'Send the visitorId (browser) or the customerRef (secret key) of the person.', path: ['visitorId'] };

export const TeamStartSchema = z
  .strictObject({ sku: Sku, ...Joiner })
  .refine(someone, SOMEONE)
  .openapi('TeamStart');
export type TeamStart = z.infer<typeof TeamStartSchema>;

export const TeamJoinSchema = z
  .strictObject({
    ...Joiner,
    memberToken: MemberToken.optional().openapi({
      description: 'A membership this browser already has: answered again, unchanged.',
    }),
  })
  .refine((b) => someone(b) || !!b.memberToken, SOMEONE)
  .openapi('TeamJoin');
export type TeamJoin = z.infer<typeof TeamJoinSchema>;

export const TeamMemberActionSchema = z.strictObject({ memberToken: MemberToken }).openapi('TeamMemberAction');

export const TeamResultSchema = z.object({ team: TeamSchema }).openapi('TeamResult');

export const TeamOfferViewSchema = z
  .object({
    offer: TeamOfferSchema.optional(),
    openTeams: z.array(TeamSchema).openapi({
      description: 'Open teams anyone may join, soonest deadline first (none when the offer lists no teams to strangers).',
    }),
  })
  .openapi('TeamOfferView', {
    description: 'Without `offer` (and with no open teams) when the product has no active offer.',
  });
export type TeamOfferView = z.infer<typeof TeamOfferViewSchema>;

// ─── events ───────────────────────────────────────────────────────────────────────────────────

const Tier = z.object({ size: z.number().int(), priceMinor: z.number().int() });
const Size = z.object({ min: z.number().int(), max: z.number().int(), members: z.number().int() });

/** One member's money when the team ends. */
export const TeamMemberSettlementSchema = z
  .object({
    memberId: z.string(),
    name: z.string().nullable(),
    role: z.enum(['leader', 'member']),
    joinedAt: z.number().int(),
    referrerId: z.string().nullable(),
    orderId: z
      .string()
      .nullable()
      .openapi({ description: 'The shop’s order for this membership; null while none was reported.' }),
    quantity: z.number().int(),
    authorizedMinor: z.number().int().nullable().openapi({ description: 'The team line’s share of the order as authorized.' }),
    amountMinor: z.number().int().openapi({ description: 'To capture for the team line (0 when the team expired).' }),
    releaseMinor: z.number().int().openapi({ description: 'To release or refund of the authorization.' }),
  })
  .openapi('TeamMemberSettlement');

const eventBase = {
  teamId: z.string(),
  offerId: z.string(),
  sku: z.string(),
  currency: z.string(),
  createdAt: z.number().int(),
  deadlineAt: z.number().int(),
  size: Size,
  members: z.array(TeamMemberSettlementSchema),
};

/** The payload of `team.completed`: capture each member's `amountMinor`, release their `releaseMinor`. */
export const TeamCompletedEventSchema = z
  .object({
    ...eventBase,
    status: z.literal('complete'),
    completedAt: z.number().int(),
    tier: Tier.openapi({ description: 'The final tier: everyone pays its price.' }),
    soloPriceMinor: z.number().int(),
    totalMinor: z.number().int(),
    leaderReward: z
      .object({ memberId: z.string(), referrerId: z.string(), amountMinor: z.number().int() })
      .nullable()
      .openapi({ description: 'Credited to the leader’s referrer as a pending ledger entry (reason `team_leader_reward`).' }),
  })
  .openapi('TeamCompletedEvent');
export type TeamCompletedEvent = z.infer<typeof TeamCompletedEventSchema>;

/** The payload of `team.expired`: release (void or refund) every member's authorization. */
export const TeamExpiredEventSchema = z
  .object({ ...eventBase, status: z.literal('expired'), expiredAt: z.number().int(), totalReleaseMinor: z.number().int() })
  .openapi('TeamExpiredEvent');
export type TeamExpiredEvent = z.infer<typeof TeamExpiredEventSchema>;

/** An outbox event of a team, as the shop reads it before webhook delivery exists. */
export const TeamEventRecordSchema = z
  .object({
    id: z.string().openapi({ description: 'Stable (`evt_…`): the same event is never written twice.' }),
    type: z.enum(['team.completed', 'team.expired']),
    createdAt: z.number().int(),
    deliveredAt: z.number().int().nullable(),
    payload: z.union([TeamCompletedEventSchema, TeamExpiredEventSchema]),
  })
  .openapi('TeamEventRecord');
export type TeamEventRecord = z.infer<typeof TeamEventRecordSchema>;

/** A member as the shop sees them (secret key): their order. */
export const TeamMemberRecordSchema = TeamMemberPublicSchema.extend({
  referrerId: z.string().nullable(),
  orderId: z.string().nullable(),
  conversionId: z.string().nullable(),
  quantity: z.number().int().nullable(),
  unitPriceMinor: z.number().int().nullable(),
  paidMinor: z.number().int().nullable(),
  leftAt: z.number().int().nullable(),
}).openapi('TeamMemberRecord');

/** The shop's view of a team (secret key): every member with their order, and the team's events. */
export const TeamRecordSchema = TeamSchema.extend({
  memberCount: z.number().int(),
  orderedCount: z.number().int(),
  leaderName: z.string().nullable(),
  leaderReferrerId: z.string().nullable(),
  strangersMayJoin: z.boolean(),
  memberRecords: z.array(TeamMemberRecordSchema).openapi({ description: 'Current and departed members, in join order.' }),
  events: z.array(TeamEventRecordSchema),
  syncedAt: z.number().int().openapi({ description: 'When the team’s object last wrote this record.' }),
}).openapi('TeamRecord');
export type TeamRecord = z.infer<typeof TeamRecordSchema>;

export const TeamListQuery = z.object({
  sku: Sku.optional().openapi({ param: { name: 'sku', in: 'query' } }),
  status: TeamStatusSchema.optional().openapi({ param: { name: 'status', in: 'query' } }),
});
