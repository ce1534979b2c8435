/**
 * The ShareCart API as one Hono app: app-wide middleware, one sub-app per resource mounted at
 * `/v1/<resource>`, the OpenAPI document and its reference page, one error envelope and JSON 404s.
 * It only composes: each route file declares its routes, each service runs its workflow. Kept apart
 * from index.ts (which adds the Durable Object class and the cron) so that a Node script can build
 * the OpenAPI document from it (scripts/contract.mjs).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env.js';
import { ApiError } from './errors.js';
import { clock, cors, jsonBody, requestId } from './middleware/common.js';
import { requireConfiguration } from './middleware/configuration.js';
import { validationHook } from './routes/router.js';
import { apiIndex } from './routes/api-index.js';
import { balances } from './routes/balances.js';
import { products, program } from './routes/catalog.js';
import { clicks } from './routes/clicks.js';
import { config } from './routes/config.js';
import { conversions } from './routes/conversions.js';
import { renderReference } from './routes/docs.js';
import { ledger } from './routes/ledger.js';
import { payouts } from './routes/payouts.js';
import { referrers } from './routes/referrers.js';
import { refunds } from './routes/refunds.js';
import { shares } from './routes/shares.js';
import { shops } from './routes/shops.js';
import { shortLinks } from './routes/short-links.js';
import { teamOffers, teams } from './routes/teams.js';
import { dashboardTokens } from './routes/dashboard-tokens.js';
import { sessions } from './routes/sessions.js';
import { shop } from './routes/shop.js';
import { stats } from './routes/stats.js';
import { webhooks } from './routes/webhooks.js';
import { VERSION } from './version.js';

export const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

app.use('*', requestId, clock);
app.use('*', requireConfiguration);
app.use('/v1/*', cors, jsonBody);

app.get('/healthz', (c) => c.json({ ok: true, version: VERSION }));

app.route('/', apiIndex);
app.route('/v1/admin/shops', shops);
app.route('/v1/config', config);
app.route('/v1/referrers', referrers);
app.route('/v1/shares', shares);
app.route('/v1/clicks', clicks);
app.route('/v1/conversions', conversions);
app.route('/v1/refunds', refunds);
app.route('/v1/ledger', ledger);
app.route('/v1/balances', balances);
app.route('/v1/payouts', payouts);
app.route('/v1/program', program);
app.route('/v1/products', products);
app.route('/v1/team-offers', teamOffers);
app.route('/v1/teams', teams);
app.route('/v1/shop', shop);
app.route('/v1/stats', stats);
app.route('/v1/sessions', sessions);
app.route('/v1/dashboard-tokens', dashboardTokens);
app.route('/v1/webhooks', webhooks);
app.route('/r', shortLinks);

app.openAPIRegistry.registerComponent('securitySchemes', 'publishableKey', {
  type: 'http',
  scheme: 'bearer',
  description: "pk_… — from the shop's allowed origins only.",
});
app.openAPIRegistry.registerComponent('securitySchemes', 'secretKey', {
  type: 'http',
  scheme: 'bearer',
  description: 'sk_… — server to server only.',
});
app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
  type: 'apiKey',
  in: 'cookie',
  name: '__Host-sc_session',
  description:
    'The dashboard session cookie (POST /v1/sessions). Same origin only; POST, PUT, PATCH and DELETE also need X-CSRF-Token (GET /v1/sessions/current).',
});
app.openAPIRegistry.registerComponent('securitySchemes', 'sessionToken', {
  type: 'http',
  scheme: 'bearer',
  description: "dss_… — an embedded dashboard session (POST /v1/sessions/embedded), from the shop's allowed origins.",
});
app.openAPIRegistry.registerComponent('securitySchemes', 'dashboardToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'dt_… — a dashboard token: it only signs in (POST /v1/sessions).',
});
app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'The ADMIN_TOKEN secret of this worker.',
});

/** The document's frame: what the API is, where it is served (relative to the document), its licence. */
export const DOC_CONFIG = {
  openapi: '3.0.3',
  info: {
    title: 'ShareCart API',
    version: VERSION,
    license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    description:
      '<p>Referral attribution and commissions for small shops. Money is integer minor units with an ISO-4217 currency. ' +
      'Publishable keys (<code>pk_…</code>) work from the browser on allowed origins; secret keys (<code>sk_…</code>) only server to server. ' +
      'Writes a client may retry are idempotent (order id, refund id, <code>Idempotency-Key</code>). ' +
      'Lists page the same way everywhere: <code>limit</code>, <code>starting_after</code>, and <code>has_more</code> in the answer.</p>',
  },
  servers: [{ url: '/', description: 'This worker (the document is served by it).' }],
};

app.doc('/openapi.json', DOC_CONFIG);
app.get('/docs', (c) => c.html(renderReference(app.getOpenAPIDocument(DOC_CONFIG) as never)));

app.notFound((c) =>
  c.json(
    {
      error: {
        code: 'route_not_found',
        message: `No endpoint ${c.req.method} ${new URL(c.req.url).pathname}.`,
        requestId: c.get('requestId'),
      },
    },
    404,
  ),
);

app.onError((error, c) => {
  const requestId = c.get('requestId') ?? 'unknown';
  if (error instanceof ApiError) {
    if (error.retryAfterMs !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    return c.json(
      { error: { code: error.code, message: error.message, requestId, ...(error.details ? { details: error.details } : {}) } },
      error.status,
    );
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 400
          ? 'malformed_json'
          : status === 401
            ? 'unauthorized'
            : 'invalid_request';
    return c.json(
      { error: { code, message: error.message || code, requestId } },
      status === 413 || status === 401 ? status : 400,
    );
  }
  console.error(JSON.stringify({ level: 'error', requestId, message: String(error), stack: (error as Error)?.stack }));
  return c.json({ error: { code: 'internal_error', message: 'Something went wrong on our side.', requestId } }, 500);
});
