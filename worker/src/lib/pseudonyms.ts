/**
 * Pseudonyms of personal data. Every hash of an IP address, user agent, visitor id or customer key
 * that the worker stores or compares is HMAC-SHA256 under a key derived from the `IP_HASH_SALT`
 * secret — never a plain SHA-256 of the value, which anyone could recompute for all 2^32 IPv4
 * addresses in minutes.
 *
 * Two kinds of key, both derived as HMAC(IP_HASH_SALT, label) and imported once per isolate:
 * - a **stable** key (`visitorHash`, `customerHash`): the same visitor or customer must hash the same
 *   for the whole attribution window and for self-referral checks;
 * - a **daily** key, label `ip:<UTC day>` (`ipHashes`, `uaHash`): the same IP hashes differently on
 *   different days, so stored hashes cannot be linked across days. For the first rate-limit window
 *   after midnight (IP_HASH_OVERLAP_MS) `ipHashes` also returns yesterday's hash, so that a limiter
 *   counting both never hands a flooder a fresh allowance at the day boundary.
 *
 * A leaf module: Web Crypto (through lib/crypto.ts) only, no imports from db/ or app-env.
 */
import { MINUTE_MS, DAY_MS } from '../domain/time.js';
import { cachedKey, hmacHex, hmacKey, importHmacKey } from './crypto.js';

/** The shortest `IP_HASH_SALT` accepted. */
export const SALT_MIN_LENGTH = 32;
/** The rate-limit window: for this long after a UTC midnight, `ipHashes` also gives yesterday's hash. */
export const IP_HASH_OVERLAP_MS = MINUTE_MS;

const encoder = new TextEncoder();

/** How to fix a missing or short salt (shown in the 503 and in the logs). */
export const SALT_FIX =
  'Set it with `npx wrangler secret put IP_HASH_SALT` to a random value of at least 32 characters (locally, IP_HASH_SALT in .dev.vars, which `npm start` writes).';

/**
 * What is wrong with the salt, or null when it is usable.
 * @example saltProblem(env.IP_HASH_SALT) // "IP_HASH_SALT is not set."
 */
export function saltProblem(salt: string | undefined | null): string | null {
  if (!salt) return 'IP_HASH_SALT is not set.';
  if (salt.length < SALT_MIN_LENGTH) return `IP_HASH_SALT is shorter than ${SALT_MIN_LENGTH} characters.`;
  return null;
}

/** Thrown instead of hashing with a missing or short salt. */
export class MissingSaltError extends Error {
  constructor(problem: string) {
    super(`${problem} ${SALT_FIX}`);
    this.name = 'MissingSaltError';
  }
}

function checkedSalt(salt: string | undefined | null): string {
  const problem = saltProblem(salt);
  if (problem) throw new MissingSaltError(problem);
  return salt!;
}

/** The key derived for `label` (the stable one, a day's), made once per isolate. */
function derivedKey(salt: string, label: string): Promise<CryptoKey> {
  return cachedKey(`${label}\n${salt}`, async () =>
    importHmacKey(await crypto.subtle.sign('HMAC', await hmacKey(salt), encoder.encode(label))),
  );
}

/** The UTC day of `ms`, e.g. "2026-01-15": the label of that day's key. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const stableKey = (salt: string) => derivedKey(salt, 'pseudonym:stable');
const dailyKey = (salt: string, ms: number) => derivedKey(salt, `ip:${utcDay(ms)}`);

// Daily pseudonyms already computed, per isolate: the same IPs and browsers come back all day (a
// click, then the page's share and order calls), and each HMAC is an asynchronous Web Crypto call.
// Held in memory only and keyed by the day, so yesterday's are never returned today; bounded by
// clearing when full.
const dailyMemo = new Map<string, string>();
const MAX_DAILY_MEMO = 4096;

async function dailyPseudonym(salt: string, ms: number, message: string): Promise<string> {
  const memoKey = `${Math.floor(ms / DAY_MS)}\n${message}\n${salt}`;
  const hit = dailyMemo.get(memoKey);
  if (hit !== undefined) return hit;
  const hex = await hmacHex(await dailyKey(salt, ms), message);
  if (dailyMemo.size >= MAX_DAILY_MEMO) dailyMemo.clear();
  dailyMemo.set(memoKey, hex);
  return hex;
}

/**
 * The stable pseudonym of the SDK's visitor id (attribution across visits, self-referral).
 * @example await visitorHash(env.IP_HASH_SALT, 'f3b1…') // 64 hex
 */
export async function visitorHash(salt: string, visitorId: string): Promise<string> {
  return hmacHex(await stableKey(checkedSalt(salt)), `visitor:${visitorId}`);
}

/**
 * The stable pseudonym of a buyer (the shop's customer id, or a normalized e-mail or phone), for
 * self-referral checks.
 * @example await customerHash(env.IP_HASH_SALT, 'cust-42')
 */
export async function customerHash(salt: string, key: string): Promise<string> {
  return hmacHex(await stableKey(checkedSalt(salt)), `customer:${key}`);
}

/**
 * The stable fingerprint of a request that may carry personal data (an order report with the
 * buyer's e-mail or phone): compared to tell a repeat from a different report of the same order,
 * never a plain hash anyone could test guesses against.
 * @example await requestFingerprint(env.IP_HASH_SALT, canonical(report))
 */
export async function requestFingerprint(salt: string, text: string): Promise<string> {
  return hmacHex(await stableKey(checkedSalt(salt)), `request:${text}`);
}

/**
 * The IP's pseudonym under today's key (`current`), and under yesterday's key during the first
 * IP_HASH_OVERLAP_MS of a UTC day (`previous`, else null). Both null without an IP.
 * @example const { current, previous } = await ipHashes(env.IP_HASH_SALT, '203.0.113.7', now)
 */
export async function ipHashes(
  salt: string,
  ip: string | null | undefined,
  now: number,
): Promise<{ current: string | null; previous: string | null }> {
  const checked = checkedSalt(salt);
  if (!ip) return { current: null, previous: null };
  const sinceMidnight = ((now % DAY_MS) + DAY_MS) % DAY_MS;
  const [current, previous] = await Promise.all([
    dailyPseudonym(checked, now, `ip:${ip}`),
    sinceMidnight < IP_HASH_OVERLAP_MS ? dailyPseudonym(checked, now - DAY_MS, `ip:${ip}`) : null,
  ]);
  return { current, previous };
}

/**
 * The user agent's pseudonym under today's key (not linkable across days). Null without one.
 * @example await uaHash(env.IP_HASH_SALT, request.headers.get('User-Agent'), now)
 */
export async function uaHash(salt: string, ua: string | null | undefined, now: number): Promise<string | null> {
  const checked = checkedSalt(salt);
  if (!ua) return null;
  return dailyPseudonym(checked, now, `ua:${ua}`);
}
