/**
 * A least-recently-used map bounded by entries and, optionally, by bytes: the shape of every cache a
 * Durable Object keeps, so that its memory stays bounded whatever the input (a flood of unknown
 * codes, a catalogue of 100,000 products, 500-item orders reported 5,000 times).
 *
 * @example
 * const recent = new BoundedCache<string, Row>({ maxEntries: 5_000, maxBytes: 2 << 20, sizeOf: (r) => r.items.length });
 * recent.set(row.order_id, row);
 * recent.get('ORDER-1'); // the row, now most recently used
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private used = 0;

  constructor(
    private readonly opts: {
      maxEntries: number;
      maxBytes?: number;
      /** approximate bytes of one value (required with maxBytes) */
      sizeOf?: (value: V) => number;
      /** told about every entry that leaves the cache (evicted, replaced or deleted) */
      onEvict?: (key: K, value: V) => void;
    },
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Approximate bytes held (0 when the cache is not bounded by bytes). */
  get bytes(): number {
    return this.used;
  }

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.delete(key);
    const bytes = this.opts.sizeOf ? this.opts.sizeOf(value) : 0;
    // a value larger than the whole budget is not kept at all
    if (this.opts.maxBytes !== undefined && bytes > this.opts.maxBytes) return;
    this.map.set(key, { value, bytes });
    this.used += bytes;
    while (
      this.map.size > this.opts.maxEntries ||
      (this.opts.maxBytes !== undefined && this.used > this.opts.maxBytes && this.map.size > 0)
    ) {
      this.delete(this.map.keys().next().value as K);
    }
  }

  delete(key: K): void {
    const hit = this.map.get(key);
    if (!hit) return;
    this.map.delete(key);
    this.used -= hit.bytes;
    this.opts.onEvict?.(key, hit.value);
  }

  clear(): void {
    for (const key of [...this.map.keys()]) this.delete(key);
  }

  values(): IterableIterator<V> {
    return [...this.map.values()].map((e) => e.value)[Symbol.iterator]();
  }
}
