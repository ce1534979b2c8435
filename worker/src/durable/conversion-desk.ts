/**
 * The conversion desk: decides and records reported orders for ONE shop, inside that shop's
 * Durable Object (so every report of a shop passes through one place, one at a time per order).
 *
 * Why here and not in the stateless worker: attribution needs the shop's program, products,
 * referrers and clicks. The object keeps the program, the products and referrers it has seen in
 * bounded caches (invalidated whenever they change), finds clicks in its own SQLite copy (clicks
 * are written there first, see click-buffer.ts), and group-commits the D1 writes of concurrent new
 * orders in one batch. A report then costs no D1 read and a fraction of a D1 write.
 *
 * Who may say what (guarantee 17): the shop's server (secret key) reports verified orders. A
 * browser report (publishable key) is unverified: priced only from the catalogue, its commission
 * held (`on_hold`, reason `unverified`) and never payable on its own. The shop's server report of
 * the same order supersedes it exactly once — the conversion becomes verified with the server's
 * amount, customer and attribution, and the ledger takes back the browser's commission and
 * credits the server's (new entries, never edits). A browser report of an order already recorded
 * changes nothing.
 *
 * Correctness does not rest on the object alone: reports of one order are serialized here, recent
 * orders are remembered, and in D1 `UNIQUE (shop_id, order_id)` with `ON CONFLICT DO NOTHING`,
 * "insert ledger rows only if our conversion row won" and "upgrade only while unverified" stay the
 * last line of defence.
 */
import { attribute } from '../domain/attribution.js';
import type { ReferrerFact } from '../domain/attribution.js';
import { computeCommission } from '../domain/commission.js';
import type { CommissionResult, OrderItem, Program } from '../domain/commission.js';
import { commissionEntries, cumulativeReversalMinor, withdrawEntries } from '../domain/ledger.js';
import { detectSelfReferral, normalizeEmail, normalizePhone } from '../domain/self-referral.js';
import type { ShopRow } from '../db/shops.js';
import type { ProductRow, ProgramRow } from '../db/catalog.js';
import { toProductRule, toProgram } from '../db/catalog.js';
import type { ReferrerRow } from '../db/referrers.js';
import { findReferrersWithDevices } from '../db/referrers.js';
import type { ClickRow } from '../db/clicks.js';
import { toClickFact } from '../db/clicks.js';
import type { ConversionRow } from '../db/conversions.js';
import {
  addToShopTotalStatement,
  fitsShopLimit,
  insertConversionStatement,
  upgradeConversionStatement,
} from '../db/conversions.js';
import { refundsOf } from '../db/refunds.js';
import { clearSettledDueStatement, conversionBalancesForRefund, dueStatement, insertEntryStatements } from '../db/ledger.js';
import { outboxStatement } from '../db/outbox.js';
import { sha256Hex } from '../lib/crypto.js';
import { customerHash as customerPseudonym, requestFingerprint, visitorHash as visitorPseudonym } from '../lib/pseudonyms.js';
import { newId } from '../lib/ids.js';
import { BoundedCache } from './bounded-cache.js';

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

/**
 * `created` a new conversion; `replayed` the same report again; `upgraded` the shop's server report
 * superseded a browser report; `unchanged` a browser report of an order already recorded (nothing
 * was written).
 */
export type ReportOutcome = 'created' | 'replayed' | 'upgraded' | 'unchanged';

export type DeskRejection = {
  ok: false;
  status: 400 | 409 | 422 | 429;
  code:
    | 'currency_mismatch'
    | 'unknown_product'
    | 'invalid_amount'
    | 'amount_exceeds_catalogue'
    | 'order_conflict'
    | 'shop_limit_reached'
    | 'rate_limited';
  message: string;
  retryAfterMs?: number;
};

export type DeskResult = { ok: true; row: ConversionRow; outcome: ReportOutcome } | DeskRejection;

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
  constructor(readonly result: DeskRejection) {}
}

const reject = (status: DeskRejection['status'], code: DeskRejection['code'], message: string) =>
  new Rejection({ ok: false, status, code, message });

interface PendingWrite {
  statements: D1PreparedStatement[];
  orderId: string;
  resolve: (row: ConversionRow | null) => void;
  reject: (error: unknown) => void;
}

type CachedReferrer = { row: ReferrerRow; devices: string[]; at: number };

/** What one referrer read found (concurrent callers waiting on it use this, whatever their clock). */
type LoadedReferrers = {
  byId: Map<string, CachedReferrer>;
  idByCode: Map<string, string>;
  idByVanity: Map<string, string>;
};

/** What one report decided, before anything is written. */
interface Decision {
  row: ConversionRow;
  referrer: ReferrerRow | null;
  program: Program;
  commission: CommissionResult | null;
  holdReason: string | null;
}

/** Sizes of the desk's caches, for `metrics()` and the memory tests. */
export interface DeskCacheSizes {
  recentOrders: number;
  recentOrderBytes: number;
  referrers: number;
  unknownCodes: number;
  products: number;
}

export class ConversionDesk {
  /** Recent conversions by order id, bounded in bytes (a 500-item order is ~40 KB). */
  static readonly RECENT_BYTES = 2 * 1024 * 1024;
  static readonly MAX_REFERRERS = 5_000;
  static readonly MAX_UNKNOWN_CODES = 10_000;
  static readonly MAX_PRODUCTS = 2_000;

  private program: { row: ProgramRow; at: number } | null = null;
  /** by sku; `null` caches "no such product" */
  private readonly products = new BoundedCache<string, { row: ProductRow | null; at: number }>({
    maxEntries: ConversionDesk.MAX_PRODUCTS,
  });
  private readonly referrersById = new BoundedCache<string, CachedReferrer>({
    maxEntries: ConversionDesk.MAX_REFERRERS,
    onEvict: (_, r) => {
      this.idByCode.delete(r.row.code);
      if (r.row.vanity_code) this.idByVanity.delete(r.row.vanity_code.toLowerCase());
    },
  });
  /** exact referral code → id, and lower-cased vanity code → id (only for cached referrers) */
  private readonly idByCode = new Map<string, string>();
  private readonly idByVanity = new Map<string, string>();
  /** codes D1 had no referrer for, so a flood of them costs no D1 read */
  private readonly unknownCodes = new BoundedCache<string, number>({ maxEntries: ConversionDesk.MAX_UNKNOWN_CODES });
  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly recent = new BoundedCache<string, ConversionRow>({
    maxEntries: 20_000,
    maxBytes: ConversionDesk.RECENT_BYTES,
    sizeOf: (r) => 400 + r.items.length + r.explanation.length + r.order_id.length,
  });
  private queue: PendingWrite[] = [];
  private committing = false;

  constructor(
    private readonly env: Env & { IP_HASH_SALT?: string },
    private readonly db: D1Database,
    private readonly localClick: (id: string) => ClickRow | null,
    private readonly localVisitorClicks: (visitorHash: string, since: number, until: number) => ClickRow[],
    /** told when the ledger will owe this shop work (a hold ends, an unconfirmed report expires) */
    private readonly onDue: (at: number) => void,
  ) {}

  /** Forget cached program, products and referrers (call after any of them changes). */
  invalidate(what: 'all' | 'program' | 'products' | 'referrers' = 'all'): void {
    if (what === 'all' || what === 'program') {
      this.program = null;
      this.programLoading = null;
    }
    if (what === 'all' || what === 'products') this.products.clear();
    if (what === 'all' || what === 'referrers') {
      this.referrersById.clear();
      this.unknownCodes.clear();
      this.loading.clear();
    }
  }

  /** Forget one referrer (its status, contact or devices changed), or a code that now exists. */
  forgetReferrer(id: string | null, code?: string | null): void {
    // a read in flight may have seen the old row: later calls read again
    this.loading.clear();
    if (id) this.referrersById.delete(id);
    if (code) {
      this.unknownCodes.delete(code);
      this.unknownCodes.delete(code.toLowerCase());
    }
  }

  cacheSizes(): DeskCacheSizes {
    return {
      recentOrders: this.recent.size,
      recentOrderBytes: this.recent.bytes,
      referrers: this.referrersById.size,
      unknownCodes: this.unknownCodes.size,
      products: this.products.size,
    };
  }

  /** Decides and records one reported order. Reports of one order are handled one at a time. */
  async report(shop: ShopRow, report: ConversionReportInput, opts: { verified: boolean; now: number }): Promise<DeskResult> {
    if (report.currency !== shop.currency) {
      return {
        ok: false,
        status: 400,
        code: 'currency_mismatch',
        message: `This shop sells in ${shop.currency}, not ${report.currency}.`,
      };
    }
    const requestHash = await requestFingerprint(this.env.IP_HASH_SALT ?? '', canonical({ ...report, verified: opts.verified }));
    try {
      return await this.serialized(report.orderId, () => this.reportOne(shop, report, opts, requestHash));
    } catch (error) {
      if (error instanceof Rejection) return error.result;
      throw error;
    }
  }

  /** Runs `work` after every earlier call for the same key has settled. */
  private serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.lanes.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(key, tail);
    void tail.then(() => {
      if (this.lanes.get(key) === tail) this.lanes.delete(key);
    });
    return run;
  }

  private async reportOne(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number },
    requestHash: string,
  ): Promise<DeskResult> {
    const known = this.recent.get(report.orderId);
    if (known) return this.answerExisting(shop, known, report, opts, requestHash);
    const decision = await this.decide(shop, report, opts, newId('conv'), requestHash);
    const stored = await this.writeNew(shop, decision);
    if (!stored) {
      throw reject(
        422,
        'shop_limit_reached',
        'This order would take the shop past its lifetime order total (9 × 10^15 minor units); nothing was recorded.',
      );
    }
    this.remember(stored);
    if (stored.id === decision.row.id) {
      this.scheduleFor(decision, opts.now);
      return { ok: true, row: stored, outcome: 'created' };
    }
    return this.answerExisting(shop, stored, report, opts, requestHash);
  }

  private answerExisting(
    shop: ShopRow,
    existing: ConversionRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number },
    requestHash: string,
  ): Promise<DeskResult> | DeskResult {
    const same = existing.request_hash === requestHash;
    if (!opts.verified) {
      // the browser never changes a recorded order, whoever recorded it
      return { ok: true, row: existing, outcome: same ? 'replayed' : 'unchanged' };
    }
    if (existing.verified === 1) {
      if (!same) {
        throw reject(409, 'order_conflict', `Order ${existing.order_id} was already reported with different details.`);
      }
      return { ok: true, row: existing, outcome: 'replayed' };
    }
    return this.upgrade(shop, existing, report, opts, requestHash);
  }

  private remember(row: ConversionRow) {
    this.recent.set(row.order_id, row);
  }

  /** Tells the object when the ledger work this new conversion created falls due. */
  private scheduleFor(decision: Decision, now: number) {
    const { row } = decision;
    if (row.commission_status === 'pending') this.onDue(now + decision.program.holdDays * DAY_MS);
    const expiry = this.program?.row.unverified_expiry_days;
    if (row.verified === 0 && row.commission_minor > 0 && expiry) this.onDue(now + expiry * DAY_MS);
  }

  /** The shop's program row, from memory (also used by click ingest for the window and friend reward). */
  async programRow(shopId: string, now: number): Promise<ProgramRow> {
    if (this.program && now - this.program.at < CACHE_MS && this.program.at <= now) return this.program.row;
    // concurrent misses share one read
    this.programLoading ??= (async () => {
      const row = await this.db.prepare('SELECT * FROM commission_programs WHERE shop_id = ?').bind(shopId).first<ProgramRow>();
      if (!row) throw new Error(`shop ${shopId} has no commission program`);
      this.program = { row, at: now };
      return row;
    })().finally(() => (this.programLoading = null));
    return this.programLoading;
  }

  private programLoading: Promise<ProgramRow> | null = null;

  /** An active-or-not referrer by code or vanity code, from memory (also used by click ingest). */
  async referrerByCode(shopId: string, code: string, now: number): Promise<ReferrerRow | null> {
    return (await this.referrers(shopId, [], [code], now)).byCode(code)?.row ?? null;
  }

  /** Products by sku, from memory; the misses in one D1 query. Unknown skus are remembered too. */
  private async productRows(shopId: string, skus: string[], now: number): Promise<Map<string, ProductRow>> {
    const out = new Map<string, ProductRow>();
    const missing: string[] = [];
    for (const sku of new Set(skus)) {
      const hit = this.products.get(sku);
      if (hit && now - hit.at < CACHE_MS && hit.at <= now) {
        if (hit.row) out.set(sku, hit.row);
      } else missing.push(sku);
    }
    if (missing.length) {
      const { results } = await this.db
        .prepare('SELECT * FROM products WHERE shop_id = ? AND sku IN (SELECT value FROM json_each(?))')
        .bind(shopId, JSON.stringify(missing))
        .all<ProductRow>();
      const found = new Map(results.map((p) => [p.sku, p]));
      for (const sku of missing) {
        const row = found.get(sku) ?? null;
        this.products.set(sku, { row, at: now });
        if (row) out.set(sku, row);
      }
    }
    return out;
  }

  /** Referrers by id and by code/vanity code, from memory; the misses in one D1 query. */
  private async referrers(shopId: string, ids: string[], codes: string[], now: number) {
    const fresh = (id: string | undefined): CachedReferrer | null => {
      const hit = id ? this.referrersById.get(id) : undefined;
      return hit && now - hit.at < CACHE_MS && hit.at <= now ? hit : null;
    };
    const knownUnknown = (c: string) => {
      const at = this.unknownCodes.get(c.toLowerCase());
      return at !== undefined && now - at < CACHE_MS && at <= now;
    };
    const idOfCode = (c: string) => this.idByCode.get(c) ?? this.idByVanity.get(c.toLowerCase());
    const missingIds = ids.filter((id) => !fresh(id));
    const missingCodes = codes.filter((c) => !fresh(idOfCode(c)) && !knownUnknown(c));
    // misses already being read by a concurrent call wait for that read instead of repeating it
    const loads: Array<Promise<LoadedReferrers>> = [];
    const loadIds: string[] = [];
    const loadCodes: string[] = [];
    for (const id of missingIds) {
      const inFlight = this.loading.get(`id:${id}`);
      if (inFlight) loads.push(inFlight);
      else loadIds.push(id);
    }
    for (const c of missingCodes) {
      const inFlight = this.loading.get(`code:${c.toLowerCase()}`);
      if (inFlight) loads.push(inFlight);
      else loadCodes.push(c);
    }
    if (loadIds.length || loadCodes.length) {
      const keys = [...loadIds.map((id) => `id:${id}`), ...loadCodes.map((c) => `code:${c.toLowerCase()}`)];
      const load = this.loadReferrers(shopId, loadIds, loadCodes, now);
      for (const k of keys) this.loading.set(k, load);
      load
        .finally(() => {
          for (const k of keys) if (this.loading.get(k) === load) this.loading.delete(k);
        })
        .catch(() => {});
      loads.push(load);
    }
    const loaded = await Promise.all(loads);
    const fromLoads = (id: string): CachedReferrer | null => {
      for (const l of loaded) {
        const hit = l.byId.get(id);
        if (hit) return hit;
      }
      return null;
    };
    const loadedIdOfCode = (c: string): string | undefined => {
      for (const l of loaded) {
        const id = l.idByCode.get(c) ?? l.idByVanity.get(c.toLowerCase());
        if (id) return id;
      }
      return undefined;
    };
    const get = (id: string | undefined) => (id ? (fresh(id) ?? fromLoads(id)) : null);
    // an exact code beats a vanity code that differs only in case
    const byCode = (code: string | undefined): CachedReferrer | null =>
      code ? get(this.idByCode.get(code) ?? loadedIdOfCode(code) ?? idOfCode(code)) : null;
    return { byId: (id: string) => get(id), byCode };
  }

  /** Lookups in flight, by `id:<id>` and `code:<lower-cased code>`. */
  private readonly loading = new Map<string, Promise<LoadedReferrers>>();

  /** One D1 read for referrers by id or code; fills the caches and remembers unknown codes. */
  private async loadReferrers(shopId: string, ids: string[], codes: string[], now: number): Promise<LoadedReferrers> {
    const out: LoadedReferrers = { byId: new Map(), idByCode: new Map(), idByVanity: new Map() };
    const results = await findReferrersWithDevices(this.db, shopId, ids, codes);
    for (const r of results) {
      const { devices, ...row } = r;
      const cached = { row, devices: parseDevices(devices), at: now };
      this.referrersById.set(r.id, cached);
      this.idByCode.set(r.code, r.id);
      if (r.vanity_code) this.idByVanity.set(r.vanity_code.toLowerCase(), r.id);
      out.byId.set(r.id, cached);
      out.idByCode.set(r.code, r.id);
      if (r.vanity_code) out.idByVanity.set(r.vanity_code.toLowerCase(), r.id);
    }
    for (const c of codes) {
      if (!out.idByCode.has(c) && !out.idByVanity.has(c.toLowerCase())) this.unknownCodes.set(c.toLowerCase(), now);
    }
    return out;
  }

  private async findClick(shopId: string, clickId: string): Promise<ClickRow | null> {
    const local = this.localClick(clickId);
    if (local) return local;
    // clicks older than this object's copy (or loaded in bulk) are only in D1
    return this.db.prepare('SELECT * FROM clicks WHERE id = ? AND shop_id = ?').bind(clickId, shopId).first<ClickRow>();
  }

  /** Decides a report: prices, attribution, self-referral, commission and hold. Writes nothing. */
  private async decide(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number },
    conversionId: string,
    requestHash: string,
  ): Promise<Decision> {
    const salt = this.env.IP_HASH_SALT ?? '';
    const now = opts.now;
    const orderAt = Math.min(report.occurredAt ?? now, now);
    let items: OrderItem[] = report.items ?? [];
    const [programRow, products] = await Promise.all([
      this.programRow(shop.id, now),
      this.productRows(
        shop.id,
        items.map((i) => i.sku),
        now,
      ),
    ]);
    const program = toProgram(programRow);

    const amountMinor = report.amountMinor;
    if (!opts.verified) {
      // a browser report is not trusted: prices come only from the catalogue, unknown or retired
      // products are refused, and an amount above the catalogue's is refused, not believed
      const unknown = items.filter((i) => products.get(i.sku)?.active !== 1).map((i) => i.sku);
      if (unknown.length) throw reject(400, 'unknown_product', `Unknown product(s): ${[...new Set(unknown)].join(', ')}.`);
      items = items.map((i) => ({ ...i, unitPriceMinor: products.get(i.sku)!.price_minor }));
      const catalogue = items.reduce((s, i) => s + BigInt(i.quantity) * BigInt(i.unitPriceMinor), 0n);
      if (catalogue > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw reject(400, 'invalid_amount', "The order's catalogue total is out of range.");
      }
      if (BigInt(amountMinor) > catalogue) {
        throw reject(
          400,
          'amount_exceeds_catalogue',
          `The reported amount ${amountMinor} is more than the catalogue total ${catalogue} of the items.`,
        );
      }
    }

    // --- attribution ---
    const since = orderAt - program.windowDays * DAY_MS;
    const reportedClick = report.clickId ? await this.findClick(shop.id, report.clickId) : null;
    const reportedVisitorHash = report.visitorId ? await visitorPseudonym(salt, report.visitorId) : null;
    const visitorHash = reportedClick?.visitor_hash ?? reportedVisitorHash;
    const visitorClicks = visitorHash ? this.localVisitorClicks(visitorHash, since, orderAt) : [];
    const codes = [report.referralCode, report.couponCode].filter((x): x is string => !!x);
    const lookup = await this.referrers(
      shop.id,
      [...(reportedClick ? [reportedClick.referrer_id] : []), ...visitorClicks.map((c) => c.referrer_id)],
      codes,
      now,
    );
    const codeReferrer = lookup.byCode(report.referralCode)?.row ?? null;
    const couponReferrer = lookup.byCode(report.couponCode)?.row ?? null;
    const known = new Map<string, ReferrerFact>();
    for (const r of [
      ...(reportedClick ? [lookup.byId(reportedClick.referrer_id)?.row] : []),
      ...visitorClicks.map((c) => lookup.byId(c.referrer_id)?.row),
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
    const cached = decision.referrerId ? lookup.byId(decision.referrerId) : null;
    const referrer = cached?.row ?? null;

    // --- self-referral and holds ---
    const buyerTokenHash = report.customer?.referrerToken ? await sha256Hex(report.customer.referrerToken) : null;
    const customerKey =
      report.customer?.ref ??
      (report.customer?.email ? normalizeEmail(report.customer.email) : null) ??
      (report.customer?.phone ? normalizePhone(report.customer.phone) : null);
    const customerHash = customerKey ? await customerPseudonym(salt, customerKey) : null;
    // the attributed click's browser, the reporting browser, and any browser whose clicks counted
    const attributedClick =
      decision.clickId === reportedClick?.id ? reportedClick : visitorClicks.find((c) => c.id === decision.clickId);
    const self = referrer
      ? detectSelfReferral(
          {
            tokenHash: referrer.token_hash,
            customerRef: referrer.customer_ref,
            email: referrer.email,
            phone: referrer.phone,
            visitorHashes: cached!.devices,
          },
          {
            tokenHash: buyerTokenHash,
            customerRef: buyerCustomerRef(referrer.customer_ref, report.customer?.ref ?? null, customerHash),
            email: report.customer?.email ?? null,
            phone: report.customer?.phone ?? null,
            visitorHashes: [attributedClick?.visitor_hash, reportedClick?.visitor_hash, reportedVisitorHash],
          },
        )
      : { self: false, reason: null };
    const commission = referrer ? commissionOrRejection(amountMinor, items, program, products) : null;
    const holdReason = self.self
      ? `self_referral:${self.reason}`
      : referrer?.status === 'pending'
        ? 'referrer_pending'
        : !opts.verified
          ? 'unverified'
          : null;
    const commissionMinor = commission?.commissionMinor ?? 0;
    const commissionStatus: ConversionRow['commission_status'] =
      commissionMinor === 0 ? 'none' : holdReason ? 'on_hold' : 'pending';
    const expiryDays = programRow.unverified_expiry_days;

    const row: ConversionRow = {
      id: conversionId,
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
          ? {
              reason: holdReason,
              ...(!opts.verified && expiryDays && commissionMinor > 0
                ? { expiresAt: now + expiryDays * DAY_MS, unverifiedExpiryDays: expiryDays }
                : {}),
            }
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
        ...(!opts.verified ? { pricedFrom: 'catalogue' } : {}),
      }),
      request_hash: requestHash,
      created_at: now,
    };
    return { row, referrer, program, commission, holdReason };
  }

  /** The ledger and outbox statements that credit a decision's commission, guarded by `ours`. */
  private creditStatements(
    decision: Decision,
    now: number,
    ours: { sql: string; args: unknown[] },
    credit: 'first' | 'verified',
  ): D1PreparedStatement[] {
    const { row, referrer, program, holdReason } = decision;
    const db = this.db;
    if (!referrer || row.commission_minor === 0) return [];
    const drafts = commissionEntries({
      conversionId: row.id,
      commissionMinor: row.commission_minor,
      onHold: holdReason !== null,
      holdReason: holdReason ?? undefined,
      now,
      holdDays: program.holdDays,
      credit,
    });
    const statements = insertEntryStatements(
      db,
      { shopId: row.shop_id, referrerId: referrer.id, currency: row.currency, txnId: newId('txn'), conversionId: row.id, now },
      drafts,
      ours,
    );
    const due = { conversionId: row.id, shopId: row.shop_id, referrerId: referrer.id, currency: row.currency };
    if (holdReason === null) {
      statements.push(dueStatement(db, { ...due, action: 'release', dueAt: now + program.holdDays * DAY_MS }, ours));
    }
    const expiry = this.program?.row.unverified_expiry_days;
    if (row.verified === 0 && expiry) {
      statements.push(dueStatement(db, { ...due, action: 'expire', dueAt: now + expiry * DAY_MS }, ours));
    }
    return statements;
  }

  /** Writes a new conversion (group-committed). Returns the stored row for the order, or null when the shop limit refused it. */
  private async writeNew(shop: ShopRow, decision: Decision): Promise<ConversionRow | null> {
    const { row, referrer } = decision;
    const db = this.db;
    const now = row.created_at;
    const ours = { sql: 'EXISTS (SELECT 1 FROM conversions WHERE id = ?)', args: [row.id] };
    const statements = [
      insertConversionStatement(db, row),
      addToShopTotalStatement(db, shop.id, row.amount_minor, ours),
      ...this.creditStatements(decision, now, ours, 'first'),
    ];
    if (referrer) {
      statements.push(
        outboxStatement(db, {
          shopId: shop.id,
          type: 'conversion.attributed',
          payload: {
            conversionId: row.id,
            orderId: row.order_id,
            referrerId: referrer.id,
            amountMinor: row.amount_minor,
            currency: row.currency,
            commissionMinor: row.commission_minor,
            commissionStatus: row.commission_status,
            verified: row.verified === 1,
          },
          dedupeKey: `conversion.attributed:${row.id}`,
          now,
          onlyIf: ours,
        }),
      );
    }
    statements.push(db.prepare('SELECT * FROM conversions WHERE shop_id = ? AND order_id = ?').bind(shop.id, row.order_id));
    return this.commit(statements, row.order_id);
  }

  /**
   * The shop's server report supersedes a browser report: one batch makes the conversion verified
   * with the server's numbers, takes back everything the browser's commission still holds (from
   * whichever referrer it was credited to) and credits the server's commission — each exactly once
   * (the row is upgraded only while unverified; entries only if the upgrade was ours). A refund or
   * approval landing in between makes the guard false; the desk then reads again.
   */
  private async upgrade(
    shop: ShopRow,
    existing: ConversionRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number },
    requestHash: string,
  ): Promise<DeskResult> {
    const db = this.db;
    const now = opts.now;
    const decision = await this.decide(shop, report, opts, existing.id, requestHash);
    const row: ConversionRow = { ...decision.row, created_at: existing.created_at };
    for (let attempt = 0; attempt < 5; attempt++) {
      const [held, refunds] = await Promise.all([
        existing.referrer_id
          ? conversionBalancesForRefund(db, existing.referrer_id, existing.id, existing.currency)
          : db
              .prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM ledger_entries WHERE conversion_id = ?')
              .bind(existing.id)
              .first<{ seq: number }>()
              .then((r) => ({
                balances: { onHold: 0, pending: 0, available: 0, paid: 0, currency: existing.currency },
                lastSeq: r?.seq ?? 0,
              })),
        refundsOf(db, existing.id),
      ]);
      // refunds recorded against the browser's numbers reduce the new commission the same way
      const refunded = Math.min(
        row.amount_minor,
        refunds.reduce((s, r) => s + r.amount_minor, 0),
      );
      const credited = row.commission_minor - cumulativeReversalMinor(row.commission_minor, refunded, row.amount_minor);
      const increase = Math.max(0, row.amount_minor - existing.amount_minor);
      const ours = {
        sql: 'EXISTS (SELECT 1 FROM conversions WHERE id = ? AND verified = 1 AND request_hash = ?)',
        args: [existing.id, requestHash],
      };
      const statements = [upgradeConversionStatement(db, row, held.lastSeq, increase)];
      if (existing.referrer_id) {
        statements.push(
          ...insertEntryStatements(
            db,
            {
              shopId: shop.id,
              referrerId: existing.referrer_id,
              currency: existing.currency,
              txnId: newId('txn'),
              conversionId: existing.id,
              now,
            },
            withdrawEntries({ conversionId: existing.id, action: 'supersede', scope: 'all', balances: held.balances }),
            ours,
          ),
        );
      }
      statements.push(
        ...this.creditStatements({ ...decision, row: { ...row, commission_minor: credited } }, now, ours, 'verified'),
        addToShopTotalStatement(db, shop.id, increase, ours),
        clearSettledDueStatement(db, existing.id),
        outboxStatement(db, {
          shopId: shop.id,
          type: 'conversion.verified',
          payload: {
            conversionId: existing.id,
            orderId: existing.order_id,
            referrerId: row.referrer_id,
            previousReferrerId: existing.referrer_id,
            amountMinor: row.amount_minor,
            currency: row.currency,
            commissionMinor: credited,
            commissionStatus: row.commission_status,
          },
          dedupeKey: `conversion.verified:${existing.id}`,
          now,
          onlyIf: ours,
        }),
        db.prepare('SELECT * FROM conversions WHERE id = ?').bind(existing.id),
      );
      const results = await db.batch(statements);
      const stored = results.at(-1)!.results[0] as ConversionRow | undefined;
      if (stored?.verified === 1) {
        this.remember(stored);
        if (stored.request_hash !== requestHash) {
          throw reject(409, 'order_conflict', `Order ${existing.order_id} was already reported with different details.`);
        }
        if (stored.commission_status === 'pending') this.onDue(now + decision.program.holdDays * DAY_MS);
        return { ok: true, row: stored, outcome: 'upgraded' };
      }
      if (increase > 0 && !(await fitsShopLimit(db, shop.id, increase))) {
        throw reject(
          422,
          'shop_limit_reached',
          'This order would take the shop past its lifetime order total (9 × 10^15 minor units); nothing was recorded.',
        );
      }
      // a refund or approval changed the ledger since we read it: read again
      if (stored) existing = stored;
    }
    throw reject(409, 'order_conflict', `Order ${existing.order_id} is changing concurrently; retry.`);
  }

  /** Queues one report's statements; concurrent reports are written in one D1 batch (one transaction). */
  private commit(statements: D1PreparedStatement[], orderId: string): Promise<ConversionRow | null> {
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
          const results = await this.db.batch(group.flatMap((w) => w.statements));
          let offset = 0;
          for (const w of group) {
            offset += w.statements.length;
            w.resolve((results[offset - 1]!.results[0] as ConversionRow | undefined) ?? null);
          }
        } catch (error) {
          if (group.length === 1) {
            group[0]!.reject(error);
            continue;
          }
          // one bad write must not sink the others: write them one by one
          for (const w of group) {
            try {
              const results = await this.db.batch(w.statements);
              w.resolve((results.at(-1)!.results[0] as ConversionRow | undefined) ?? null);
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

function parseDevices(json: string | null): string[] {
  try {
    const parsed = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The commission, or a 400 `invalid_amount` when the amounts leave the safe-integer range (e.g. a
 * flat override × quantity beyond 2^53 − 1): bad input, not a 500.
 */
function commissionOrRejection(amountMinor: number, items: OrderItem[], program: Program, products: Map<string, ProductRow>) {
  try {
    return computeCommission({
      amountMinor,
      items,
      program,
      rules: new Map([...products.values()].map((p) => [p.sku, toProductRule(p)])),
    });
  } catch (error) {
    if (error instanceof RangeError) {
      throw reject(400, 'invalid_amount', `The order's amounts are out of range: ${error.message}.`);
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
