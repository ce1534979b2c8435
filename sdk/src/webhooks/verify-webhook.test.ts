/**
 * `verifyWebhook` (issue 7) on vectors, in Node (the `unit` project; the worker's delivery tests run
 * it in workerd on real deliveries). Every vector is cross-checked against the `standardwebhooks`
 * package, the Standard Webhooks reference implementation: both accept the same deliveries and
 * refuse the same forgeries — a flipped byte, a wrong secret, a stale or future timestamp — and
 * both accept either secret while two sign during a rotation.
 */
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook';

/** The example of the Standard Webhooks specification (its timestamp is from 2021). */
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const EVER = { toleranceSeconds: 10 * 365 * 86_400 };

const SECRET = 'whsec_' + Buffer.from('harbour-leaf-test-secret-0123456789ab').toString('base64');
const ROTATED = 'whsec_' + Buffer.from('harbour-leaf-next-secret-9876543210zy').toString('base64');
const EVENT = {
  id: 'evt_3fJ9kQ',
  type: 'commission.available',
  timestamp: '2026-11-02T08:00:00.000Z',
  shopId: 'shop_1',
  data: { conversionId: 'conv_1', referrerId: 'ref_1', amountMinor: 1680, currency: 'HKD', note: '港葉茶舖' },
};
const BODY = JSON.stringify(EVENT);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A delivery as the worker makes it, signed by the reference implementation with each secret. */
function delivery(secrets: string[], { body = BODY, timestamp = nowSeconds(), id = EVENT.id } = {}) {
  const signature = secrets.map((s) => new Webhook(s).sign(id, new Date(timestamp * 1000), body)).join(' ');
  return { body, headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } };
}

/** What both verifiers say about a delivery: the parsed event, or an error (ours with its code). */
async function both(body: string, headers: Record<string, string>, secret: string, options?: { toleranceSeconds: number }) {
  let reference: unknown;
  try {
    reference = new Webhook(secret).verify(body, headers);
  } catch (error) {
    reference = 'refused';
  }
  let ours: unknown;
  try {
    ours = await verifyWebhook(body, headers, secret, options);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    ours = (error as WebhookVerificationError).code;
  }
  return { reference, ours };
}

describe('verifyWebhook', () => {
  it('accepts the specification example, whose signature both compute', async () => {
    const headers = { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp), 'webhook-signature': SPEC.signature };
    expect(new Webhook(SPEC.secret).sign(SPEC.id, new Date(SPEC.timestamp * 1000), SPEC.body)).toBe(SPEC.signature);
    expect(await verifyWebhook(SPEC.body, headers, SPEC.secret, EVER)).toEqual({ test: 2432232314 });
    // and by default it is far too old
    await expect(verifyWebhook(SPEC.body, headers, SPEC.secret)).rejects.toMatchObject({ code: 'timestamp_too_old' });
  });

  it('valid: returns the event, from a string, bytes, Fetch Headers or Node-style headers', async () => {
    const { body, headers } = delivery([SECRET]);
    expect(await both(body, headers, SECRET, { toleranceSeconds: 300 })).toEqual({ reference: EVENT, ours: EVENT });
    expect(await verifyWebhook(new TextEncoder().encode(body), new Headers(headers), SECRET)).toEqual(EVENT);
    expect(await verifyWebhook(Buffer.from(body), { ...headers, 'Webhook-Id': undefined }, SECRET)).toEqual(EVENT);
  });

  it('one byte flipped anywhere in the body is refused', async () => {
    const { body, headers } = delivery([SECRET]);
    const bytes = new TextEncoder().encode(body);
    for (const at of [0, 10, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[at]! ^= 0x01;
      const text = new TextDecoder().decode(flipped);
      expect(await both(text, headers, SECRET)).toEqual({ reference: 'refused', ours: 'no_matching_signature' });
      await expect(verifyWebhook(flipped, headers, SECRET)).rejects.toMatchObject({ code: 'no_matching_signature' });
    }
    // the id and timestamp are signed too
    const otherId = { ...headers, 'webhook-id': 'evt_other' };
    expect(await both(body, otherId, SECRET)).toEqual({ reference: 'refused', ours: 'no_matching_signature' });
    const otherTime = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) };
    expect(await both(body, otherTime, SECRET)).toEqual({ reference: 'refused', ours: 'no_matching_signature' });
  });

  it('a wrong secret is refused', async () => {
    const { body, headers } = delivery([SECRET]);
    expect(await both(body, headers, ROTATED)).toEqual({ reference: 'refused', ours: 'no_matching_signature' });
    await expect(verifyWebhook(body, headers, 'whsec_not base64!')).rejects.toMatchObject({ code: 'invalid_secret' });
  });

  it('a stale timestamp (older than the tolerance) or one too far ahead is refused', async () => {
    const old = delivery([SECRET], { timestamp: nowSeconds() - 301 });
    expect(await both(old.body, old.headers, SECRET)).toEqual({ reference: 'refused', ours: 'timestamp_too_old' });
    const ahead = delivery([SECRET], { timestamp: nowSeconds() + 301 });
    expect(await both(ahead.body, ahead.headers, SECRET)).toEqual({ reference: 'refused', ours: 'timestamp_too_new' });
    const recent = delivery([SECRET], { timestamp: nowSeconds() - 250 });
    expect((await both(recent.body, recent.headers, SECRET)).ours).toEqual(EVENT);
    expect(await verifyWebhook(old.body, old.headers, SECRET, { toleranceSeconds: 600 })).toEqual(EVENT);
  });

  it('two signatures during a secret rotation: either secret verifies, a third does not', async () => {
    const { body, headers } = delivery([ROTATED, SECRET]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(await both(body, headers, SECRET)).toEqual({ reference: EVENT, ours: EVENT });
    expect(await both(body, headers, ROTATED)).toEqual({ reference: EVENT, ours: EVENT });
    const third = 'whsec_' + Buffer.from('someone-else-entirely-0000000000000').toString('base64');
    expect(await both(body, headers, third)).toEqual({ reference: 'refused', ours: 'no_matching_signature' });
    // a receiver holding both secrets during its own switch-over
    expect(await verifyWebhook(delivery([ROTATED]).body, delivery([ROTATED]).headers, [SECRET, ROTATED])).toEqual(EVENT);
  });

  it('missing headers, unknown signature versions and a body that is not JSON are refused', async () => {
    const { body, headers } = delivery([SECRET]);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const partial: Record<string, string> = { ...headers };
      delete partial[name];
      await expect(verifyWebhook(body, partial, SECRET)).rejects.toMatchObject({ code: 'missing_headers' });
    }
    const v2 = { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') };
    expect(await both(body, v2, SECRET)).toEqual({ reference: 'refused', ours: 'no_matching_signature' });
    await expect(verifyWebhook(body, { ...headers, 'webhook-timestamp': '1e9' }, SECRET)).rejects.toMatchObject({
      code: 'invalid_timestamp',
    });
    const notJson = delivery([SECRET], { body: 'not json' });
    await expect(verifyWebhook(notJson.body, notJson.headers, SECRET)).rejects.toMatchObject({ code: 'invalid_body' });
  });
});
