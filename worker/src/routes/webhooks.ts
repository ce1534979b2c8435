/**
 * `/v1/webhooks`: the shop's webhook endpoint and its deliveries — every event with its delivery
 * state, the dead letters (`?status=dead`), and a retry for one — with the secret key or from the
 * shop's dashboard (a session: the Webhooks view); the signing secret and its rotation with the
 * secret key only.
 */
import { z } from '@hono/zod-openapi';
import { errorResponses } from '../contract/common.js';
import {
  WebhookDeliveryListSchema,
  WebhookDeliveryQuery,
  WebhookDeliveryResultSchema,
  WebhookEndpointSchema,
  WebhookEndpointUpdateSchema,
  WebhookSecretRotationSchema,
  WebhookSecretSchema,
} from '../contract/webhooks.js';
import {
  listDeliveries,
  readEndpoint,
  readWebhookSecret,
  retryDelivery,
  rotateWebhookSecret,
  setWebhookUrl,
} from '../services/webhooks.js';
import { createRouter, idempotentSecretRoute, secretRoute, shopRoute } from './router.js';

export const webhooks = createRouter();

const EndpointResult = z.object({ endpoint: WebhookEndpointSchema }).openapi('WebhookEndpointResult');
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const SIGNING =
  'Each delivery is a POST of a `WebhookEvent` with the Standard Webhooks headers `webhook-id` (the event id), ' +
  '`webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret): ' +
  'verify it with `verifyWebhook` from the npm package, or the `standardwebhooks` / `svix` libraries.';

webhooks.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'getWebhookEndpoint',
    tags: ['Webhooks'],
    summary: "The shop's webhook endpoint",
    description: SIGNING,
    responses: {
      200: { description: 'The endpoint.', content: { 'application/json': { schema: EndpointResult } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await readEndpoint(c.env.DB, c.get('shop').id, c.get('now')), 200),
);

webhooks.openapi(
  shopRoute({
    method: 'put',
    path: '/',
    operationId: 'setWebhookEndpoint',
    tags: ['Webhooks'],
    summary: 'Set or clear the webhook URL',
    description:
      'Outside local development the URL must be https on a public host (400 `invalid_request`, issue code `invalid_url`). ' +
      'Pending events are tried again at once.',
    request: { body: json(WebhookEndpointUpdateSchema) },
    responses: {
      200: { description: 'The endpoint.', content: { 'application/json': { schema: EndpointResult } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await setWebhookUrl(c.env, c.get('shop').id, c.req.valid('json').url, c.get('now')), 200),
);

webhooks.openapi(
  secretRoute({
    method: 'get',
    path: '/secret',
    operationId: 'getWebhookSecret',
    tags: ['Webhooks'],
    summary: 'The webhook signing secret',
    responses: {
      200: { description: 'The secret.', content: { 'application/json': { schema: WebhookSecretSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await readWebhookSecret(c.env.DB, c.get('shop').id, c.get('now')), 200),
);

webhooks.openapi(
  idempotentSecretRoute({
    method: 'post',
    path: '/secret/rotate',
    operationId: 'rotateWebhookSecret',
    tags: ['Webhooks'],
    summary: 'Rotate the signing secret; the previous one keeps signing for a while',
    description:
      'Deliveries carry two signatures (`v1,<new> v1,<previous>`) until `previousSecretExpiresAt`, so a verifier with either secret ' +
      'accepts them while you switch. Send an Idempotency-Key.',
    request: { body: json(WebhookSecretRotationSchema) },
    responses: {
      200: { description: 'The new secret.', content: { 'application/json': { schema: WebhookSecretSchema } } },
      ...errorResponses(400, 401, 403, 409, 422),
    },
  }),
  async (c) => c.json(await rotateWebhookSecret(c.env.DB, c.get('shop').id, c.req.valid('json').overlapHours, c.get('now')), 200),
);

webhooks.openapi(
  shopRoute({
    method: 'get',
    path: '/deliveries',
    operationId: 'listWebhookDeliveries',
    tags: ['Webhooks'],
    summary: 'Events and their delivery state, newest first (`status=dead`: the dead letters)',
    description:
      'A failed delivery is retried after 30 s, 2 min, 8 min, 32 min… (×4, at most daily) for 3 days, then dead-lettered. ' +
      'Delivered and dead events are kept 30 days.',
    request: { query: WebhookDeliveryQuery },
    responses: {
      200: { description: 'A page of deliveries.', content: { 'application/json': { schema: WebhookDeliveryListSchema } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await listDeliveries(c.env.DB, c.get('shop').id, c.req.valid('query')), 200),
);

webhooks.openapi(
  shopRoute({
    method: 'post',
    path: '/deliveries/{eventId}/retry',
    operationId: 'retryWebhookDelivery',
    tags: ['Webhooks'],
    summary: 'Deliver one event again, now',
    description:
      'A dead letter (or a delivered event, to send it once more) becomes pending, due now, with a fresh 3-day retry window. ' +
      'Its `webhook-id` stays the same, so a receiver that already has it can ignore it.',
    request: { params: z.object({ eventId: z.string().max(64) }) },
    responses: {
      200: { description: 'The delivery, pending.', content: { 'application/json': { schema: WebhookDeliveryResultSchema } } },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await retryDelivery(c.env, c.get('shop').id, c.req.valid('param').eventId, c.get('now')), 200),
);
