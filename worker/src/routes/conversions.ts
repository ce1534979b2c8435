/**
 * Conversions: orders reported by the shop (secret key, server to server, verified) or from the
 * thank-you page (publishable key, when the shop allows it, unverified). Reporting is idempotent on
 * (shop, order id): any number of identical reports, concurrent or not, make one conversion, one
 * ledger transaction and identical responses; a different report for the same order is a 409.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireKey } from '../middleware/auth.js';
import { idempotent } from '../middleware/idempotency.js';
import { validationHook } from '../lib/validation.js';
import {
  ConversionSchema, Currency, MinorAmount, OrderItemSchema, PageQuery, ReferralCode, errorResponses,
} from '../schemas.js';
import type { ShopRow } from '../db/shops.js';
import { toProductRule, toProgram } from '../db/shops.js';
import { clickBuffer, toClickFact } from '../db/clicks.js';
import type { ConversionRow } from '../db/conversions.js';
import { getConversion, insertConversionStatement, listConversions, loadReportContext } from '../db/conversions.js';
import { insertEntryStatements } from '../db/ledger.js';
import { attribute } from '../domain/attribution.js';
import type { ReferrerFact } from '../domain/attribution.js';
import { computeCommission } from '../domain/commission.js';
import type { OrderItem } from '../domain/commission.js';
import { commissionEntries } from '../domain/ledger.js';
import { detectSelfReferral, normalizeEmail, normalizePhone } from '../domain/self-referral.js';
import { hmacHex, saltedHash, sha256Hex } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { presentConversion } from '../lib/present.js';

const DAY_MS = 86_400_000;

export const ConversionReport = z
  .strictObject({
    orderId: z.string().min(1).max(128).openapi({ example: 'ORDER-1001' }),
    amountMinor: MinorAmount.openapi({ description: 'What the buyer paid, in minor units.' }),
    currency: Currency,
    items: z.array(OrderItemSchema).max(500).optional(),
    clickId: z.string().min(1).max(64).optional().openapi({ description: 'The click id the SDK exposed (ShareCart.attribution(), sc_ref cookie, hidden field).' }),
    referralCode: ReferralCode.optional().openapi({ description: 'A referral code from the landing URL, when no click id is known.' }),
    couponCode: z.string().min(1).max(64).optional().openapi({ description: 'A coupon the buyer typed; equal to a referrer code or vanity code, it attributes.' }),
    visitorId: z.string().min(8).max(64).optional().openapi({ description: 'The SDK visitor id, for first/last click across visits.' }),
    customer: z
      .strictObject({
        ref: z.string().min(1).max(128).optional(),
        email: z.string().email().max(254).optional(),
        phone: z.string().min(4).max(32).optional(),
        referrerToken: z.string().min(8).max(128).optional().openapi({ description: "The buyer's own referrer token, if the buyer also shares (self-referral check)." }),
      })
      .optional(),
    occurredAt: z.number().int().min(0).optional().openapi({ description: 'When the order was placed (ms); defaults to now. Attribution windows are measured from it.' }),
  })
  .openapi('ConversionReport');

type Report = z.infer<typeof ConversionReport>;

const ConversionResponse = z.object({
  conversion: ConversionSchema,
  buyerClaimToken: z.string().openapi({
    description: 'Give it to the thank-you page (<sc-order-tracker claim-token>) so the buyer can become a verified-buyer referrer in one tap.',
  }),
});

/** Canonical JSON (sorted keys) so that the same report always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A token that proves "this browser saw the confirmation of order X" — HMAC, no storage needed. */
export async function buyerClaimToken(shop: ShopRow, conversionId: string): Promise<string> {
  return `bct_${conversionId}.${(await hmacHex(shop.webhook_secret, `buyer-claim:${conversionId}`)).slice(0, 32)}`;
}

function toFact(r: { id: string; code: string; status: 'active' | 'pending' | 'blocked' }): ReferrerFact {
  return { id: r.id, code: r.code, status: r.status };
}

/**
 * Decides and records one reported order. Returns the stored conversion (ours or the one a
 * concurrent identical report stored first).
 */
export async function reportConversion(
  env: AppEnv['Bindings'],
  shop: ShopRow,
  report: Report,
  opts: { verified: boolean; now: number; catalogPrices: boolean },
): Promise<ConversionRow> {
  if (report.currency !== shop.currency) {
    throw new ApiError(400, 'currency_mismatch', `This shop sells in ${shop.currency}, not ${report.currency}.`);
  }
  const db = env.DB;
  const requestHash = await sha256Hex(canonical({ ...report, verified: opts.verified }));
  const now = opts.now;
  const orderAt = Math.min(report.occurredAt ?? now, now);
  const visitorHash = report.visitorId ? await saltedHash(env.IP_HASH_SALT, `visitor:${report.visitorId}`) : null;
  const buyerTokenHash = report.customer?.referrerToken ? await sha256Hex(report.customer.referrerToken) : null;
  const codes = [report.referralCode, report.couponCode].filter((x): x is string => !!x);
  // the window is bounded by the program, read in the same batch: ask for the widest allowed (365 d)
  const query = {
    shopId: shop.id, orderId: report.orderId, skus: (report.items ?? []).map((i) => i.sku), clickId: report.clickId ?? null,
    visitorHash, codes, since: orderAt - 365 * DAY_MS, until: orderAt, buyerTokenHash,
  };
  let ctx = await loadReportContext(db, query);
  if (ctx.existing) return sameOrConflict(ctx.existing, requestHash);
  if (report.clickId && !ctx.reportedClick) {
    // the click may still sit in the shop's ClickBuffer (or a concurrent request just flushed it)
    await clickBuffer(env, shop.id).flush();
    ctx = await loadReportContext(db, query);
  }
  if (!ctx.program) throw new Error(`shop ${shop.id} has no commission program`);
  const program = toProgram(ctx.program);
  const products = new Map(ctx.products.map((p) => [p.sku, p]));
  let items: OrderItem[] = report.items ?? [];
  let amountMinor = report.amountMinor;
  if (opts.catalogPrices) {
    // a browser report is not trusted: prices come from the catalogue, unknown products earn nothing
    const unknown = items.filter((i) => !products.has(i.sku)).map((i) => i.sku);
    if (unknown.length) throw new ApiError(400, 'unknown_product', `Unknown product(s): ${unknown.join(', ')}.`);
    items = items.map((i) => ({ ...i, unitPriceMinor: products.get(i.sku)!.price_minor }));
    const catalogue = items.reduce((s, i) => s + i.quantity * i.unitPriceMinor, 0);
    if (items.length) amountMinor = Math.min(amountMinor, catalogue);
  }

  // --- attribution ---
  const since = orderAt - program.windowDays * DAY_MS;
  const reportedClickRow = ctx.reportedClick;
  const others = ctx.visitorClicks.filter((c) => c.created_at >= since);
  const referrers = new Map(ctx.referrers.map((r) => [r.id, r]));
  const byCode = (code: string | undefined) =>
    code ? ctx.referrers.find((r) => r.code === code) ?? ctx.referrers.find((r) => r.vanity_code?.toLowerCase() === code.toLowerCase()) ?? null : null;
  const codeReferrer = byCode(report.referralCode);
  const couponReferrer = byCode(report.couponCode);
  const decision = attribute({
    now,
    orderAt,
    windowDays: program.windowDays,
    model: program.model,
    reportedClick: reportedClickRow ? toClickFact(reportedClickRow) : null,
    reportedClickId: report.clickId ?? null,
    visitorClicks: others.map(toClickFact),
    codeReferrer: codeReferrer ? toFact(codeReferrer) : null,
    couponReferrer: couponReferrer ? toFact(couponReferrer) : null,
    referrersById: new Map([...referrers.values()].map((r) => [r.id, toFact(r)])),
  });
  const referrer = decision.referrerId ? referrers.get(decision.referrerId) ?? null : null;

  // --- self-referral and holds ---
  const buyerReferrer = ctx.buyerReferrer;
  const self = referrer
    ? detectSelfReferral(
        { tokenHash: referrer.token_hash, customerRef: referrer.customer_ref, email: referrer.email, phone: referrer.phone },
        {
          tokenHash: buyerReferrer ? buyerReferrer.token_hash : null,
          customerRef: report.customer?.ref ?? null,
          email: report.customer?.email ?? null,
          phone: report.customer?.phone ?? null,
        },
      )
    : { self: false, reason: null };
  const commission = referrer
    ? computeCommission({ amountMinor, items, program, rules: new Map([...products.values()].map((p) => [p.sku, toProductRule(p)])) })
    : null;
  const holdReason = self.self ? `self_referral:${self.reason}` : referrer?.status === 'pending' ? 'referrer_pending' : null;
  const commissionMinor = commission?.commissionMinor ?? 0;
  const commissionStatus: ConversionRow['commission_status'] = commissionMinor === 0 ? 'none' : holdReason ? 'on_hold' : 'pending';

  const customerKey = report.customer?.ref ?? (report.customer?.email ? normalizeEmail(report.customer.email) : null) ??
    (report.customer?.phone ? normalizePhone(report.customer.phone) : null);
  const row: ConversionRow = {
    id: newId('conv'),
    shop_id: shop.id,
    order_id: report.orderId,
    amount_minor: amountMinor,
    currency: report.currency,
    items: JSON.stringify(items),
    referrer_id: referrer?.id ?? null,
    click_id: decision.clickId,
    source: decision.source,
    verified: opts.verified ? 1 : 0,
    customer_hash: customerKey ? await saltedHash(env.IP_HASH_SALT, `customer:${customerKey}`) : null,
    commission_minor: commissionMinor,
    commission_status: commissionStatus,
    explanation: JSON.stringify({
      attribution: decision,
      commission,
      selfReferral: self,
      hold: holdReason ? { reason: holdReason } : commissionMinor > 0 ? { until: now + program.holdDays * DAY_MS, holdDays: program.holdDays } : null,
      program: { kind: program.kind, rateBps: program.rateBps, flatMinor: program.flatMinor, capMinor: program.capMinor, holdDays: program.holdDays, windowDays: program.windowDays, model: program.model },
      reportedAmountMinor: report.amountMinor,
      verified: opts.verified,
    }),
    request_hash: requestHash,
    created_at: now,
  };

  const ours = { sql: 'EXISTS (SELECT 1 FROM conversions WHERE id = ?)', args: [row.id] };
  const statements = [insertConversionStatement(db, row)];
  if (referrer && commissionMinor > 0) {
    const drafts = commissionEntries({
      conversionId: row.id, commissionMinor, onHold: holdReason !== null, holdReason: holdReason ?? undefined, now, holdDays: program.holdDays,
    });
    statements.push(
      ...insertEntryStatements(db, { shopId: shop.id, referrerId: referrer.id, currency: row.currency, txnId: newId('txn'), conversionId: row.id, now }, drafts, ours),
    );
  }
  if (referrer) {
    statements.push(
      db
        .prepare(
          `INSERT INTO outbox_events (id, shop_id, type, payload, dedupe_key, next_attempt_at, created_at)
           SELECT ?, ?, 'conversion.attributed', ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM conversions WHERE id = ?)`,
        )
        .bind(
          newId('evt'), shop.id,
          JSON.stringify({ conversionId: row.id, orderId: row.order_id, referrerId: referrer.id, amountMinor, currency: row.currency, commissionMinor, commissionStatus, verified: opts.verified }),
          `conversion.attributed:${row.id}`, now, now, row.id,
        ),
    );
  }
  statements.push(db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?').bind(shop.id, report.orderId));
  const written = await db.batch(statements);
  const stored = (written.at(-1)!.results[0] as ConversionRow | undefined) ?? null;
  if (!stored) throw new Error('conversion vanished after insert');
  return stored.id === row.id ? stored : sameOrConflict(stored, requestHash);
}

function sameOrConflict(existing: ConversionRow, requestHash: string): ConversionRow {
  if (existing.request_hash !== requestHash) {
    throw new ApiError(409, 'order_conflict', `Order ${existing.order_id} was already reported with different details.`);
  }
  return existing;
}

// ---------------------------------------------------------------- routes

export const conversions = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });


conversions.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Conversions'],
    summary: 'Report an order (secret key)',
    middleware: [requireKey('secret'), idempotent] as const,
    description:
      'Attributes the order (click id, then referral code, then coupon code; last click within the window by default), computes the commission server-side and writes it to the ledger as pending. Idempotent on the order id, and on `Idempotency-Key` when sent.',
    security: [{ secretKey: [] }],
    request: {
      headers: z.object({ 'idempotency-key': z.string().max(255).optional() }),
      body: { content: { 'application/json': { schema: ConversionReport } }, required: true },
    },
    responses: {
      201: { description: 'The conversion (also for identical repeats).', content: { 'application/json': { schema: ConversionResponse } } },
      ...errorResponses(400, 401, 403, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const stored = await reportConversion(c.env, shop, c.req.valid('json'), { verified: true, now: c.get('now'), catalogPrices: false });
    return c.json({ conversion: presentConversion(stored), buyerClaimToken: await buyerClaimToken(shop, stored.id) }, 201);
  },
);

conversions.openapi(
  createRoute({
    method: 'post',
    path: '/browser',
    tags: ['Conversions'],
    summary: 'Report an order from the thank-you page (publishable key, unverified)',
    middleware: [requireKey('publishable')] as const,
    description: 'Only when the shop allows browser reports. Prices come from the product catalogue; the conversion is marked unverified.',
    security: [{ publishableKey: [] }],
    request: { body: { content: { 'application/json': { schema: ConversionReport.omit({ customer: true, occurredAt: true }) } }, required: true } },
    responses: {
      201: { description: 'The conversion.', content: { 'application/json': { schema: ConversionResponse } } },
      ...errorResponses(400, 401, 403, 409, 413, 415),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    if (shop.allow_browser_conversions !== 1) throw new ApiError(403, 'browser_conversions_disabled');
    const stored = await reportConversion(c.env, shop, c.req.valid('json'), { verified: false, now: c.get('now'), catalogPrices: true });
    return c.json({ conversion: presentConversion(stored), buyerClaimToken: await buyerClaimToken(shop, stored.id) }, 201);
  },
);

conversions.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Conversions'],
    summary: 'List conversions, newest first',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { query: PageQuery.extend({ referrerId: z.string().max(64).optional() }) },
    responses: {
      200: { description: 'A page of conversions.', content: { 'application/json': { schema: z.object({ data: z.array(ConversionSchema), nextCursor: z.string().nullable() }) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listConversions(c.env.DB, c.get('shop').id, { limit: q.limit, before: q.before, referrerId: q.referrerId });
    return c.json({ data: rows.map(presentConversion), nextCursor: rows.length === q.limit ? rows.at(-1)!.id : null }, 200);
  },
);

conversions.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Conversions'],
    summary: 'One conversion with its explanation',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: {
      200: { description: 'The conversion.', content: { 'application/json': { schema: z.object({ conversion: ConversionSchema }) } } },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const row = await getConversion(c.env.DB, c.get('shop').id, c.req.valid('param').id);
    if (!row) throw new ApiError(404, 'not_found', 'No such conversion in this shop.');
    return c.json({ conversion: presentConversion(row) }, 200);
  },
);
