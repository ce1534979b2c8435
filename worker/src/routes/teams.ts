/**
 * Team-buy (拼團): `/v1/team-offers` (the shop's offers; the widget's view of one with its open
 * teams) and `/v1/teams` (start, join, leave, cancel, read, the shop's records, and the live
 * WebSocket `GET /v1/teams/{teamId}/live?key=pk_…`, which is not in the OpenAPI document: a browser
 * connects to it with `new WebSocket(…)`, and each message is `{ "team": Team }`).
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { PageQuery, Sku, errorResponses, listOf } from '../contract/common.js';
import {
  TeamJoinSchema,
  TeamJoinedSchema,
  TeamListQuery,
  TeamMemberActionSchema,
  TeamOfferInputSchema,
  TeamOfferSchema,
  TeamOfferViewSchema,
  TeamRecordSchema,
  TeamResultSchema,
  TeamStartSchema,
} from '../contract/teams.js';
import type { KeyEnv } from '../middleware/auth.js';
import { requireKey } from '../middleware/auth.js';
import {
  connectWatcher,
  joinTeam,
  leaveTeam,
  listOffers,
  listTeamRecords,
  offerView,
  putOffer,
  readTeam,
  startTeam,
  teamRecord,
  type Caller,
} from '../services/teams.js';
import { createRouter, eitherKeyRoute, rateLimitNote, requester, secretRoute, shopRoute } from './router.js';

export const teamOffers = createRouter();
export const teams = createRouter();

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const TeamParam = z.object({ teamId: z.string().max(64).openapi({ example: 'team_3fJ9kq0XyZ8aB1cD2eF3' }) });
const ReferrerHeader = z.object({
  'x-referrer-token': z
    .string()
    .max(128)
    .optional()
    .openapi({ description: 'The browser’s referrer token (`rt_…`): the leader’s reward goes to this referrer.' }),
});
const LIVE =
  ' Live: connect a WebSocket to `/v1/teams/{teamId}/live?key=pk_…` (from an allowed origin); it sends `{ "team": Team }` now and at every change, and answers `ping` with `pong`.';

const caller = (c: Context<KeyEnv>): Caller => ({
  shop: c.get('shop'),
  secret: c.get('keyKind') === 'secret',
  requester: requester(c),
  referrerToken: c.req.header('X-Referrer-Token') ?? null,
  now: c.get('now'),
});

// ─── offers ───────────────────────────────────────────────────────────────────────────────────

teamOffers.openapi(
  secretRoute({
    method: 'put',
    path: '/{sku}',
    operationId: 'putTeamOffer',
    tags: ['Team-buy'],
    summary: 'Create or replace the team offer of a product',
    description:
      'Team size, team price (below the solo price), an optional ladder, how long a team stays open (at most 4 days), a cap on open teams, whether strangers may join listed teams, and a reward for the leader when the team completes. Teams already started keep the terms they started with.',
    request: { params: z.object({ sku: Sku }), body: json(TeamOfferInputSchema) },
    responses: {
      200: {
        description: 'The offer.',
        content: { 'application/json': { schema: z.object({ offer: TeamOfferSchema }).openapi('TeamOfferResult') } },
      },
      ...errorResponses(400, 401, 403, 413, 415),
    },
  }),
  async (c) => c.json(await putOffer(c.env.DB, c.get('shop'), c.req.valid('param').sku, c.req.valid('json'), c.get('now')), 200),
);

teamOffers.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'listTeamOffers',
    tags: ['Team-buy'],
    summary: 'The shop’s team offers, in sku order',
    request: { query: PageQuery },
    responses: {
      200: { description: 'A page of offers.', content: { 'application/json': { schema: listOf(TeamOfferSchema) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await listOffers(c.env.DB, c.get('shop'), c.req.valid('query')), 200),
);

teamOffers.openapi(
  eitherKeyRoute({
    method: 'get',
    path: '/{sku}',
    operationId: 'getTeamOffer',
    tags: ['Team-buy'],
    summary: 'A product’s team offer and the open teams anyone may join (what `<sc-team-buy>` shows)',
    description:
      'A product of the catalogue without an active offer answers without `offer` (not a 404: the widget asks on every product page); a sku that is no active product is a 404.',
    request: { params: z.object({ sku: Sku }) },
    responses: {
      200: { description: 'The offer and its open teams.', content: { 'application/json': { schema: TeamOfferViewSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await offerView(c.env.DB, c.get('shop'), c.req.valid('param').sku, c.get('now')), 200),
);

// ─── teams ────────────────────────────────────────────────────────────────────────────────────

teams.openapi(
  eitherKeyRoute({
    method: 'post',
    path: '/',
    operationId: 'startTeam',
    tags: ['Team-buy'],
    summary: 'Start a team of a product, as its leader',
    description:
      'A person (the browser’s visitor id, or with the secret key the shop’s customer id) is in at most one open team of an offer. The answer’s member token joins idempotently, leaves, cancels, and binds the order at checkout (`teamMemberToken` in `POST /v1/conversions`).' +
      LIVE +
      rateLimitNote('team').replace('Rate-limited', 'With the publishable key, starts and joins are rate-limited'),
    request: { headers: ReferrerHeader, body: json(TeamStartSchema) },
    responses: {
      201: {
        description: 'The team and the leader’s membership.',
        content: { 'application/json': { schema: TeamJoinedSchema } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
    },
  }),
  async (c) => c.json(await startTeam(c.env, caller(c), c.req.valid('json')), 201),
);

teams.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'listTeams',
    tags: ['Team-buy'],
    summary: 'The shop’s teams, newest first, with members, orders and events',
    request: { query: PageQuery.extend(TeamListQuery.shape) },
    responses: {
      200: { description: 'A page of team records.', content: { 'application/json': { schema: listOf(TeamRecordSchema) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await listTeamRecords(c.env.DB, c.get('shop'), c.req.valid('query')), 200),
);

teams.openapi(
  eitherKeyRoute({
    method: 'get',
    path: '/{teamId}',
    operationId: 'getTeam',
    tags: ['Team-buy'],
    summary: 'A team as anyone sees it: status, members who joined (masked names), spots left, deadline',
    description: 'From the team’s own object, so always current; the polling fallback of the live feed.' + LIVE,
    request: { params: TeamParam },
    responses: {
      200: { description: 'The team.', content: { 'application/json': { schema: TeamResultSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await readTeam(c.env, c.get('shop'), c.req.valid('param').teamId, c.get('now')), 200),
);

teams.openapi(
  shopRoute({
    method: 'get',
    path: '/{teamId}/record',
    operationId: 'getTeamRecord',
    tags: ['Team-buy'],
    summary: 'The shop’s record of a team: members with their orders, and its team.completed / team.expired events',
    request: { params: TeamParam },
    responses: {
      200: {
        description: 'The record.',
        content: { 'application/json': { schema: z.object({ team: TeamRecordSchema }).openapi('TeamRecordResult') } },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await teamRecord(c.env.DB, c.get('shop'), c.req.valid('param').teamId), 200),
);

teams.openapi(
  eitherKeyRoute({
    method: 'post',
    path: '/{teamId}/join',
    operationId: 'joinTeam',
    tags: ['Team-buy'],
    summary: 'Join a team (again: the same membership)',
    description:
      'Admitted one at a time; a team is never over-filled. A full team answers 409 `team_full` and a team past its deadline 409 `team_expired`, both with `details.startTeam` (start a new team of `details.sku`); a person already in another open team of the offer gets 409 `already_in_team`.',
    request: { params: TeamParam, headers: ReferrerHeader, body: json(TeamJoinSchema) },
    responses: {
      201: { description: 'Joined now.', content: { 'application/json': { schema: TeamJoinedSchema } } },
      200: {
        description: 'Already a member: the same membership.',
        content: { 'application/json': { schema: TeamJoinedSchema } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
    },
  }),
  async (c) => {
    const { created, result } = await joinTeam(c.env, caller(c), c.req.valid('param').teamId, c.req.valid('json'));
    return created ? c.json(result, 201) : c.json(result, 200);
  },
);

teams.openapi(
  eitherKeyRoute({
    method: 'post',
    path: '/{teamId}/leave',
    operationId: 'leaveTeam',
    tags: ['Team-buy'],
    summary: 'Leave an open team (the next member leads if the leader leaves)',
    request: { params: TeamParam, body: json(TeamMemberActionSchema) },
    responses: {
      200: { description: 'The team.', content: { 'application/json': { schema: TeamResultSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415),
    },
  }),
  async (c) =>
    c.json(
      await leaveTeam(c.env, c.get('shop'), c.req.valid('param').teamId, c.req.valid('json').memberToken, c.get('now')),
      200,
    ),
);

teams.openapi(
  eitherKeyRoute({
    method: 'post',
    path: '/{teamId}/cancel',
    operationId: 'cancelTeam',
    tags: ['Team-buy'],
    summary: 'Cancel a team: its leader, before anyone joined',
    request: { params: TeamParam, body: json(TeamMemberActionSchema) },
    responses: {
      200: { description: 'The cancelled team.', content: { 'application/json': { schema: TeamResultSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415),
    },
  }),
  async (c) =>
    c.json(
      await leaveTeam(c.env, c.get('shop'), c.req.valid('param').teamId, c.req.valid('json').memberToken, c.get('now'), true),
      200,
    ),
);

// The live feed (a WebSocket upgrade; see the module comment).
teams.get('/:teamId/live', requireKey('publishable'), async (c) =>
  connectWatcher(c.env, c.get('shop'), c.req.param('teamId'), c.req.raw),
);
