/**
 * `/v1/sessions`: the dashboard's sign-in (a dashboard token opens a cookie session), the embedded
 * session a shop's server mints for its own admin page, the current session and sign-out. The design
 * (cookie attributes, CSRF) is in services/sessions.ts.
 */
import { setCookie, deleteCookie } from 'hono/cookie';
import { errorResponses } from '../contract/common.js';
import { EmbeddedSessionCreateSchema, EmbeddedSessionSchema, SessionResultSchema } from '../contract/sessions.js';
import { ApiError } from '../errors.js';
import { SESSION_COOKIE } from '../lib/sessions.js';
import { currentSession, embeddedSession, signIn, signOut } from '../services/sessions.js';
import { createRouter, dashboardTokenRoute, secretRoute, sessionRoute } from './router.js';

export const sessions = createRouter();

sessions.openapi(
  dashboardTokenRoute({
    method: 'post',
    path: '/',
    operationId: 'signIn',
    tags: ['Dashboard'],
    summary: 'Sign in to the dashboard with a dashboard token: sets the session cookie',
    description:
      'Answers with `Set-Cookie: __Host-sc_session=…; HttpOnly; Secure; SameSite=Strict; Path=/` (4 hours) and the session, whose `csrfToken` every later change must send as X-CSRF-Token. Only from the worker’s own origin (the dashboard page).',
    responses: {
      201: { description: 'Signed in.', content: { 'application/json': { schema: SessionResultSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    const origin = c.req.header('Origin');
    if (origin && origin.toLowerCase() !== new URL(c.req.url).origin.toLowerCase()) {
      throw new ApiError(403, 'csrf_failed', 'Sign in on the dashboard itself.');
    }
    const { secret, maxAgeSeconds, body } = await signIn(c.env.DB, c.get('shop'), c.get('dashboardTokenId')!, c.get('now'));
    setCookie(c, SESSION_COOKIE, secret, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict', maxAge: maxAgeSeconds });
    c.header('Cache-Control', 'no-store');
    return c.json(body, 201);
  },
);

sessions.openapi(
  secretRoute({
    method: 'post',
    path: '/embedded',
    operationId: 'createEmbeddedSession',
    tags: ['Dashboard'],
    summary: "Mint a dashboard session for the shop's own admin page (1 hour)",
    description:
      "Your server calls this and hands `sessionToken` to `<sc-shop-dashboard session-token>` on a page of one of the shop's allowed origins; the component sends it as a bearer.",
    request: { body: { content: { 'application/json': { schema: EmbeddedSessionCreateSchema } }, required: false } },
    responses: {
      201: { description: 'The session token.', content: { 'application/json': { schema: EmbeddedSessionSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await embeddedSession(c.env.DB, c.get('shop'), c.get('now')), 201),
);

sessions.openapi(
  sessionRoute({
    method: 'get',
    path: '/current',
    operationId: 'getCurrentSession',
    tags: ['Dashboard'],
    summary: 'The current dashboard session: its shop, expiry and CSRF token',
    responses: {
      200: { description: 'The session.', content: { 'application/json': { schema: SessionResultSchema } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await currentSession(c.env.DB, c.get('shop'), c.get('session')!), 200);
  },
);

sessions.openapi(
  sessionRoute({
    method: 'delete',
    path: '/current',
    operationId: 'signOut',
    tags: ['Dashboard'],
    summary: 'Sign out: ends the session and clears its cookie',
    request: { body: { content: { 'application/json': { schema: EmbeddedSessionCreateSchema } }, required: false } },
    responses: { 204: { description: 'Signed out.' }, ...errorResponses(401, 403) },
  }),
  async (c) => {
    await signOut(c.env.DB, c.get('session')!, c.get('now'));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
    return c.body(null, 204);
  },
);
