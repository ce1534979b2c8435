/**
 * The conversion desk: the order workflow of ONE shop, inside that shop's Durable Object (so every
 * report of a shop passes through one place, one at a time per order). It loads what a decision
 * needs — the program, products and referrers from the shop cache (shop-cache.ts), clicks from the
 * object's own copy (click-log.ts) — computes the report's salted hashes, lets the pure
 * `decideConversion()` (domain/conversions.ts) decide, and writes the result with the batches
 * db/conversions.ts builds; concurrent new orders share one D1 batch (group-commit.ts). A report
 * then costs no D1 read and a fraction of a D1 write.
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
import {
  attributionWindow,
  currencyRejection,
  customerKey,
  decideConversion,
  pricedItems,
  supersedeCredit,
} from '../domain/conversions.js';
import type { ConversionDecision, ConversionReportInput, KnownReferrer } from '../domain/conversions.js';
import { DAY_MS } from '../domain/time.js';
import type { ShopRow } from '../db/shops.js';
import { toProgram } from '../db/catalog.js';
import type { ClickRow } from '../db/clicks.js';
import { getClick } from '../db/clicks.js';
import type { ConversionRow } from '../db/conversions.js';
import { fitsShopLimit, newConversionsStatements, readConversions, upgradeStatements } from '../db/conversions.js';
import { refundsOf } from '../db/refunds.js';
import { conversionBalancesForRefund, lastEntrySeq } from '../db/ledger.js';
import { sha256Hex } from '../lib/crypto.js';
import { customerHash as customerPseudonym, requestFingerprint, visitorHash as visitorPseudonym } from '../lib/pseudonyms.js';
import { newId } from '../lib/ids.js';
import { BoundedCache } from './bounded-cache.js';
import { GroupCommit } from './group-commit.js';
import type { GroupCounts } from './group-commit.js';
import type { ShopCache } from './shop-cache.js';

export type { ConversionReportInput };

/** Reports whose new conversions are written in one D1 batch, at most. */
const MAX_GROUP = 40;

/**
 * How long, under load, the desk waits for more new orders before writing the next D1 batch (only
 * after a batch of several; a lone order is written at once). A batch's fixed cost is a large part
 * of an order's write: at 50 concurrent reports to one shop, this linger took the worker from 620 to
 * 723 orders/s and from 2,229 to 1,908 µs of CPU per order (`ONLY=bare,conversions node bench/ab.mjs`
 * against the commit before it, 3 rounds, medians), for at most 5 ms more per answer.
 */
const LINGER_MS = 5;

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

/** Sizes of the desk's memory of recent orders, for `metrics()` and the memory tests. */
export interface RecentOrderSizes {
  recentOrders: number;
  recentOrderBytes: number;
}

/** Where the desk finds clicks: the object's own copy (click-log.ts). */
export interface LocalClicks {
  byId(id: string): ClickRow | null;
  ofVisitor(visitorHash: string, since: number, until: number): ClickRow[];
}

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

const conflict = (orderId: string) =>
  reject(409, 'order_conflict', `Order ${orderId} was already reported with different details.`);

const shopLimitReached = () =>
  reject(
    422,
    'shop_limit_reached',
    'This order would take the shop past its lifetime order total (9 × 10^15 minor units); nothing was recorded.',
  );

export class ConversionDesk {
  /** Recent conversions by order id, bounded in bytes (a 500-item order is ~40 KB). */
  static readonly RECENT_BYTES = 2 * 1024 * 1024;

  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly recent = new BoundedCache<string, ConversionRow>({
    maxEntries: 20_000,
    maxBytes: ConversionDesk.RECENT_BYTES,
    sizeOf: (r) => 400 + r.items.length + r.explanation.length + r.order_id.length,
  });
  /** new conversions: the decisions that arrive together, written in one batch of six statements */
  private readonly writes: GroupCommit<ConversionDecision, ConversionRow | null>;

  constructor(
    private readonly env: Env & { IP_HASH_SALT?: string },
    private readonly db: D1Database,
    private readonly cache: ShopCache,
    private readonly clicks: LocalClicks,
    /** told when the ledger will owe this shop work (a hold ends, an unconfirmed report expires) */
    private readonly onDue: (at: number) => void,
  ) {
    this.writes = new GroupCommit({
      maxGroup: MAX_GROUP,
      lingerMs: LINGER_MS,
      // one bad write must not sink the others
      isolateFailures: true,
      commit: async (decisions) => readConversions(decisions, await db.batch(newConversionsStatements(db, decisions))),
    });
  }

  /** D1 batches of new conversions since the object started (groups), and the conversions they held (items). */
  get batches(): GroupCounts {
    return this.writes.counts;
  }

  sizes(): RecentOrderSizes {
    return { recentOrders: this.recent.size, recentOrderBytes: this.recent.bytes };
  }

  /** Decides and records one reported order. Reports of one order are handled one at a time. */
  async report(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; teamId?: string | null },
  ): Promise<DeskResult> {
    const wrongCurrency = currencyRejection(shop.currency, report);
    if (wrongCurrency) return wrongCurrency;
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
    opts: { verified: boolean; now: number; teamId?: string | null },
    requestHash: string,
  ): Promise<DeskResult> {
    const known = this.recent.get(report.orderId);
    if (known) return this.answerExisting(shop, known, report, opts, requestHash);
    const decision = await this.decide(shop, report, opts, newId('conv'), requestHash);
    const stored = await this.writes.add(decision);
    if (!stored) throw shopLimitReached();
    this.recent.set(stored.order_id, stored);
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
    opts: { verified: boolean; now: number; teamId?: string | null },
    requestHash: string,
  ): Promise<DeskResult> | DeskResult {
    const same = existing.request_hash === requestHash;
    if (!opts.verified) {
      // the browser never changes a recorded order, whoever recorded it
      return { ok: true, row: existing, outcome: same ? 'replayed' : 'unchanged' };
    }
    if (existing.verified === 1) {
      if (!same) throw conflict(existing.order_id);
      return { ok: true, row: existing, outcome: 'replayed' };
    }
    return this.upgrade(shop, existing, report, opts, requestHash);
  }

  /** Tells the object when the ledger work this new conversion created falls due. */
  private scheduleFor(decision: ConversionDecision, now: number) {
    const { row, unverifiedExpiryDays: expiry } = decision;
    if (row.commission_status === 'pending') this.onDue(now + decision.program.holdDays * DAY_MS);
    if (row.verified === 0 && row.commission_minor > 0 && expiry) this.onDue(now + expiry * DAY_MS);
  }

  private async findClick(shopId: string, clickId: string): Promise<ClickRow | null> {
    // clicks older than this object's copy (or loaded in bulk) are only in D1
    return this.clicks.byId(clickId) ?? getClick(this.db, shopId, clickId);
  }

  /** Loads and hashes what a report's decision needs, then decides it (domain/conversions.ts). Writes nothing. */
  private async decide(
    shop: ShopRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; teamId?: string | null },
    conversionId: string,
    requestHash: string,
  ): Promise<ConversionDecision> {
    const salt = this.env.IP_HASH_SALT ?? '';
    const { now, verified } = opts;
    const [programRow, products] = await Promise.all([
      this.cache.programRow(shop.id, now),
      this.cache.productRows(
        shop.id,
        (report.items ?? []).map((i) => i.sku),
        now,
      ),
    ]);
    const program = toProgram(programRow);
    // a report the catalogue refuses is refused before anything else is read
    const priced = pricedItems({ verified, report, products });
    if (!priced.ok) throw new Rejection(priced);

    const { orderAt, since } = attributionWindow(report, program, now);
    const reportedClick = report.clickId ? await this.findClick(shop.id, report.clickId) : null;
    const reportedVisitorHash = report.visitorId ? await visitorPseudonym(salt, report.visitorId) : null;
    const visitorHash = reportedClick?.visitor_hash ?? reportedVisitorHash;
    const visitorClicks = visitorHash ? this.clicks.ofVisitor(visitorHash, since, orderAt) : [];
    const clickReferrerIds = [...(reportedClick ? [reportedClick.referrer_id] : []), ...visitorClicks.map((c) => c.referrer_id)];
    const codes = [report.referralCode, report.couponCode].filter((x): x is string => !!x);
    const lookup = await this.cache.referrers(shop.id, clickReferrerIds, codes, now);
    const referrersById = new Map<string, KnownReferrer>();
    for (const id of clickReferrerIds) {
      const r = lookup.byId(id);
      if (r) referrersById.set(id, r);
    }
    const key = customerKey(report);
    const decision = decideConversion({
      shop,
      report,
      verified,
      now,
      conversionId,
      requestHash,
      program,
      unverifiedExpiryDays: programRow.unverified_expiry_days,
      products,
      reportedClick,
      visitorClicks,
      referrersById,
      codeReferrer: lookup.byCode(report.referralCode),
      couponReferrer: lookup.byCode(report.couponCode),
      teamId: opts.teamId ?? null,
      hashes: {
        visitor: reportedVisitorHash,
        customer: key ? await customerPseudonym(salt, key) : null,
        buyerToken: report.customer?.referrerToken ? await sha256Hex(report.customer.referrerToken) : null,
      },
    });
    if (!decision.ok) throw new Rejection(decision);
    return decision;
  }

  /**
   * The shop's server report supersedes a browser report in one batch (db/conversions.ts
   * upgradeStatements), exactly once: the row is upgraded only while unverified and unchanged
   * since its ledger was read, entries only if the upgrade was ours. A refund or approval landing
   * in between makes the guard false; the desk then reads again.
   */
  private async upgrade(
    shop: ShopRow,
    existing: ConversionRow,
    report: ConversionReportInput,
    opts: { verified: boolean; now: number; teamId?: string | null },
    requestHash: string,
  ): Promise<DeskResult> {
    const db = this.db;
    const now = opts.now;
    const decided = await this.decide(shop, report, opts, existing.id, requestHash);
    const decision = { ...decided, row: { ...decided.row, created_at: existing.created_at } };
    for (let attempt = 0; attempt < 5; attempt++) {
      const [held, refunds] = await Promise.all([
        existing.referrer_id
          ? conversionBalancesForRefund(db, existing.referrer_id, existing.id, existing.currency)
          : lastEntrySeq(db, existing.id).then((lastSeq) => ({
              balances: { onHold: 0, pending: 0, available: 0, paid: 0, currency: existing.currency },
              lastSeq,
            })),
        refundsOf(db, existing.id),
      ]);
      const { creditedMinor, increaseMinor } = supersedeCredit({
        amountMinor: decision.row.amount_minor,
        commissionMinor: decision.row.commission_minor,
        refundsMinor: refunds.map((r) => r.amount_minor),
        previousAmountMinor: existing.amount_minor,
      });
      const results = await db.batch(upgradeStatements(db, { existing, decision, held, creditedMinor, increaseMinor, now }));
      const stored = results.at(-1)!.results[0] as ConversionRow | undefined;
      if (stored?.verified === 1) {
        this.recent.set(stored.order_id, stored);
        if (stored.request_hash !== requestHash) throw conflict(existing.order_id);
        if (stored.commission_status === 'pending') this.onDue(now + decision.program.holdDays * DAY_MS);
        return { ok: true, row: stored, outcome: 'upgraded' };
      }
      if (increaseMinor > 0 && !(await fitsShopLimit(db, shop.id, increaseMinor))) throw shopLimitReached();
      // a refund or approval changed the ledger since we read it: read again
      if (stored) existing = stored;
    }
    throw reject(409, 'order_conflict', `Order ${existing.order_id} is changing concurrently; retry.`);
  }
}
