/**
 * `ShareCart.consent(granted)`, loaded when called. Granting lets the SDK store and send, and
 * captures a referral parameter still waiting in the URL; withdrawing erases what the SDK stored in
 * this browser and stops it again. Components listening for `sc-consent` reload.
 */
import { emit } from '../internal/events.js';
import { runtime } from '../internal/runtime.js';
import { REF_KEY, TEAM_KEY, TOKEN_KEY, VISITOR_KEY } from '../internal/storage.js';
import { captureReferral } from './capture.js';

/** Forgets everything the SDK stored in this browser: its localStorage keys and the `sc_ref` and `sc_team` cookies. */
function forgetAll(): void {
  for (const k of [REF_KEY, TOKEN_KEY, VISITOR_KEY, TEAM_KEY]) {
    try {
      localStorage.removeItem(k);
    } catch {
      /* storage blocked */
    }
  }
  for (const c of [REF_KEY, TEAM_KEY]) document.cookie = `${c}=; path=/; SameSite=Lax; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

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
