/**
 * The stub of a shop's webhook sender (webhook-sender.ts), for services. Only its type is imported
 * from the class, so this module loads without the Workers runtime.
 *
 * @example
 * await webhookSender(env, shop.id).poke(shop.id);
 */
import type { WebhookSender } from './webhook-sender.js';
import { stubByName } from './stub-by-name.js';

export function webhookSender(env: Env, shopId: string): DurableObjectStub<WebhookSender> {
  return stubByName(env.WEBHOOK_SENDER, shopId);
}
