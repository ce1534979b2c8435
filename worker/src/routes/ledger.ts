/** Ledger, balances and payouts (secret key). Balances are sums of entries, never counters. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';
import { requireKey } from '../middleware/auth.js';
import { idempotent } from '../middleware/idempotency.js';
import { validationHook } from '../lib/validation.js';
import { BalancesSchema, LedgerEntrySchema, PositiveMinorAmount, errorResponses } from '../schemas.js';
import { insertEntryStatements, listLedger, referrerBalances, shopBalancesByReferrer } from '../db/ledger.js';
import { getReferrer } from '../db/referrers.js';
import { LedgerRuleError } from '../domain/ledger.js';
import { payoutEntries } from '../domain/payouts.js';
import { newId } from '../lib/ids.js';
import { presentLedgerEntry } from '../lib/present.js';

export const ledger = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

ledger.openapi(
  createRoute({
    method: 'get',
    path: '/ledger',
    tags: ['Ledger'],
    summary: 'Ledger entries in write order (append-only)',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(200),
        after: z.coerce.number().int().min(0).optional().openapi({ description: 'Return entries with seq greater than this.' }),
        referrerId: z.string().max(64).optional(),
      }),
    },
    responses: {
      200: {
        description: 'A page of entries.',
        content: {
          'application/json': { schema: z.object({ data: z.array(LedgerEntrySchema), nextAfter: z.number().nullable() }) },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const shop = c.get('shop');
    const rows = await listLedger(c.env.DB, shop.id, { limit: q.limit, afterSeq: q.after, referrerId: q.referrerId });
    return c.json({ data: rows.map(presentLedgerEntry), nextAfter: rows.length === q.limit ? rows.at(-1)!.seq : null }, 200);
  },
);

ledger.openapi(
  createRoute({
    method: 'get',
    path: '/balances',
    tags: ['Ledger'],
    summary: 'Balances per referrer (on hold, pending, available, paid)',
    middleware: [requireKey('secret')] as const,
    security: [{ secretKey: [] }],
    responses: {
      200: {
        description: 'Balances.',
        content: {
          'application/json': {
            schema: z.object({
              data: z.array(z.object({ referrerId: z.string(), balances: BalancesSchema })),
              totals: BalancesSchema,
            }),
          },
        },
      },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const rows = await shopBalancesByReferrer(c.env.DB, shop.id);
    const by = new Map<string, { currency: string; onHold: number; pending: number; available: number; paid: number }>();
    const totals = { currency: shop.currency, onHold: 0, pending: 0, available: 0, paid: 0 };
    const field = { on_hold: 'onHold', pending: 'pending', available: 'available', paid: 'paid' } as const;
    for (const r of rows) {
      const b = by.get(r.referrer_id) ?? { currency: shop.currency, onHold: 0, pending: 0, available: 0, paid: 0 };
      b[field[r.bucket]] = r.total;
      totals[field[r.bucket]] += r.total;
      by.set(r.referrer_id, b);
    }
    return c.json({ data: [...by].map(([referrerId, balances]) => ({ referrerId, balances })), totals }, 200);
  },
);

ledger.openapi(
  createRoute({
    method: 'post',
    path: '/payouts',
    tags: ['Ledger'],
    summary: 'Pay a referrer out of their available balance',
    description:
      'Writes payout entries (available → paid). Without amountMinor, pays the whole available balance. Send an Idempotency-Key.',
    middleware: [requireKey('secret'), idempotent] as const,
    security: [{ secretKey: [] }],
    request: {
      body: {
        content: {
          'application/json': {
            schema: z.strictObject({ referrerId: z.string().max(64), amountMinor: PositiveMinorAmount.optional() }),
          },
        },
        required: true,
      },
    },
    responses: {
      201: {
        description: 'The payout.',
        content: {
          'application/json': {
            schema: z.object({
              payout: z.object({
                id: z.string(),
                referrerId: z.string(),
                amountMinor: z.number(),
                currency: z.string(),
                createdAt: z.number(),
              }),
              balances: BalancesSchema,
            }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const shop = c.get('shop');
    const db = c.env.DB;
    const now = c.get('now');
    const body = c.req.valid('json');
    const referrer = await getReferrer(db, shop.id, body.referrerId);
    if (!referrer) throw new ApiError(404, 'not_found', 'No such referrer in this shop.');
    const balances = await referrerBalances(db, referrer.id, shop.currency);
    const amount = body.amountMinor ?? balances.available;
    const id = newId('po');
    let drafts;
    try {
      drafts = payoutEntries({ payoutId: id, referrerBalances: balances, amountMinor: amount });
    } catch (error) {
      if (error instanceof LedgerRuleError) {
        throw new ApiError(422, 'insufficient_available', `Available is ${balances.available}; cannot pay ${amount}.`);
      }
      throw error;
    }
    // written only if the available balance is still what we read (no concurrent payout in between)
    const guard = {
      sql: `(SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries WHERE referrer_id = ? AND bucket = 'available') = ?`,
      args: [referrer.id, balances.available],
    };
    const payoutGuard = { sql: 'EXISTS (SELECT 1 FROM payouts WHERE id = ?)', args: [id] };
    await db.batch([
      db
        .prepare(
          `INSERT INTO payouts (id, shop_id, referrer_id, amount_minor, currency, created_at) SELECT ?, ?, ?, ?, ?, ? WHERE ${guard.sql}`,
        )
        .bind(id, shop.id, referrer.id, amount, shop.currency, now, ...guard.args),
      ...insertEntryStatements(
        db,
        { shopId: shop.id, referrerId: referrer.id, currency: shop.currency, txnId: newId('txn'), payoutId: id, now },
        drafts,
        payoutGuard,
      ),
    ]);
    const written = await db.prepare('SELECT * FROM payouts WHERE id = ?').bind(id).first<{ id: string; created_at: number }>();
    if (!written) throw new ApiError(409, 'insufficient_available', 'The balance changed while paying out; retry.');
    return c.json(
      {
        payout: { id, referrerId: referrer.id, amountMinor: amount, currency: shop.currency, createdAt: now },
        balances: await referrerBalances(db, referrer.id, shop.currency),
      },
      201,
    );
  },
);
