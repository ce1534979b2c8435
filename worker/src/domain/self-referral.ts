/**
 * Self-referral: whether the buyer of an order is the referrer who would be paid for it. Pure.
 *
 * Identities are compared field by field, only where both sides have the field (a missing or
 * blank field never matches anything), after normalization: e-mail addresses are trimmed and
 * lower-cased (and Gmail's dots and +tags dropped), phone numbers keep only their digits and a
 * leading `+`, and opaque ids (token hash, customer ref, visitor hashes) are compared trimmed.
 * Visitor hashes are sets: the browsers a referrer created or claimed their link from, and the
 * browsers the buyer's click and order came from; any browser in both is a match (the referrer
 * bought through their own link in their own browser). The first match, in the order token,
 * customer, email, phone, visitor, is the reason. The caller flags the conversion and puts the
 * commission on hold; it is never silently dropped.
 */

export interface Identity {
  tokenHash?: string | null;
  customerRef?: string | null;
  email?: string | null;
  phone?: string | null;
  visitorHashes?: ReadonlyArray<string | null | undefined> | null;
}

export type SelfReferralReason = 'token' | 'customer' | 'email' | 'phone' | 'visitor';

export interface SelfReferralVerdict {
  self: boolean;
  reason: SelfReferralReason | null;
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Normalizes an e-mail address for comparison: trim and lower-case; for gmail.com and
 * googlemail.com (which Google treats as one), drop the dots and any `+tag` of the local part
 * and use gmail.com.
 *
 * @example
 * normalizeEmail('  Maggie.Chan+shop@GoogleMail.com '); // "maggiechan@gmail.com"
 * normalizeEmail('Maggie.Chan+shop@example.com');        // "maggie.chan+shop@example.com"
 */
export function normalizeEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  let local = lower.slice(0, at);
  const domain = lower.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return lower;
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  local = local.replaceAll('.', '');
  return `${local}@gmail.com`;
}

/**
 * Normalizes a phone number for comparison: digits only, keeping a leading `+`.
 *
 * @example
 * normalizePhone('+852 9123 4567');   // "+85291234567"
 * normalizePhone('(852) 9123-4567');  // "85291234567"
 */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits === '') return '';
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

function present(value: string | null | undefined, normalize: (v: string) => string): string | null {
  if (typeof value !== 'string') return null;
  const normalized = normalize(value);
  return normalized === '' ? null : normalized;
}

const trim = (v: string): string => v.trim();

/** The normalized e-mail without an address part is not an address (e.g. "@" or "a@"). */
function emailKey(v: string): string {
  const normalized = normalizeEmail(v);
  const at = normalized.lastIndexOf('@');
  return at <= 0 || at === normalized.length - 1 ? '' : normalized;
}

/** A lone "+" is not a number. */
function phoneKey(v: string): string {
  const normalized = normalizePhone(v);
  return normalized.replace('+', '') === '' ? '' : normalized;
}

const CHECKS: ReadonlyArray<{
  field: Exclude<keyof Identity, 'visitorHashes'>;
  reason: SelfReferralReason;
  normalize: (v: string) => string;
}> = [
  { field: 'tokenHash', reason: 'token', normalize: trim },
  { field: 'customerRef', reason: 'customer', normalize: trim },
  { field: 'email', reason: 'email', normalize: emailKey },
  { field: 'phone', reason: 'phone', normalize: phoneKey },
];

function visitorSet(values: Identity['visitorHashes']): Set<string> {
  const out = new Set<string>();
  for (const v of values ?? []) {
    const key = present(v, trim);
    if (key !== null) out.add(key);
  }
  return out;
}

/**
 * Whether `buyer` is `referrer`, and by which evidence.
 *
 * @example
 * detectSelfReferral({ email: 'maggie.chan@gmail.com' }, { email: 'MaggieChan+x@gmail.com' });
 * // { self: true, reason: 'email' }
 * detectSelfReferral({ email: null }, { email: null });
 * // { self: false, reason: null }
 */
export function detectSelfReferral(referrer: Identity, buyer: Identity): SelfReferralVerdict {
  for (const { field, reason, normalize } of CHECKS) {
    const a = present(referrer[field], normalize);
    const b = present(buyer[field], normalize);
    if (a !== null && a === b) return { self: true, reason };
  }
  const theirs = visitorSet(referrer.visitorHashes);
  for (const v of visitorSet(buyer.visitorHashes)) if (theirs.has(v)) return { self: true, reason: 'visitor' };
  return { self: false, reason: null };
}
