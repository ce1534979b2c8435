/**
 * The shop object's memory of its shop: the commission program, products by sku, referrers (with
 * the visitor hashes of their browsers) by id, code and vanity code, and the codes D1 had no
 * referrer for — so that a click or a report costs no D1 read, and a flood of unknown codes costs
 * one read each at most. Every entry is fresh for CACHE_MS and the caches are bounded (see
 * `sizes()`); concurrent misses of the same thing share one read. The routes tell the object to
 * forget what changed (`invalidate`, `forgetReferrer`).
 */
import type { KnownReferrer } from '../domain/conversions.js';
import type { ReferrerRow } from '../db/referrers.js';
import { findReferrersWithDevices } from '../db/referrers.js';
import type { ProductRow, ProgramRow } from '../db/catalog.js';
import { findProducts, getProgramRow } from '../db/catalog.js';
import { BoundedCache } from './bounded-cache.js';

/** How long a cached program, product or referrer is believed. */
const CACHE_MS = 30_000;

type CachedReferrer = KnownReferrer & { at: number };

/** What one referrer read found (concurrent callers waiting on it use this, whatever their clock). */
type LoadedReferrers = {
  byId: Map<string, CachedReferrer>;
  idByCode: Map<string, string>;
  idByVanity: Map<string, string>;
};

/** Referrers found by one lookup: by id, and by code or vanity code (an exact code wins). */
export interface ReferrerLookup {
  byId(id: string): KnownReferrer | null;
  byCode(code: string | undefined): KnownReferrer | null;
}

export interface ShopCacheSizes {
  referrers: number;
  unknownCodes: number;
  products: number;
}

export type CachedPart = 'all' | 'program' | 'products' | 'referrers';

export class ShopCache {
  static readonly MAX_REFERRERS = 5_000;
  static readonly MAX_UNKNOWN_CODES = 10_000;
  static readonly MAX_PRODUCTS = 2_000;

  private program: { row: ProgramRow; at: number } | null = null;
  private programLoading: Promise<ProgramRow> | null = null;
  /** by sku; `null` caches "no such product" */
  private readonly products = new BoundedCache<string, { row: ProductRow | null; at: number }>({
    maxEntries: ShopCache.MAX_PRODUCTS,
  });
  private readonly referrersById = new BoundedCache<string, CachedReferrer>({
    maxEntries: ShopCache.MAX_REFERRERS,
    onEvict: (_, r) => {
      this.idByCode.delete(r.row.code);
      if (r.row.vanity_code) this.idByVanity.delete(r.row.vanity_code.toLowerCase());
    },
  });
  /** exact referral code → id, and lower-cased vanity code → id (only for cached referrers) */
  private readonly idByCode = new Map<string, string>();
  private readonly idByVanity = new Map<string, string>();
  /** codes D1 had no referrer for, so a flood of them costs no D1 read */
  private readonly unknownCodes = new BoundedCache<string, number>({ maxEntries: ShopCache.MAX_UNKNOWN_CODES });
  /** referrer lookups in flight, by `id:<id>` and `code:<lower-cased code>` */
  private readonly loading = new Map<string, Promise<LoadedReferrers>>();

  constructor(private readonly db: D1Database) {}

  /** Forget the cached program, products and/or referrers (call after any of them changes). */
  invalidate(what: CachedPart = 'all'): void {
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

  sizes(): ShopCacheSizes {
    return { referrers: this.referrersById.size, unknownCodes: this.unknownCodes.size, products: this.products.size };
  }

  private isFresh(at: number, now: number): boolean {
    return now - at < CACHE_MS && at <= now;
  }

  /** The shop's program row (click ingest reads its window and friend reward, the desk the rest). */
  async programRow(shopId: string, now: number): Promise<ProgramRow> {
    if (this.program && this.isFresh(this.program.at, now)) return this.program.row;
    // concurrent misses share one read
    this.programLoading ??= (async () => {
      const row = await getProgramRow(this.db, shopId);
      if (!row) throw new Error(`shop ${shopId} has no commission program`);
      this.program = { row, at: now };
      return row;
    })().finally(() => (this.programLoading = null));
    return this.programLoading;
  }

  /** Products by sku; the misses in one D1 query. Unknown skus are remembered too. */
  async productRows(shopId: string, skus: string[], now: number): Promise<Map<string, ProductRow>> {
    const out = new Map<string, ProductRow>();
    const missing: string[] = [];
    for (const sku of new Set(skus)) {
      const hit = this.products.get(sku);
      if (hit && this.isFresh(hit.at, now)) {
        if (hit.row) out.set(sku, hit.row);
      } else missing.push(sku);
    }
    if (missing.length) {
      const found = new Map((await findProducts(this.db, shopId, missing)).map((p) => [p.sku, p]));
      for (const sku of missing) {
        const row = found.get(sku) ?? null;
        this.products.set(sku, { row, at: now });
        if (row) out.set(sku, row);
      }
    }
    return out;
  }

  /** An active-or-not referrer by code or vanity code (click ingest). */
  async referrerByCode(shopId: string, code: string, now: number): Promise<ReferrerRow | null> {
    return (await this.referrers(shopId, [], [code], now)).byCode(code)?.row ?? null;
  }

  /** Referrers by id and by code/vanity code; the misses in one D1 query. */
  async referrers(shopId: string, ids: string[], codes: string[], now: number): Promise<ReferrerLookup> {
    const fresh = (id: string | undefined): CachedReferrer | null => {
      const hit = id ? this.referrersById.get(id) : undefined;
      return hit && this.isFresh(hit.at, now) ? hit : null;
    };
    const knownUnknown = (c: string) => {
      const at = this.unknownCodes.get(c.toLowerCase());
      return at !== undefined && this.isFresh(at, now);
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
}

function parseDevices(json: string | null): string[] {
  try {
    const parsed = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
