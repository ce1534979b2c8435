import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Identity } from './self-referral.js';
import { detectSelfReferral, normalizeEmail, normalizePhone } from './self-referral.js';

describe('normalizeEmail', () => {
  it.each([
    ['  Maggie@Example.COM ', 'maggie@example.com'],
    ['maggie.chan+shop@example.com', 'maggie.chan+shop@example.com'],
    ['Maggie.Chan+shop@Gmail.com', 'maggiechan@gmail.com'],
    ['m.a.g.g.i.e@gmail.com', 'maggie@gmail.com'],
    ['maggie+a+b@gmail.com', 'maggie@gmail.com'],
    ['Maggie.Chan@googlemail.com', 'maggiechan@gmail.com'],
    ['maggie@gmail.com.hk', 'maggie@gmail.com.hk'],
    ['maggie@mail.gmail.com', 'maggie@mail.gmail.com'],
    ['no-at-sign', 'no-at-sign'],
    ['"a@b"@gmail.com', '"a@b"@gmail.com'],
    ['', ''],
  ])('normalizeEmail(%j) = %j', (input, output) => {
    expect(normalizeEmail(input)).toBe(output);
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string()), (email) => {
        const once = normalizeEmail(email);
        expect(normalizeEmail(once)).toBe(once);
      }),
    );
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+852 9123 4567', '+85291234567'],
    ['(852) 9123-4567', '85291234567'],
    ['  +1 (415) 555-0100 ', '+14155550100'],
    ['9123.4567', '91234567'],
    ['+', ''],
    ['', ''],
    ['phone', ''],
    ['0+1', '01'],
  ])('normalizePhone(%j) = %j', (input, output) => {
    expect(normalizePhone(input)).toBe(output);
  });

  it('is idempotent and keeps only digits and a leading + (property)', () => {
    fc.assert(
      fc.property(fc.string(), (phone) => {
        const once = normalizePhone(phone);
        expect(once).toMatch(/^\+?\d*$/);
        expect(normalizePhone(once)).toBe(once);
      }),
    );
  });
});

describe('detectSelfReferral', () => {
  it.each<[string, Identity, Identity, string]>([
    ['token', { tokenHash: 'abc' }, { tokenHash: 'abc' }, 'token'],
    ['customer', { customerRef: 'cus_1' }, { customerRef: ' cus_1 ' }, 'customer'],
    ['email', { email: 'Maggie.Chan@gmail.com' }, { email: 'maggiechan+sale@googlemail.com' }, 'email'],
    ['same_email (case, spaces)', { email: 'maggie@example.com' }, { email: ' MAGGIE@Example.com' }, 'email'],
    ['phone', { phone: '+852 9123 4567' }, { phone: '+85291234567' }, 'phone'],
    ['visitor', { visitorHashes: ['v1'] }, { visitorHashes: ['v1'] }, 'visitor'],
  ])('%s', (_, referrer, buyer, reason) => {
    expect(detectSelfReferral(referrer, buyer)).toEqual({ self: true, reason });
  });

  it('reports the first matching reason in the order token, customer, email, phone, visitor', () => {
    const everything: Identity = {
      tokenHash: 't',
      customerRef: 'c',
      email: 'e@example.com',
      phone: '+1 2',
      visitorHashes: ['v'],
    };
    expect(detectSelfReferral(everything, everything).reason).toBe('token');
    expect(detectSelfReferral({ ...everything, tokenHash: 'x' }, everything).reason).toBe('customer');
    expect(detectSelfReferral({ ...everything, tokenHash: null, customerRef: null }, everything).reason).toBe('email');
    expect(detectSelfReferral({ phone: '+12', visitorHashes: ['v'] }, everything).reason).toBe('phone');
    expect(detectSelfReferral({ visitorHashes: ['v'] }, everything).reason).toBe('visitor');
  });

  it('different people are not self-referrals', () => {
    expect(
      detectSelfReferral(
        {
          tokenHash: 'a',
          customerRef: 'c1',
          email: 'a@example.com',
          phone: '+85291234567',
          visitorHashes: ['v1'],
        },
        {
          tokenHash: 'b',
          customerRef: 'c2',
          email: 'b@example.com',
          phone: '+85291234568',
          visitorHashes: ['v2'],
        },
      ),
    ).toEqual({ self: false, reason: null });
  });

  it('does not drop dots outside Gmail', () => {
    expect(detectSelfReferral({ email: 'maggie.chan@example.com' }, { email: 'maggiechan@example.com' }).self).toBe(false);
  });

  it('absent fields never match: missing, null, empty or blank on either side', () => {
    const absent: Array<string | null | undefined> = [undefined, null, '', '   '];
    for (const a of absent) {
      for (const b of absent) {
        const identity = (v: string | null | undefined): Identity => ({
          tokenHash: v,
          customerRef: v,
          email: v,
          phone: v,
          visitorHashes: [v],
        });
        expect(detectSelfReferral(identity(a), identity(b))).toEqual({ self: false, reason: null });
      }
    }
    expect(detectSelfReferral({}, {})).toEqual({ self: false, reason: null });
  });

  it('a field present on only one side never matches', () => {
    expect(detectSelfReferral({ email: 'a@example.com' }, { phone: '+1 555' })).toEqual({
      self: false,
      reason: null,
    });
    expect(detectSelfReferral({ customerRef: 'c' }, { customerRef: null, email: 'c' })).toEqual({
      self: false,
      reason: null,
    });
  });

  it('values that normalize to nothing never match', () => {
    expect(detectSelfReferral({ phone: '+' }, { phone: '+ ' }).self).toBe(false);
    expect(detectSelfReferral({ phone: 'n/a' }, { phone: 'none' }).self).toBe(false);
    expect(detectSelfReferral({ email: '@' }, { email: '@' }).self).toBe(false);
    expect(detectSelfReferral({ email: '@gmail.com' }, { email: '.@gmail.com' }).self).toBe(false);
  });

  it('visitor hashes are sets: any browser in both matches, an empty set never does', () => {
    expect(detectSelfReferral({ visitorHashes: ['v1', 'v2', 'v3'] }, { visitorHashes: ['v9', ' v2 '] })).toEqual({
      self: true,
      reason: 'visitor',
    });
    expect(detectSelfReferral({ visitorHashes: ['v1', 'v2'] }, { visitorHashes: ['v3', null, ''] }).self).toBe(false);
    expect(detectSelfReferral({ visitorHashes: [] }, { visitorHashes: [] }).self).toBe(false);
  });

  it('does not compare across fields', () => {
    expect(detectSelfReferral({ tokenHash: 'x' }, { visitorHashes: ['x'] }).self).toBe(false);
  });

  it('is symmetric and an identity with any field always matches itself (property)', () => {
    const field = fc.option(fc.string({ minLength: 0, maxLength: 12 }), { nil: null });
    const identity = fc.record(
      {
        tokenHash: field,
        customerRef: field,
        email: field,
        phone: field,
        visitorHashes: fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(identity, identity, (a, b) => {
        expect(detectSelfReferral(a, b)).toEqual(detectSelfReferral(b, a));
        const verdict = detectSelfReferral(a, b);
        expect(verdict.self).toBe(verdict.reason !== null);
      }),
    );
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        expect(detectSelfReferral({ email }, { email: ` ${email.toUpperCase()} ` })).toEqual({
          self: true,
          reason: 'email',
        });
      }),
    );
  });
});
