/**
 * A small seeded PRNG for the demo data: cyrb128 turns a string seed into 128 bits and sfc32
 * (Chris Doty-Humphrey's Small Fast Counter) draws from them. Same seed, same sequence, on every
 * machine and Node version — the seed generator never calls Math.random.
 */

/** cyrb128: a fast, well-mixed 128-bit string hash (four 32-bit words). */
export function cyrb128(input: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < input.length; i++) {
    const k = input.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32 over four 32-bit words; returns a function giving uint32 values. */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

/** Letters and digits without lookalikes (no 0/O, 1/I/l), as in the referrer codes. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

const HEX = '0123456789abcdef';

/** The alphabet of the worker's ids (worker/src/lib/ids.ts): prefix + 20 alphanumerics. */
export const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A seeded random source with the few draws the generator needs.
 *
 * @example
 * const rng = Rng.from('demo');
 * rng.int(1, 6); // the same die roll on every run
 */
export class Rng {
  private readonly nextU32: () => number;

  constructor(seed: readonly [number, number, number, number]) {
    this.nextU32 = sfc32(seed[0], seed[1], seed[2], seed[3]);
    // Discard the first outputs: sfc32 needs a few rounds to mix a low-entropy state.
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  /** A generator seeded from a string. */
  static from(seed: string): Rng {
    return new Rng(cyrb128(seed));
  }

  /** A uint32. */
  u32(): number {
    return this.nextU32();
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [min, max], both inclusive, without modulo bias. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`invalid range [${min}, ${max}]`);
    }
    const span = max - min + 1;
    if (span > 4294967296) {
      // Two draws for ranges wider than 32 bits (time spans in ms).
      const hi = this.int(0, Math.floor((span - 1) / 4294967296));
      const value = hi * 4294967296 + this.u32();
      return value < span ? min + value : this.int(min, max);
    }
    const limit = 4294967296 - (4294967296 % span);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return min + (x % span);
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** One value by integer weight: `weighted([['a', 3], ['b', 1]])` gives 'a' three times in four. */
  weighted<T>(table: ReadonlyArray<readonly [T, number]>): T {
    const total = table.reduce((sum, [, w]) => sum + w, 0);
    if (total <= 0) throw new RangeError('weights must sum to more than 0');
    let x = this.int(0, total - 1);
    for (const [value, weight] of table) {
      if (x < weight) return value;
      x -= weight;
    }
    throw new Error('unreachable');
  }

  /** `length` characters drawn uniformly from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    return this.chars(HEX, length);
  }

  /** A copy of `items` shuffled (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/**
 * A deterministic id for an entity: the prefix and 20 characters drawn from a generator seeded
 * by (seed, prefix, key). Independent of draw order, so adding a table never renumbers another.
 *
 * @example
 * stableId('sc-demo', 'clk', 17); // "clk_…" — the same on every run
 */
export function stableId(seed: string, prefix: string, key: string | number, length = 20): string {
  return `${prefix}_${Rng.from(`${seed}|${prefix}|${key}`).chars(ID_ALPHABET, length)}`;
}
