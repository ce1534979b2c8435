/**
 * Pseudonyms (issue 8, privacy): every hash of personal data is HMAC-SHA256 under a key derived
 * from IP_HASH_SALT, never a plain SHA-256 of the value; IP and user-agent hashes rotate with the
 * UTC day, with yesterday's IP hash given for the first rate-limit window after midnight; nothing
 * is hashed with a missing or short salt.
 */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './crypto';
import {
  IP_HASH_OVERLAP_MS,
  MissingSaltError,
  SALT_MIN_LENGTH,
  customerHash,
  ipHashes,
  saltProblem,
  uaHash,
  utcDay,
  visitorHash,
} from './pseudonyms';

const SALT = 'pseudonym-test-salt-0123456789abcdefghij';
const OTHER_SALT = 'pseudonym-test-salt-ZYXWVUTSRQPONMLKJIHG';
const MIDNIGHT = Date.UTC(2026, 0, 16); // 2026-01-16T00:00:00Z
const DAY = 86_400_000;
const IP = '203.0.113.7';

describe('stable pseudonyms: visitor and customer', () => {
  it('are 64 hex, the same on every call and every day, and differ per salt', async () => {
    const v = await visitorHash(SALT, 'visitor-abc-123');
    expect(v).toMatch(/^[0-9a-f]{64}$/);
    expect(await visitorHash(SALT, 'visitor-abc-123')).toBe(v);
    expect(await visitorHash(OTHER_SALT, 'visitor-abc-123')).not.toBe(v);
    expect(await visitorHash(SALT, 'visitor-abc-124')).not.toBe(v);
    const c = await customerHash(SALT, 'cust-42');
    expect(c).toMatch(/^[0-9a-f]{64}$/);
    expect(await customerHash(SALT, 'cust-42')).toBe(c);
  });

  it('a visitor id and a customer key that are the same string get different pseudonyms', async () => {
    expect(await visitorHash(SALT, 'same-string-1')).not.toBe(await customerHash(SALT, 'same-string-1'));
  });

  it('are not a SHA-256 of the value, with or without the salt (the scheme they replace)', async () => {
    const v = await visitorHash(SALT, 'visitor-abc-123');
    for (const plain of [
      'visitor-abc-123',
      'visitor:visitor-abc-123',
      `${SALT}:visitor:visitor-abc-123`,
      `${SALT}visitor-abc-123`,
    ])
      expect(v).not.toBe(await sha256Hex(plain));
  });
});

describe('IP and user-agent pseudonyms rotate daily', () => {
  it('the same IP hashes the same within a UTC day and differently on the next day', async () => {
    const morning = await ipHashes(SALT, IP, MIDNIGHT + 8 * 3600_000);
    const evening = await ipHashes(SALT, IP, MIDNIGHT + 23 * 3600_000);
    const tomorrow = await ipHashes(SALT, IP, MIDNIGHT + DAY + 8 * 3600_000);
    expect(morning.current).toMatch(/^[0-9a-f]{64}$/);
    expect(evening.current).toBe(morning.current);
    expect(tomorrow.current).not.toBe(morning.current);
    expect((await ipHashes(SALT, '203.0.113.8', MIDNIGHT + 8 * 3600_000)).current).not.toBe(morning.current);
    expect((await ipHashes(OTHER_SALT, IP, MIDNIGHT + 8 * 3600_000)).current).not.toBe(morning.current);
  });

  it('is never a SHA-256 of the IP, salted or not', async () => {
    const { current } = await ipHashes(SALT, IP, MIDNIGHT + 3600_000);
    for (const plain of [IP, `ip:${IP}`, `${SALT}:${IP}`, `${SALT}${IP}`]) expect(current).not.toBe(await sha256Hex(plain));
  });

  it("gives yesterday's hash as `previous` only during the first rate-limit window after midnight", async () => {
    expect(IP_HASH_OVERLAP_MS).toBe(60_000);
    const yesterday = (await ipHashes(SALT, IP, MIDNIGHT - 10_000)).current;
    expect((await ipHashes(SALT, IP, MIDNIGHT - 10_000)).previous).toBeNull(); // 23:59:50: not after a midnight
    const justAfter = await ipHashes(SALT, IP, MIDNIGHT + 10_000);
    expect(justAfter.previous).toBe(yesterday);
    expect(justAfter.current).not.toBe(yesterday);
    expect((await ipHashes(SALT, IP, MIDNIGHT)).previous).toBe(yesterday);
    expect((await ipHashes(SALT, IP, MIDNIGHT + IP_HASH_OVERLAP_MS - 1)).previous).toBe(yesterday);
    expect((await ipHashes(SALT, IP, MIDNIGHT + IP_HASH_OVERLAP_MS)).previous).toBeNull();
    expect((await ipHashes(SALT, IP, MIDNIGHT + 12 * 3600_000)).previous).toBeNull();
  });

  it('no IP or no user agent: no hash', async () => {
    expect(await ipHashes(SALT, null, MIDNIGHT + 1)).toEqual({ current: null, previous: null });
    expect(await ipHashes(SALT, '', MIDNIGHT + 1)).toEqual({ current: null, previous: null });
    expect(await uaHash(SALT, undefined, MIDNIGHT)).toBeNull();
  });

  it('the user-agent hash rotates with the day too, and differs from an IP hash of the same string', async () => {
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)';
    const today = await uaHash(SALT, ua, MIDNIGHT + 1000);
    expect(today).toMatch(/^[0-9a-f]{64}$/);
    expect(await uaHash(SALT, ua, MIDNIGHT + 20 * 3600_000)).toBe(today);
    expect(await uaHash(SALT, ua, MIDNIGHT + DAY + 1000)).not.toBe(today);
    expect((await ipHashes(SALT, ua, MIDNIGHT + 1000)).current).not.toBe(today);
  });

  it('labels the daily key with the UTC day', () => {
    expect(utcDay(MIDNIGHT)).toBe('2026-01-16');
    expect(utcDay(MIDNIGHT - 1)).toBe('2026-01-15');
  });
});

describe('a missing or short salt is refused, never used', () => {
  it('saltProblem names what is wrong', () => {
    expect(SALT_MIN_LENGTH).toBe(32);
    expect(saltProblem(undefined)).toBe('IP_HASH_SALT is not set.');
    expect(saltProblem('')).toBe('IP_HASH_SALT is not set.');
    expect(saltProblem('x'.repeat(31))).toBe('IP_HASH_SALT is shorter than 32 characters.');
    expect(saltProblem('x'.repeat(32))).toBeNull();
  });

  it.each([
    ['missing', ''],
    ['short', 'too-short-salt'],
  ])('every pseudonym function throws MissingSaltError naming the fix when the salt is %s', async (_name, salt) => {
    const calls = [
      () => visitorHash(salt, 'visitor-1'),
      () => customerHash(salt, 'cust-1'),
      () => ipHashes(salt, IP, MIDNIGHT),
      () => ipHashes(salt, null, MIDNIGHT),
      () => uaHash(salt, 'ua', MIDNIGHT),
    ];
    for (const f of calls) {
      const error = await f().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MissingSaltError);
      expect((error as Error).message).toContain('npx wrangler secret put IP_HASH_SALT');
    }
  });
});
