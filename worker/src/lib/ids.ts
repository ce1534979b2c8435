/**
 * Identifiers and keys. Prefixes say what an id is (`conv_`, `clk_`…), nanoid gives the entropy.
 * Ids sort by creation time, as UUIDv7 and ULID do: the rows a table gets in id order land at the
 * end of its primary-key index instead of on a random page of it, which keeps the pages a commit
 * writes few — in D1 (clicks, conversions, the ledger, the outbox) and in the shop object's click log.
 */
import { customAlphabet } from 'nanoid';
import { toHex } from './crypto.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** No lookalikes (0/O, 1/l/I): codes are read aloud on livestreams and typed as coupons. */
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** The random part of an id: 12 characters, 71 bits, after the 8 of its time. */
const idRandom = customAlphabet(ALNUM, 12);
const keyPart = customAlphabet(ALNUM, 32);
const codePart = customAlphabet(CODE_ALPHABET, 8);

export type IdPrefix =
  | 'shop'
  | 'key'
  | 'ref'
  | 'clk'
  | 'shr'
  | 'conv'
  | 'rf'
  | 'po'
  | 'pb'
  | 'le'
  | 'txn'
  | 'evt'
  | 'req'
  | 'dtk'
  | 'team'
  | 'tmb'
  | 'tof';

/**
 * 20 characters after the prefix: the creation time (ms since the epoch, 8 base-62 digits — ALNUM is
 * in byte order, so ids compare as their times do until the year 8888) and 12 random ones.
 * @example newId('conv', Date.UTC(2026, 10, 30)) // "conv_0VcPTXea3fJ9…": the time, then the random part
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = '';
  for (let i = 0, t = Math.floor(now); i < 8; i++, t = Math.floor(t / 62)) time = ALNUM[t % 62]! + time;
  return `${prefix}_${time}${idRandom()}`;
}

export function newPublishableKey(): string {
  return `pk_live_${keyPart()}`;
}

export function newSecretKey(): string {
  return `sk_live_${keyPart()}`;
}

/** 64 hex (256 bits): the shop's buyer-claim signing secret (never shown). */
export function newClaimSecret(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(32)).buffer);
}

/**
 * A team member's token: `tmt_`, the team id's 20 characters (so the token names its team), `_` and
 * 32 random characters (190 bits). Only the team's Durable Object keeps it.
 * @example newMemberToken('team_3fJ9…') // "tmt_3fJ9…_Xy…"
 */
export function newMemberToken(teamId: string): string {
  return `tmt_${teamId.slice('team_'.length)}_${keyPart()}`;
}

/** A dashboard sign-in token (`dt_…`, 190 random bits; stored as its SHA-256). */
export function newDashboardToken(): string {
  return `dt_${keyPart()}`;
}

/** A dashboard session secret (`dss_…`, 190 random bits; the cookie value or the embedded bearer; stored as its SHA-256). */
export function newSessionSecret(): string {
  return `dss_${keyPart()}`;
}

export function newReferrerToken(): string {
  return `rt_${keyPart()}`;
}

/** An 8-character referral code. */
export function newReferralCode(): string {
  return codePart();
}

export const REFERRAL_CODE_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;
