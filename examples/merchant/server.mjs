#!/usr/bin/env node
/**
 * Harbour Leaf's own backend — the part of a shop that ShareCart never replaces. A small Node HTTP
 * server (its one dependency is openapi-fetch, the API client typed by ShareCart's OpenAPI document) that takes the demo shop's checkout form, prices the order from ITS OWN
 * catalogue (never the browser's prices), and reports it to ShareCart server-to-server with the
 * secret key and an Idempotency-Key. The secret key stays in this process: it is never sent to a
 * browser, logged, or put in a page.
 *
 *   POST /checkout   the checkout form (application/x-www-form-urlencoded) → 303 to the thank-you page
 *   GET  /orders     the orders this process took (JSON, newest first; no personal data)
 *   GET  /healthz    "ok"
 *   GET  /           a short status page
 *
 * Environment: PORT (8788), HOST (127.0.0.1), SHARECART_API (http://127.0.0.1:8787),
 * SHARECART_SECRET_KEY (required), SHOP_URL (the demo shop, default `${SHARECART_API}/shop/`).
 * See README.md beside this file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import createClient from 'openapi-fetch';

const SHIPPING_MINOR = 3000;
const FREE_SHIPPING_FROM_MINOR = 30000;
const MAX_BODY_BYTES = 32 * 1024;
const MAX_LINES = 50;
const CATALOGUE_TTL_MS = 60_000;

/**
 * The ShareCart API client for the server: openapi-fetch typed by the API's own document
 * (`sdk/src/api-types.ts`, generated from the worker's schemas by `npm run contract`), so a change
 * of the contract that breaks this backend fails `npm test`'s typecheck. The secret key as a bearer
 * token; retries (the same Idempotency-Key) on network errors, 429 and 5xx; any other error answer
 * is thrown with its stable `code`.
 * @param {{ api: string, secretKey: string, fetchImpl?: typeof fetch, retries?: number }} options
 */
export function sharecartClient({ api, secretKey, fetchImpl = fetch, retries = 3 }) {
  /** @type {import('openapi-fetch').Client<import('../../sdk/src/api-types.ts').paths>} */
  const client = createClient({
    baseUrl: api,
    headers: { authorization: `Bearer ${secretKey}` },
    fetch: (request) => fetchImpl(request),
  });

  /**
   * Runs one call, again after a failure worth retrying; the data of the first success.
   * @template T
   * @param {string} what
   * @param {() => Promise<{ data?: T, error?: { error?: { code?: string, message?: string } }, response: Response }>} run
   * @returns {Promise<T>}
   */
  async function withRetries(what, run) {
    /** @type {unknown} */
    let lastError;
    for (let attempt = 0; attempt < retries; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 200 * 3 ** (attempt - 1)));
      try {
        const { data, error, response } = await run();
        if (data !== undefined && response.ok) return data;
        const failure = Object.assign(new Error(error?.error?.message ?? `${what} answered ${response.status}`), {
          status: response.status,
          code: error?.error?.code ?? `http_${response.status}`,
        });
        if (response.status !== 429 && response.status < 500) throw failure; // a definite answer: do not retry
        lastError = failure;
      } catch (e) {
        const status = /** @type {{ status?: number }} */ (e).status;
        if (status && status !== 429 && status < 500) throw e;
        lastError = e;
      }
    }
    throw lastError;
  }

  return {
    /** The shop's products (one page of up to 500: a demo shop has a handful). */
    products: () => withRetries('GET /v1/products', () => client.GET('/v1/products', { params: { query: { limit: 500 } } })),
    program: () => withRetries('GET /v1/program', () => client.GET('/v1/program')),
    /** A team (team-buy) as ShareCart has it now: its product, status and checkout price. */
    team: (teamId) =>
      withRetries('GET /v1/teams/{teamId}', () => client.GET('/v1/teams/{teamId}', { params: { path: { teamId } } })),
    /**
     * Reports an order; the Idempotency-Key makes a retry (now or later) replay the first answer.
     * @param {import('../../sdk/src/api-types.ts').components['schemas']['ConversionReport']} report
     * @param {string} idempotencyKey
     */
    reportConversion: (report, idempotencyKey) =>
      withRetries('POST /v1/conversions', () =>
        client.POST('/v1/conversions', { body: report, params: { header: { 'idempotency-key': idempotencyKey } } }),
      ),
  };
}

/** Parses `a=1&b=2` into a Map of arrays (a field may repeat, e.g. `item`). */
function parseForm(text) {
  const fields = new Map();
  for (const [k, v] of new URLSearchParams(text)) fields.set(k, [...(fields.get(k) ?? []), v]);
  return { get: (k) => fields.get(k)?.[0]?.trim() ?? '', all: (k) => fields.get(k) ?? [] };
}

/** The referral click the ShareCart loader stored in the first-party `sc_ref` cookie, if unexpired. */
export function clickFromCookie(cookieHeader, now = Date.now()) {
  const m = /(?:^|;\s*)sc_ref=([^;]*)/.exec(cookieHeader ?? '');
  if (!m) return null;
  try {
    const ref = JSON.parse(decodeURIComponent(m[1]));
    return typeof ref.clickId === 'string' && CLICK_ID.test(ref.clickId) && !(ref.expires < now) ? ref.clickId : null;
  } catch {
    return null;
  }
}

/**
 * The team member token (team-buy) the ShareCart SDK keeps in the first-party `sc_team` cookie
 * (`{"teamId","memberToken","sku","expires"}`, URL-encoded JSON), if unexpired.
 */
export function teamTokenFromCookie(cookieHeader, now = Date.now()) {
  const m = /(?:^|;\s*)sc_team=([^;]*)/.exec(cookieHeader ?? '');
  if (!m) return null;
  try {
    const team = JSON.parse(decodeURIComponent(m[1]));
    return typeof team.memberToken === 'string' && MEMBER_TOKEN.test(team.memberToken) && !(team.expires < now)
      ? team.memberToken
      : null;
  } catch {
    return null;
  }
}

/** A member token names its team: `tmt_<20>_<32>` belongs to `team_<20>`. */
export const teamOfToken = (token) => `team_${MEMBER_TOKEN.exec(token)[1]}`;

const CLICK_ID = /^[\w-]{1,64}$/;
const MEMBER_TOKEN = /^tmt_([A-Za-z0-9]{20})_[A-Za-z0-9]{32}$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const COUPON = /^[A-Za-z0-9_-]{3,32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sha = (s) => createHash('sha256').update(s).digest('hex');

/**
 * Creates the merchant server (not yet listening).
 * @param {{ api: string, secretKey: string, shopUrl: string, fetchImpl?: typeof fetch, log?: (line: string) => void }} options
 */
export function createMerchantServer({ api, secretKey, shopUrl, fetchImpl = fetch, log = console.log }) {
  if (!secretKey?.startsWith('sk_')) throw new Error('SHARECART_SECRET_KEY must be the shop’s secret key (sk_…).');
  const sharecart = sharecartClient({ api, secretKey, fetchImpl });
  const shop = new URL(shopUrl);
  /** orders taken by this process, by order id (a real shop has a database) */
  const orders = new Map();

  let catalogue = null;
  async function loadCatalogue() {
    if (catalogue && catalogue.at > Date.now() - CATALOGUE_TTL_MS) return catalogue;
    const [{ data: products }, { program }] = await Promise.all([sharecart.products(), sharecart.program()]);
    catalogue = { at: Date.now(), products: new Map(products.map((p) => [p.sku, p])), program };
    return catalogue;
  }

  const back = (res, error) => redirect(res, new URL(`checkout?error=${encodeURIComponent(error)}`, shop).href);

  async function checkout(req, res) {
    // The form comes from the shop's pages only (a cross-site form post is refused).
    const origin = req.headers.origin;
    if (origin && origin !== shop.origin && origin !== `http://${req.headers.host}`) {
      return send(res, 403, 'text/plain', 'This form must be posted from the shop.');
    }
    const form = parseForm(await readBody(req));

    // 1. The cart, priced from the shop's own catalogue.
    const wanted = new Map();
    for (const raw of form.all('item').slice(0, MAX_LINES)) {
      const [sku, qty] = raw.split(':');
      const quantity = Number(qty);
      if (!SKU.test(sku ?? '') || !Number.isInteger(quantity) || quantity < 1 || quantity > 99) return back(res, 'invalid_cart');
      wanted.set(sku, Math.min(99, (wanted.get(sku) ?? 0) + quantity));
    }
    if (!wanted.size) return back(res, 'empty_cart');
    const email = form.get('email');
    if (!form.get('name') || !EMAIL.test(email)) return back(res, 'invalid_contact');

    const { products, program } = await loadCatalogue();
    const items = [];
    for (const [sku, quantity] of wanted) {
      const p = products.get(sku);
      if (!p || !p.active) return back(res, 'unknown_product');
      items.push({ sku, quantity, unitPriceMinor: p.priceMinor });
    }
    const currency = products.get(items[0].sku).currency;

    // 2. Team-buy: the member token the SDK put in the form, else its `sc_team` cookie. The team price
    //    comes from ShareCart (the team's own record), never from the browser; ShareCart checks at
    //    the report that the token is a member of that team and the price is the team's.
    const fieldTeam = form.get('sharecart_team');
    const memberToken = MEMBER_TOKEN.test(fieldTeam) ? fieldTeam : teamTokenFromCookie(req.headers.cookie);
    let teamMemberToken = null;
    if (memberToken) {
      const team = await sharecart
        .team(teamOfToken(memberToken))
        .then((r) => r.team)
        .catch(() => null); // no team price then: the order is taken at the catalogue price
      const line = team && team.checkoutPriceMinor != null && items.find((i) => i.sku === team.sku);
      if (line) {
        line.unitPriceMinor = team.checkoutPriceMinor;
        teamMemberToken = memberToken;
      }
    }
    const subtotal = items.reduce((s, i) => s + i.quantity * i.unitPriceMinor, 0);

    // 3. The referral: the click id the SDK put in the form, else its first-party cookie.
    const fieldClick = form.get('sharecart_click');
    const clickId = CLICK_ID.test(fieldClick) ? fieldClick : clickFromCookie(req.headers.cookie);
    const coupon = form.get('coupon') || null;
    const couponCode = coupon && COUPON.test(coupon) ? coupon : null;

    // 4. The friend reward the banner promised ("首單 9 折"), for a referred visitor.
    const reward = program.friendReward ?? { kind: 'none', value: 0 };
    const discount =
      !clickId || reward.kind === 'none'
        ? 0
        : reward.kind === 'percent'
          ? Math.round((subtotal * reward.value) / 10000)
          : Math.min(subtotal, reward.value);
    const amountMinor = subtotal - discount;
    const shipping = subtotal >= FREE_SHIPPING_FROM_MINOR ? 0 : SHIPPING_MINOR;

    // 5. One order per checkout attempt and cart: a re-sent form replays, never duplicates.
    const checkoutId = /^[\w-]{8,64}$/.test(form.get('checkout_id')) ? form.get('checkout_id') : randomUUID();
    const orderKey = sha(`${checkoutId}|${JSON.stringify(items)}|${clickId ?? ''}|${couponCode ?? ''}|${teamMemberToken ?? ''}`);
    const orderId = `HL-${orderKey.slice(0, 10).toUpperCase()}`;
    const known = orders.get(orderId);
    if (known) return redirect(res, known.thankYou);

    // 6. Report it to ShareCart with the secret key. The shop takes the order even if ShareCart is
    //    unreachable (the report can be sent again later with the same Idempotency-Key).
    const report = {
      orderId,
      amountMinor,
      currency,
      items,
      ...(clickId ? { clickId } : {}),
      ...(couponCode ? { couponCode } : {}),
      ...(teamMemberToken ? { teamMemberToken } : {}),
      customer: { email, ...(form.get('phone').length >= 4 ? { phone: form.get('phone').slice(0, 32) } : {}) },
    };
    let conversion = null;
    let claim = null;
    try {
      const answer = await sharecart.reportConversion(report, `order-${orderKey.slice(0, 32)}`);
      conversion = answer.conversion;
      claim = answer.buyerClaimToken;
    } catch (e) {
      log(
        `merchant: order ${orderId} taken, but reporting it to ShareCart failed (${e.code ?? e.message}); retry later with the same Idempotency-Key`,
      );
    }

    const thankYou = new URL('thank-you', shop);
    thankYou.search = new URLSearchParams({
      order: orderId,
      ...(claim ? { claim } : {}),
      amount: String(amountMinor),
      total: String(amountMinor + shipping),
      currency,
      sku: items[0].sku,
    }).toString();
    orders.set(orderId, {
      orderId,
      amountMinor,
      totalMinor: amountMinor + shipping,
      currency,
      items,
      clickId,
      couponCode,
      teamId: conversion?.teamId ?? null,
      conversionId: conversion?.id ?? null,
      commissionMinor: conversion?.commissionMinor ?? null,
      commissionStatus: conversion?.commissionStatus ?? null,
      createdAt: Date.now(),
      thankYou: thankYou.href,
    });
    log(
      `merchant: order ${orderId} ${currency} ${(amountMinor / 100).toFixed(2)}` +
        (clickId ? ` click ${clickId}` : '') +
        (teamMemberToken ? ` team ${teamOfToken(teamMemberToken)}` : '') +
        (conversion
          ? ` → ${conversion.id}, commission ${conversion.commissionMinor ?? 0} (${conversion.commissionStatus ?? 'none'})`
          : ''),
    );
    return redirect(res, thankYou.href);
  }

  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant.local');
    try {
      if (req.method === 'POST' && url.pathname === '/checkout') return await checkout(req, res);
      if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, 'text/plain', 'ok');
      if (req.method === 'GET' && url.pathname === '/orders') {
        const list = [...orders.values()].reverse().map(({ thankYou, ...o }) => o);
        return send(res, 200, 'application/json', JSON.stringify({ data: list }));
      }
      if (req.method === 'GET' && url.pathname === '/') {
        return send(
          res,
          200,
          'text/html; charset=utf-8',
          `<!doctype html><meta charset="utf-8"><title>Harbour Leaf backend</title><h1>Harbour Leaf 港葉茶舖 — merchant backend</h1>` +
            `<p>Takes the demo shop's checkout (POST /checkout) and reports each order to ShareCart with the secret key.</p>` +
            `<p>${orders.size} order(s) taken since start. <a href="/orders">/orders</a> · <a href="${escapeHtml(shop.href)}">the shop</a></p>`,
        );
      }
      return send(res, 404, 'text/plain', 'Not found');
    } catch (e) {
      if (e.status === 413) return send(res, 413, 'text/plain', 'The form is too large.');
      log(`merchant: ${req.method} ${url.pathname} failed: ${e.code ?? ''} ${e.message}`);
      if (req.method === 'POST' && url.pathname === '/checkout') return back(res, 'unavailable');
      return send(res, 500, 'text/plain', 'Something went wrong.');
    }
  });
}

function send(res, status, type, body) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  });
  res.end(body);
}

function redirect(res, location) {
  res.writeHead(303, { location, 'cache-control': 'no-store', 'referrer-policy': 'strict-origin-when-cross-origin' });
  res.end();
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------- run

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api = (process.env.SHARECART_API ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  const secretKey = process.env.SHARECART_SECRET_KEY;
  if (!secretKey) {
    console.error('merchant: set SHARECART_SECRET_KEY to the shop’s secret key (sk_…). `npm start` does this for the demo shop.');
    process.exit(1);
  }
  const shopUrl = process.env.SHOP_URL ?? `${api}/shop/`;
  const port = Number(process.env.PORT ?? 8788);
  const host = process.env.HOST ?? '127.0.0.1';
  const server = createMerchantServer({ api, secretKey, shopUrl });
  server.listen(port, host, () =>
    console.log(`merchant: Harbour Leaf backend on http://${host}:${port}/ (shop ${shopUrl}, API ${api})`),
  );
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
