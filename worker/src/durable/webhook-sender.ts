/**
 * WebhookSender: one Durable Object per shop (named by its shop id; get its stub with
 * `webhookSender(env, shopId)` from webhook-sender-stub.ts) that delivers the shop's outbox events
 * to its webhook URL. The workflow is services/webhooks.ts `deliverDue`; this class only makes it
 * run one at a time per shop and on time:
 *
 * - `poke()` (after a writer added events, or from the cron) sets the alarm to now unless it is set
 *   earlier already;
 * - the alarm runs `deliver(Date.now())`, which sets the alarm again for the next due attempt (a
 *   retry's backoff) — none when nothing is pending.
 *
 * Each shop has its own object, so a receiver that is slow or never answers holds up only its own
 * shop's deliveries. The events and their state live in D1; the object stores only its shop id.
 */
import { DurableObject } from 'cloudflare:workers';
import { deliverDue, type DeliveryRun } from '../services/webhooks.js';

export class WebhookSender extends DurableObject<Env> {
  private shopId: string | null = null;
  /** the run in progress: runs never overlap, so no event is attempted twice at once */
  private running: Promise<unknown> = Promise.resolve();

  /** Events of `shopId` may be due: deliver them soon. */
  async poke(shopId: string): Promise<void> {
    await this.remember(shopId);
    await this.alarmBy(Date.now());
  }

  /**
   * Delivers what is due at `now` (after any run in progress) and sets the alarm for what comes
   * next. The alarm passes the real time; tests pass an injected clock.
   */
  async deliver(now: number): Promise<DeliveryRun | null> {
    const run = this.running.then(() => this.deliverNow(now));
    this.running = run.catch(() => undefined);
    return run;
  }

  override async alarm(): Promise<void> {
    await this.deliver(Date.now());
  }

  private async deliverNow(now: number): Promise<DeliveryRun | null> {
    const shopId = this.shopId ?? (await this.ctx.storage.get<string>('shopId')) ?? null;
    if (!shopId) return null;
    this.shopId = shopId;
    const run = await deliverDue(this.env, shopId, now);
    if (run.nextRunAt !== null) await this.alarmBy(run.nextRunAt);
    return run;
  }

  private async remember(shopId: string): Promise<void> {
    if (this.shopId === shopId) return;
    this.shopId = shopId;
    await this.ctx.storage.put('shopId', shopId);
  }

  /** Makes the alarm run no later than `at`. */
  private async alarmBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
