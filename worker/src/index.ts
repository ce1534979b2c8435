/**
 * The ShareCart worker's entry: the API (app.ts), the cron (services/maintenance.ts) and the
 * Durable Object classes (two per shop, one per team). Static assets (the SDK bundle and the demo shop) are served by the assets
 * binding before this runs.
 */
import type { Bindings } from './app-env.js';
import { app } from './app.js';
import { runMaintenance } from './services/maintenance.js';

// Durable Object classes must be exported from the entry module; nothing else may be (workerd
// treats every named export as an entrypoint).
export { ShopObject } from './durable/shop-object.js';
export { TeamRoom } from './durable/team-room.js';
export { WebhookSender } from './durable/webhook-sender.js';

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runMaintenance(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
