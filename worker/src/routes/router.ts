/**
 * How every route file is built: `createRouter()` makes the sub-app (with the validation hook that
 * turns a failed schema into a 400 `invalid_request`), and the route helpers pair each kind of key
 * with its OpenAPI `security` entry, so a route says which key it takes in one word and its
 * handler sees exactly the variables that key's middleware sets. Every route has an `operationId`
 * (the method name client generators use).
 *
 * @example
 * export const refunds = createRouter();
 * refunds.openapi(secretRoute({ method: 'post', path: '/', operationId: 'createRefund', … }), async (c) => …);
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { Hook, RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireAdmin, requireKey } from '../middleware/auth.js';
import { idempotent } from '../middleware/idempotency.js';
import { RATE_LIMITS } from '../domain/rate-limits.js';
import type { RateKind } from '../domain/rate-limits.js';
import type { Requester } from '../services/clients.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
    const first = issues[0];
    throw new ApiError(400, 'invalid_request', first ? `${first.path || 'body'}: ${first.message}` : 'Invalid request.', {
      issues,
    });
  }
};

export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** What every route declares; the helpers add the middleware and `security`. */
type RouteBase<P extends string> = Omit<RouteConfig, 'path' | 'middleware' | 'security'> & {
  path: P;
  operationId: string;
  summary: string;
  tags: string[];
};

const secretKey = requireKey('secret');
const publishableKey = requireKey('publishable');
const eitherKey = requireKey('publishable', 'secret');
const shopKey = requireKey('secret', 'session');
const sessionKey = requireKey('session');
const dashboardToken = requireKey('dashboardToken');

const SECRET = [{ secretKey: [] }];
const PUBLISHABLE = [{ publishableKey: [] }];
const SESSION: Array<Record<string, string[]>> = [{ sessionCookie: [] }, { sessionToken: [] }];

/** A route that takes the shop's secret key (server to server). */
export const secretRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({ ...route, middleware: [secretKey] as [typeof secretKey], security: SECRET });

/** A secret-key write a client may retry: `Idempotency-Key` replays the first answer. */
export const idempotentSecretRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({
    ...route,
    middleware: [secretKey, idempotent] as [typeof secretKey, typeof idempotent],
    security: SECRET,
  });

/** A route the browser calls with the publishable key, from the shop's allowed origins. */
export const publishableRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({ ...route, middleware: [publishableKey] as [typeof publishableKey], security: PUBLISHABLE });

/** A route that takes either key (what each may do is the route's business). */
export const eitherKeyRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({ ...route, middleware: [eitherKey] as [typeof eitherKey], security: [...PUBLISHABLE, ...SECRET] });

/**
 * A route of the shop's own (secret key, or a dashboard session of that shop — the cookie with
 * CSRF protection, or an embedded session's bearer): what the dashboard reads and changes.
 */
export const shopRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({ ...route, middleware: [shopKey] as [typeof shopKey], security: [...SECRET, ...SESSION] });

/** A {@link shopRoute} write a client may retry: `Idempotency-Key` replays the first answer. */
export const idempotentShopRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({
    ...route,
    middleware: [shopKey, idempotent] as [typeof shopKey, typeof idempotent],
    security: [...SECRET, ...SESSION],
  });

/** A route of a dashboard session only (the session itself). */
export const sessionRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({ ...route, middleware: [sessionKey] as [typeof sessionKey], security: SESSION });

/** The dashboard's sign-in: a dashboard token (`dt_…`) opens a session. */
export const dashboardTokenRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({ ...route, middleware: [dashboardToken] as [typeof dashboardToken], security: [{ dashboardToken: [] }] });

/** A route for the worker's operator (the ADMIN_TOKEN secret). */
export const adminRoute = <P extends string, R extends RouteBase<P>>(route: R) =>
  createRoute({ ...route, middleware: [requireAdmin] as [typeof requireAdmin], security: [{ adminToken: [] }] });

/** A route without a key. */
export const openRoute = <P extends string, R extends RouteBase<P>>(route: R) => createRoute({ ...route, security: [] });

/** The caller as the request shows it (the services hash what they keep). */
export function requester(c: Context): Requester {
  return {
    ip: c.req.header('CF-Connecting-IP') ?? c.req.header('X-Real-IP') ?? null,
    userAgent: c.req.header('User-Agent') ?? null,
  };
}

/** The worker's public base URL for links (the request's own origin). */
export const baseUrlOf = (c: Context) => new URL(c.req.url).origin;

/** The sentence each publishable-key write's OpenAPI description carries about its limits. */
export function rateLimitNote(kind: RateKind): string {
  const l = RATE_LIMITS[kind];
  return (
    ` Rate-limited: ${l.perClient.toLocaleString('en')} per minute per client${kind === 'click' ? ' and referral code' : ''} ` +
    `(salted IP hash, else visitor id) and ${l.perShop.toLocaleString('en')} per minute per shop; ` +
    'over either, 429 `rate_limited` with Retry-After.'
  );
}
