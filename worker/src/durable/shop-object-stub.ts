/**
 * The stub of a shop's Durable Object (one per shop, named by the shop id). A module without a
 * runtime import of `cloudflare:workers`, so that services and routes can use it anywhere.
 */
import type { ClickBuffer } from './click-buffer.js';

export function shopObject(env: Env, shopId: string): DurableObjectStub<ClickBuffer> {
  return env.CLICK_BUFFER.get(env.CLICK_BUFFER.idFromName(shopId));
}
