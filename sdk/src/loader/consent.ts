/**
 * `ShareCart.consent(granted)`, loaded when called. Granting lets the SDK store and send, and
 * captures a referral parameter still waiting in the URL; withdrawing erases what the SDK stored in
 * this browser and stops it again. Components listening for `sc-consent` reload.
 */
import { emit } from '../internal/events.js';
import { runtime } from '../internal/runtime.js';
import { forgetAll } from '../internal/storage.js';
import { captureReferral } from './capture.js';

export async function consent(granted: boolean): Promise<void> {
  const rt = runtime();
  rt.consent = granted;
  if (!granted) {
    if (rt.settings) rt.settings.consentRequired = true;
    forgetAll();
    rt.memo.clear();
  }
  emit('sc-consent', { granted });
  if (granted) await captureReferral().catch(() => null);
}
