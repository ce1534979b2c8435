/** Hashing, HMAC and constant-time comparison on Web Crypto. */

const encoder = new TextEncoder();
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lower-case hex of bytes (a digest or a MAC). @example toHex(await crypto.subtle.digest('SHA-256', data)) */
export function toHex(buffer: ArrayBuffer): string {
  let hex = '';
  for (const b of new Uint8Array(buffer)) hex += HEX[b];
  return hex;
}

/** Lower-case SHA-256 hex of a string. @example await sha256Hex('sk_live_…') */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

// HMAC keys of secrets that sign again and again (a shop's claim secret signs a token with every order,
// and importing the key cost as much as the MAC; the pseudonyms' keys derived from IP_HASH_SALT), per
// isolate. Held in memory only; bounded by clearing when full. A credential a client presents (a session
// secret) is never kept here: hmacHex(secret).
const keys = new Map<string, Promise<CryptoKey>>();
const MAX_KEYS = 64;

/**
 * The key named `name`, made by `make` once per isolate (a failed make is forgotten, so the next call
 * tries again).
 * @example cachedKey(`hmac\n${secret}`, () => importHmacKey(new TextEncoder().encode(secret)))
 */
export function cachedKey(name: string, make: () => Promise<CryptoKey>): Promise<CryptoKey> {
  let key = keys.get(name);
  if (!key) {
    key = make();
    key.catch(() => keys.delete(name));
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(name, key);
  }
  return key;
}

/** The HMAC-SHA256 signing key of a server-side secret, imported once per isolate. */
export function hmacKey(secret: string): Promise<CryptoKey> {
  return cachedKey(`hmac\n${secret}`, () => importHmacKey(encoder.encode(secret)));
}

/** An HMAC-SHA256 signing key of raw key material. */
export function importHmacKey(material: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', material, HMAC, false, ['sign']);
}

/**
 * HMAC-SHA256 hex, under a secret (imported for this call) or a key from {@link hmacKey}.
 * @example await hmacHex(await hmacKey(shop.claim_secret), `buyer-claim:${id}`)
 */
export async function hmacHex(secret: string | CryptoKey, message: string): Promise<string> {
  const key = typeof secret === 'string' ? await importHmacKey(encoder.encode(secret)) : secret;
  return toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
}

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  if (x.byteLength !== y.byteLength) {
    // still spend the comparison so the length is the only thing learned
    if (subtle.timingSafeEqual) subtle.timingSafeEqual(x, x);
    return false;
  }
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(x, y);
  let diff = 0;
  for (let i = 0; i < x.byteLength; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
