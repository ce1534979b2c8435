/**
 * The conversion desk: decides and records reported orders for ONE shop, inside that shop's
 * Durable Object (so every report of a shop passes through one place, one at a time per order).
 *
 * Why here and not in the stateless worker: attribution needs the shop's program, products,
 * referrers and clicks. The object keeps the program, products and referrers in memory
 * (invalidated whenever they change), finds clicks in its own SQLite copy (clicks are written
 * there first, see click-buffer.ts), and group-commits the D1 writes of concurrent reports in one
 * batch. A report then costs no D1 read and a fraction of a D1 write, instead of three round trips.
 *
 * Correctness does not rest on the object alone: identical reports in flight share one promise,
 * recent orders are remembered, and in D1 `UNIQUE (shop_id, order_id)` with `ON CONFLICT DO NOTHING`
 * plus "insert ledger rows only if our conversion row won" stays the last line of defence.
 */
import { attribute } from '../domain/attribution.js';
import type { ReferrerFact } from '../domain/attribution.js';
import { computeCommission } from '../domain/commission.js';
import type { OrderItem } from '../domain/commission.js';
import { commissionEntries } from '../domain/ledger.js';
import { detectSelfReferral, normalizeEmail, normalizePhone } from '../domain/self-referral.js';
import type { ShopRow, ProductRow, ProgramRow } from '../db/shops.js';
import { toProductRule, toProgram } from '../db/shops.js';
import type { ReferrerRow } from '../db/referrers.js';
import type { ClickRow } from '../db/clicks.js';
import { toClickFact } from '../db/clicks.js';
import type { ConversionRow } from '../db/conversions.js';
import { insertConversionStatement } from '../db/conversions.js';
import { insertEntryStatements } from '../db/ledger.js';
import { outboxStatement } from '../db/outbox.js';
import { sha256Hex } from '../lib/crypto.js';
import { customerHash as customerPseudonym, visitorHash as visitorPseudonym } from '../lib/pseudonyms.js';
import { newId } from '../lib/ids.js';

const DAY_MS = 86_400_000;
const CACHE_MS = 30_000;
const MAX_GROUP = 40;

/** What a shop reports (validated by the route's schema before it gets here). */
export interface ConversionReportInput {
  orderId: string;
  amountMinor: number;
  currency: string;
  items?: OrderItem[];
  clickId?: string;
  referralCode?: string;
  couponCode?: string;
  visitorId?: string;
  customer?: { ref?: string; email?: string; phone?: string; referrerToken?: string };
  occurredAt?: number;
}

export type DeskResult =
  | { ok: true; row: ConversionRow }
  | {
      ok: false;
      status: 400 | 409;
      code: 'currency_mismatch' | 'unknown_product' | 'invalid_amount' | 'order_conflict';
      message: string;
    };

/** Canonical JSON (sorted keys, undefined dropped) so that the same report always hashes the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

class Rejection {
  constructor(readonly result: Extract<DeskResult, { ok: false }>) {}
}

interface PendingWrite {
  statements: D1PreparedStatement[];
  orderId: string;
  resolve: (row: ConversionRow) => void;
  reject: (error: unknown) => void;
}

export class ConversionDesk {
  private program: { row: ProgramRow; at: number } | null = null;
  private products: { rows: Map<string, ProductRow>; at: number } | null = null;
  private readonly referrersById = new Map<string, { row: ReferrerRow; at: number }>();
  /** exact referral code → id, and lower-cased vanity code → id */
  private readonly idByCode = new Map<string, string>();
  private readonly idByVanity = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<ConversionRow>>();
  private readonly recent = new Map<string, ConversionRow>();
  private queue: PendingWrite[] = [];
  private committing = false;

  constructor(
    private readonly env: Env & { IP_HASH_SALT?: string },
    private readonly localClick: (id: string) => ClickRow | null,
    private readonly localVisitorClicks: (visitorHash: string, since: number, until: number) => ClickRow[],
  ) {}

  /** Forget cached program, products and referrers (call after any of them changes). */
  invalidate(): void {
    this.program = null;
    this.products = null;
    this.referrersById.clear();
    this.idByCode.clear();
    this.idByVanity.clear();
  }

  /** Decides and records one reported order. Identical reports share one result. */
  async report(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; catalogPrices: boolean },
  ): Promise<DeskResult> {
    if (report.currency !== shop.currency) {
      return {
        ok: false,
        status: 400,
        code: 'currency_mismatch',
        message: `This shop sells in ${shop.currency}, not ${report.currency}.`,
      };
    }
    const requestHash = await sha256Hex(canonical({ ...report, verified: opts.verified }));
    try {
      const known = this.recent.get(report.orderId);
      if (known) return { ok: true, row: sameOrConflict(known, requestHash) };
      const flying = this.inflight.get(report.orderId);
      if (flying) return { ok: true, row: sameOrConflict(await flying, requestHash) };
      const work = this.decideAndWrite(shop, report, opts, requestHash);
      this.inflight.set(report.orderId, work);
      let row: ConversionRow;
      try {
        row = await work;
      } finally {
        this.inflight.delete(report.orderId);
      }
      this.remember(row);
      return { ok: true, row: sameOrConflict(row, requestHash) };
    } catch (error) {
      if (error instanceof Rejection) return error.result;
      throw error;
    }
  }

  private remember(row: ConversionRow) {
    this.recent.set(row.order_id, row);
    if (this.recent.size > 5000) this.recent.delete(this.recent.keys().next().value!);
  }

  /** The shop's program row, from memory (also used by click ingest for the window and friend reward). */
  async programRow(shopId: string, now: number): Promise<ProgramRow> {
    if (this.program && now - this.program.at < CACHE_MS) return this.program.row;
    const row = await this.env.DB.prepare('SELECT * FROM commission_programs WHERE shop_id = ?').bind(shopId).first<ProgramRow>();
    if (!row) throw new Error(`shop ${shopId} has no commission program`);
    this.program = { row, at: now };
    return row;
  }

  /** An active-or-not referrer by code or vanity code, from memory (also used by click ingest). */
  async referrerByCode(shopId: string, code: string, now: number): Promise<ReferrerRow | null> {
    return (await this.referrers(shopId, [], [code], now)).byCode(code);
  }

  private async productRows(shopId: string, now: number): Promise<Map<string, ProductRow>> {
    if (this.products && now - this.products.at < CACHE_MS) return this.products.rows;
    const { results } = await this.env.DB.prepare('SELECT * FROM products WHERE shop_id = ?').bind(shopId).all<ProductRow>();
    this.products = { rows: new Map(results.map((p) => [p.sku, p])), at: now };
    return this.products.rows;
  }

  /** Referrers by id and by code/vanity code, from memory; the misses in one D1 query. */
  private async referrers(shopId: string, ids: string[], codes: string[], now: number) {
    const fresh = (id: string | undefined) => {
      const hit = id ? this.referrersById.get(id) : undefined;
      return hit && now - hit.at < CACHE_MS ? hit.row : null;
    };
    const missingIds = ids.filter((id) => !fresh(id));
    const idOfCode = (c: string) => this.idByCode.get(c) ?? this.idByVanity.get(c.toLowerCase());
    const missingCodes = codes.filter((c) => !fresh(idOfCode(c)));
    if (missingIds.length || missingCodes.length) {
      const { results } = await this.env.DB.prepare(
        `SELECT * FROM referrers WHERE shop_id = ?1 AND (id IN (SELECT value FROM json_each(?2))
           OR code IN (SELECT value FROM json_each(?3)) OR vanity_code IN (SELECT value FROM json_each(?3)))`,
      )
        .bind(shopId, JSON.stringify(missingIds), JSON.stringify(missingCodes))
        .all<ReferrerRow>();
      for (const r of results) {
        this.referrersById.set(r.id, { row: r, at: now });
        this.idByCode.set(r.code, r.id);
        if (r.vanity_code) this.idByVanity.set(r.vanity_code.toLowerCase(), r.id);
      }
      if (this.referrersById.size > 20_000) this.invalidate();
    }
    // an exact code beats a vanity code that differs only in case
    const byCode = (code: string | undefined): ReferrerRow | null => (code ? fresh(idOfCode(code)) : null);
    return { byId: (id: string) => fresh(id), byCode };
  }

  private async findClick(shopId: string, clickId: string): Promise<ClickRow | null> {
    const local = this.localClick(clickId);
    if (local) return local;
    // clicks older than this object's copy (or loaded in bulk) are only in D1
    return this.env.DB.prepare('SELECT * FROM clicks WHERE id = ? AND shop_id = ?').bind(clickId, shopId).first<ClickRow>();
  }

  private async decideAndWrite(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; catalogPrices: boolean },
    requestHash: string,
  ): Promise<ConversionRow> {
    const env = this.env;
    const salt = env.IP_HASH_SALT ?? '';
    const now = opts.now;
    const orderAt = Math.min(report.occurredAt ?? now, now);
    const [programRow, products] = await Promise.all([this.programRow(shop.id, now), this.productRows(shop.id, now)]);
    const program = toProgram(programRow);

    let items: OrderItem[] = report.items ?? [];
    let amountMinor = report.amountMinor;
    if (opts.catalogPrices) {
      // a browser report is not trusted: prices come from the catalogue, unknown products are refused
      const unknown = items.filter((i) => !products.has(i.sku)).map((i) => i.sku);
      if (unknown.length)
        throw new Rejection({
          ok: false,
          status: 400,
          code: 'unknown_product',
          message: `Unknown product(s): ${unknown.join(', ')}.`,
        });
      items = items.map((i) => ({ ...i, unitPriceMinor: products.get(i.sku)!.price_minor }));
      const catalogue = items.reduce((s, i) => s + i.quantity * i.unitPriceMinor, 0);
      if (items.length) amountMinor = Math.min(amountMinor, catalogue);
    }

    // --- attribution ---
    const since = orderAt - program.windowDays * DAY_MS;
    const reportedClick = report.clickId ? await this.findClick(shop.id, report.clickId) : null;
    const visitorHash = reportedClick?.visitor_hash ?? (report.visitorId ? await visitorPseudonym(salt, report.visitorId) : null);
    const visitorClicks = visitorHash ? this.localVisitorClicks(visitorHash, since, orderAt) : [];
    const codes = [report.referralCode, report.couponCode].filter((x): x is string => !!x);
    const lookup = await this.referrers(
      shop.id,
      [...(reportedClick ? [reportedClick.referrer_id] : []), ...visitorClicks.map((c) => c.referrer_id)],
      codes,
      now,
    );
    const codeReferrer = lookup.byCode(report.referralCode);
    const couponReferrer = lookup.byCode(report.couponCode);
    const known = new Map<string, ReferrerFact>();
    for (const r of [
      ...(reportedClick ? [lookup.byId(reportedClick.referrer_id)] : []),
      ...visitorClicks.map((c) => lookup.byId(c.referrer_id)),
      codeReferrer,
      couponReferrer,
    ]) {
      if (r) known.set(r.id, toFact(r));
    }
    const decision = attribute({
      now,
      orderAt,
      windowDays: program.windowDays,
      model: program.model,
      reportedClick: reportedClick ? toClickFact(reportedClick) : null,
      reportedClickId: report.clickId ?? null,
      visitorClicks: visitorClicks.map(toClickFact),
      codeReferrer: codeReferrer ? toFact(codeReferrer) : null,
      couponReferrer: couponReferrer ? toFact(couponReferrer) : null,
      referrersById: known,
    });
    const referrer = decision.referrerId ? lookup.byId(decision.referrerId) : null;

    // --- self-referral and holds ---
    const buyerTokenHash = report.customer?.referrerToken ? await sha256Hex(report.customer.referrerToken) : null;
    const customerKey =
      report.customer?.ref ??
      (report.customer?.email ? normalizeEmail(report.customer.email) : null) ??
      (report.customer?.phone ? normalizePhone(report.customer.phone) : null);
    const customerHash = customerKey ? await customerPseudonym(salt, customerKey) : null;
    const self = referrer
      ? detectSelfReferral(
          { tokenHash: referrer.token_hash, customerRef: referrer.customer_ref, email: referrer.email, phone: referrer.phone },
          {
            tokenHash: buyerTokenHash,
            customerRef: buyerCustomerRef(referrer.customer_ref, report.customer?.ref ?? null, customerHash),
            email: report.customer?.email ?? null,
            phone: report.customer?.phone ?? null,
          },
        )
      : { self: false, reason: null };
    const commission = referrer ? commissionOrRejection(amountMinor, items, program, products) : null;
    const holdReason = self.self ? `self_referral:${self.reason}` : referrer?.status === 'pending' ? 'referrer_pending' : null;
    const commissionMinor = commission?.commissionMinor ?? 0;
    const commissionStatus: ConversionRow['commission_status'] =
      commissionMinor === 0 ? 'none' : holdReason ? 'on_hold' : 'pending';

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
      customer_hash: customerHash,
      commission_minor: commissionMinor,
      commission_status: commissionStatus,
      explanation: JSON.stringify({
        attribution: decision,
        commission,
        selfReferral: self,
        hold: holdReason
          ? { reason: holdReason }
          : commissionMinor > 0
            ? { until: now + program.holdDays * DAY_MS, holdDays: program.holdDays }
            : null,
        program: {
          kind: program.kind,
          rateBps: program.rateBps,
          flatMinor: program.flatMinor,
          capMinor: program.capMinor,
          holdDays: program.holdDays,
          windowDays: program.windowDays,
          model: program.model,
        },
        reportedAmountMinor: report.amountMinor,
        verified: opts.verified,
      }),
      request_hash: requestHash,
      created_at: now,
    };

    const db = env.DB;
    const ours = { sql: 'EXISTS (SELECT 1 FROM conversions WHERE id = ?)', args: [row.id] };
    const statements = [insertConversionStatement(db, row)];
    if (referrer && commissionMinor > 0) {
      const drafts = commissionEntries({
        conversionId: row.id,
        commissionMinor,
        onHold: holdReason !== null,
        holdReason: holdReason ?? undefined,
        now,
        holdDays: program.holdDays,
      });
      statements.push(
        ...insertEntryStatements(
          db,
          { shopId: shop.id, referrerId: referrer.id, currency: row.currency, txnId: newId('txn'), conversionId: row.id, now },
          drafts,
          ours,
        ),
      );
    }
    if (referrer) {
      statements.push(
        outboxStatement(db, {
          shopId: shop.id,
          type: 'conversion.attributed',
          payload: {
            conversionId: row.id,
            orderId: row.order_id,
            referrerId: referrer.id,
            amountMinor,
            currency: row.currency,
            commissionMinor,
            commissionStatus,
            verified: opts.verified,
          },
          dedupeKey: `conversion.attributed:${row.id}`,
          now,
          onlyIf: ours,
        }),
      );
    }
    statements.push(db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?').bind(shop.id, report.orderId));
    return this.commit(statements, report.orderId);
  }

  /** Queues one report's statements; concurrent reports are written in one D1 batch (one transaction). */
  private commit(statements: D1PreparedStatement[], orderId: string): Promise<ConversionRow> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, orderId, resolve, reject });
      if (!this.committing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.committing = true;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, MAX_GROUP);
        try {
          const results = await this.env.DB.batch(group.flatMap((w) => w.statements));
          let offset = 0;
          for (const w of group) {
            offset += w.statements.length;
            const stored = results[offset - 1]!.results[0] as ConversionRow | undefined;
            if (stored) w.resolve(stored);
            else w.reject(new Error(`conversion ${w.orderId} vanished after insert`));
          }
        } catch (error) {
          if (group.length === 1) {
            group[0]!.reject(error);
            continue;
          }
          // one bad write must not sink the others: write them one by one
          for (const w of group) {
            try {
              const results = await this.env.DB.batch(w.statements);
              const stored = results.at(-1)!.results[0] as ConversionRow | undefined;
              if (stored) w.resolve(stored);
              else w.reject(new Error(`conversion ${w.orderId} vanished after insert`));
            } catch (single) {
              w.reject(single);
            }
          }
        }
      }
    } finally {
      this.committing = false;
    }
  }
}

/**
 * The commission, or a 400 `invalid_amount` when the amounts leave the safe-integer range (e.g. a
 * catalogue price × quantity, or a flat override × quantity, beyond 2^53 − 1): bad input, not a 500.
 */
function commissionOrRejection(
  amountMinor: number,
  items: OrderItem[],
  program: ReturnType<typeof toProgram>,
  products: Map<string, ProductRow>,
) {
  try {
    return computeCommission({
      amountMinor,
      items,
      program,
      rules: new Map([...products.values()].map((p) => [p.sku, toProductRule(p)])),
    });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new Rejection({
        ok: false,
        status: 400,
        code: 'invalid_amount',
        message: `The order's amounts are out of range: ${error.message}.`,
      });
    }
    throw error;
  }
}

/**
 * The buyer's customer id in the form the referrer's is stored in. A referrer who became one from a
 * buyer claim token carries `hash:<customer_hash of that order>` (the raw id is never stored), so
 * the buyer is compared by the same salted hash; otherwise by the shop's raw customer ref.
 */
function buyerCustomerRef(referrerRef: string | null, buyerRef: string | null, buyerHash: string | null): string | null {
  if (referrerRef?.startsWith('hash:')) return buyerHash ? `hash:${buyerHash}` : null;
  return buyerRef;
}

function toFact(r: { id: string; code: string; status: 'active' | 'pending' | 'blocked' }): ReferrerFact {
  return { id: r.id, code: r.code, status: r.status };
}

function sameOrConflict(existing: ConversionRow, requestHash: string): ConversionRow {
  if (existing.request_hash !== requestHash) {
    throw new Rejection({
      ok: false,
      status: 409,
      code: 'order_conflict',
      message: `Order ${existing.order_id} was already reported with different details.`,
    });
  }
  return existing;
}
