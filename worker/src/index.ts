/**
 * ShareCart worker: composes the API. Middleware, routes, the OpenAPI document and reference page,
 * one error envelope, JSON 404s, and the cron that releases held commissions, purges old idempotency
 * keys and prunes personal click data past its retention (db/retention.ts). Static assets (the
 * SDK bundle and the demo shop) are served by the assets binding before this runs.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env.js';
import { ApiError } from './errors.js';
import { clock, cors, jsonBody, requestId } from './middleware/common.js';
import { logConfigurationProblem, requireConfiguration } from './middleware/configuration.js';
import { validationHook } from './lib/validation.js';
import { admin } from './routes/admin.js';
import { publicApi } from './routes/public.js';
import { conversions } from './routes/conversions.js';
import { refunds } from './routes/refunds.js';
import { ledger } from './routes/ledger.js';
import { referrers } from './routes/referrers.js';
import { catalog } from './routes/catalog.js';
import { shortLinks } from './routes/short-links.js';
import { apiIndex } from './routes/api-index.js';
import { renderReference } from './routes/docs.js';
import { settleDue } from './db/ledger.js';
import { purgeExpiredKeys } from './db/idempotency.js';
import { pruneClickPersonalData } from './db/retention.js';
import { VERSION } from './version.js';

// Durable Object classes must be exported from the entry module; nothing else may be (workerd
// treats every named export as an entrypoint).
export { ShopObject } from './durable/shop-object.js';

const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

app.use('*', requestId, clock);
app.use('*', requireConfiguration);
app.use('/v1/*', cors, jsonBody);

app.get('/healthz', (c) => c.json({ ok: true, version: VERSION }));

app.route('/v1/admin', admin);
app.route('/v1', publicApi);
app.route('/v1/conversions', conversions);
app.route('/v1/refunds', refunds);
app.route('/v1', ledger);
app.route('/v1/referrers', referrers);
app.route('/v1', catalog);
app.route('/r', shortLinks);
app.route('/', apiIndex);

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
app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'The ADMIN_TOKEN secret of this worker.',
});

const DOC_CONFIG = {
  openapi: '3.0.3',
  info: {
    title: 'ShareCart API',
    version: VERSION,
    description:
      '<p>Referral attribution and commissions for small shops. Money is integer minor units with an ISO-4217 currency. ' +
      'Publishable keys (<code>pk_…</code>) work from the browser on allowed origins; secret keys (<code>sk_…</code>) only server to server. ' +
      'Writes a client may retry are idempotent (order id, refund id, <code>Idempotency-Key</code>).</p>',
  },
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

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const now = controller.scheduledTime;
    logConfigurationProblem(env, 'cron'); // nothing below hashes: releases, purges and pruning still run
    // every shop's due ledger work, bounded per run (Durable Object alarms do each shop's on time)
    ctx.waitUntil(
      Promise.all([settleDue(env.DB, now, { rounds: 10 }), purgeExpiredKeys(env.DB, now), pruneClickPersonalData(env.DB, now)]),
    );
  },
} satisfies ExportedHandler<AppEnv['Bindings']>;
