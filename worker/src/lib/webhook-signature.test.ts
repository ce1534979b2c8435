/**
 * Outgoing webhook signatures follow the Standard Webhooks scheme: the `standardwebhooks` package
 * (the reference implementation) verifies what the worker signs, with the worker's own secrets,
 * and one signature per secret while a rotated-out secret still signs.
 */
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, webhookKeyBytes, webhookSignature } from './webhook-signature';

const body = JSON.stringify({
  id: 'evt_1',
  type: 'payout.paid',
  data: { amountMinor: 16800, currency: 'HKD', note: '港葉茶舖' },
});

describe('webhook secrets and signatures', () => {
  it('a new secret is whsec_ + base64 of 32 random bytes, and no two are alike', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookKeyBytes(a)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('standardwebhooks verifies the signature, and it equals its own', async () => {
    const secret = newWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const signature = await webhookSignature([secret], 'evt_1', ts, body);
    const wh = new Webhook(secret);
    expect(signature).toBe(wh.sign('evt_1', new Date(ts * 1000), body));
    expect(wh.verify(body, { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': signature })).toEqual(
      JSON.parse(body),
    );
  });

  it('secrets made before Standard Webhooks (whsec_ + 32 letters and digits) still sign verifiably', async () => {
    const legacy = 'whsec_Q8d2kLmN4pR7sT1vW3xY5zA6bC9eF0gH';
    const ts = Math.floor(Date.now() / 1000);
    const signature = await webhookSignature([legacy], 'evt_2', ts, body);
    expect(() =>
      new Webhook(legacy).verify(body, {
        'webhook-id': 'evt_2',
        'webhook-timestamp': String(ts),
        'webhook-signature': signature,
      }),
    ).not.toThrow();
  });

  it('during a rotation both secrets sign: a verifier with either accepts', async () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const signature = await webhookSignature([current, previous], 'evt_3', ts, body);
    expect(signature.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'evt_3', 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
  });

  it('refuses a secret that is not base64', () => {
    expect(() => webhookKeyBytes('whsec_demo_harbourleaf00000000000000000000')).toThrow(/base64/);
    expect(() => webhookKeyBytes('whsec_')).toThrow(/base64/);
  });
});
