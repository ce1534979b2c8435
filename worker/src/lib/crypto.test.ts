import { describe, expect, it } from 'vitest';
import { hmacHex, hmacKey, sha256Hex, toHex } from './crypto.js';

describe('crypto', () => {
  it('toHex: two lower-case digits per byte, leading zeros kept', () => {
    expect(toHex(new Uint8Array([0, 1, 15, 16, 171, 255]).buffer)).toBe('00010f10abff');
  });

  it('sha256Hex: the FIPS 180-2 vector', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hmacHex: RFC 4231 test case 2, the same under the secret and under its cached key (twice: the same key)', async () => {
    const mac = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(await hmacHex('Jefe', 'what do ya want for nothing?')).toBe(mac);
    expect(hmacKey('Jefe')).toBe(hmacKey('Jefe'));
    expect(await hmacHex(await hmacKey('Jefe'), 'what do ya want for nothing?')).toBe(mac);
    expect(await hmacHex(await hmacKey('Jefe'), 'what do ya want for nothing?')).toBe(mac);
    expect(await hmacHex('jefe', 'what do ya want for nothing?')).not.toBe(mac);
  });
});
