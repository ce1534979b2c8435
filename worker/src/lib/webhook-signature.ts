/**
 * Signing outgoing webhooks by the Standard Webhooks specification (standardwebhooks.com), so a shop
 * verifies them with the `standardwebhooks` or `svix` libraries in any language, or with
 * `verifyWebhook` from the npm package:
 *
 * - a secret is `whsec_` + base64 of the key bytes (32 random bytes when the worker makes one);
 * - the signed content is `${webhook-id}.${webhook-timestamp}.${body}` (timestamp in Unix seconds);
 * - `webhook-signature` is `v1,` + base64 of its HMAC-SHA256, one per secret, separated by spaces
 *   (two while a rotated-out secret still signs).
 */

const encoder = new TextEncoder();
const PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The key bytes of a `whsec_…` secret (the base64 after the prefix).
 * @throws Error when the secret is not valid base64 (migration 0007 replaced every such secret)
 */
export function webhookKeyBytes(secret: string): Uint8Array {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (b64.length === 0 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new Error('A webhook secret is whsec_ followed by base64.');
  }
  const binary = atob(b64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * The `webhook-signature` header: one `v1,<base64>` per secret, in the order given.
 * @example await webhookSignature([secret], 'evt_123', 1_700_000_000, body) // "v1,K5oZ…="
 */
export async function webhookSignature(secrets: string[], id: string, timestampSeconds: number, body: string): Promise<string> {
  const content = encoder.encode(`${id}.${timestampSeconds}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const key = await crypto.subtle.importKey('raw', webhookKeyBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, content)))}`;
    }),
  );
  return signatures.join(' ');
}
