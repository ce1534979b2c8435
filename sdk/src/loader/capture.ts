/**
 * Referral capture, on pages that carry the referral parameter: reads it (`?ref=CODE`, name set by
 * `data-ref-param`), records the click — or adopts the click the worker's short link already
 * recorded (`&sc_click=clk_…`) — keeps `{clickId, code, expires}` first-party (localStorage and the
 * `sc_ref` cookie), removes the parameters from the address bar, fires `sc-click-captured` and fills
 * every `<input name="sharecart_click">`. In consent mode it does nothing until consent is given.
 */
import { getConfig, type ScError } from '../internal/api-client.js';
import { recordClick, visitorId } from '../internal/api-referrer.js';
import { emit } from '../internal/events.js';
import { allowed, memo, runtime } from '../internal/runtime.js';
import { fillInputs, REF_KEY, write, type Attribution, type StoredReferral } from '../internal/storage.js';

const CODE = /^[\w-]{1,64}$/;
const CLICK = /^[\w-]{1,80}$/;

/** Stores the referral in localStorage and the `sc_ref` cookie (SameSite=Lax, path=/, until it expires). */
function storeReferral(r: StoredReferral): boolean {
  if (!write(REF_KEY, r)) return false;
  const value: Attribution = { clickId: r.clickId, code: r.code, expires: r.expires };
  document.cookie =
    `sc_ref=${encodeURIComponent(JSON.stringify(value))}; path=/; SameSite=Lax; expires=${new Date(r.expires).toUTCString()}` +
    (location.protocol == 'https:' ? '; Secure' : '');
  return true;
}

/** The page URL without the referral parameters, put back in the address bar. */
function stripParams(): string {
  const url = new URL(location.href);
  url.searchParams.delete(runtime().settings!.refParam);
  url.searchParams.delete('sc_click');
  if (url.href != location.href) history.replaceState(history.state, '', url);
  return url.href;
}

/**
 * Captures the referral in the current URL, if any. Resolves with what was stored, or null (no
 * parameter, consent pending, an unknown code, a rate limit). Rejects only on failures worth
 * retrying (network), leaving the parameter in place. Loaded (with the API client) only on pages
 * that carry a referral parameter, or when consent is given.
 */
export function captureReferral(): Promise<StoredReferral | null> {
  const s = runtime().settings;
  const params = new URLSearchParams(location.search);
  const code = s && params.get(s.refParam);
  if (!code || !allowed()) return Promise.resolve(null);
  const adopted = params.get('sc_click');
  return memo(`capture:${code}:${adopted}`, async () => {
    if (!CODE.test(code) || (adopted && !CLICK.test(adopted))) {
      stripParams();
      return null;
    }
    let referral: StoredReferral;
    try {
      if (adopted) {
        // The short link recorded the click server-side: keep its id, never post a second click.
        const config = await getConfig().catch(() => null);
        referral = {
          clickId: adopted,
          code,
          expires: Date.now() + (config?.program.windowDays ?? 30) * 864e5,
          reward: config?.program.friendReward,
        };
      } else {
        const landingUrl = new URL(location.href);
        landingUrl.searchParams.delete(s.refParam);
        const click = await recordClick({
          code,
          channel: params.get('utm_source') ?? undefined,
          landingUrl: landingUrl.href,
          visitorId: visitorId(),
        });
        referral = {
          clickId: click.clickId,
          code: click.code,
          expires: click.expiresAt,
          name: click.referrer.displayName,
          reward: click.friendReward,
        };
      }
    } catch (e) {
      const err = e as ScError;
      emit('sc-error', { code: err.code, message: err.message });
      // A definite answer (unknown code, rate limited, bad key): drop the parameter, don't retry.
      if (err.status >= 400 && err.status < 500) {
        stripParams();
        return null;
      }
      throw e;
    }
    storeReferral(referral);
    stripParams();
    fillInputs(referral.clickId);
    emit('sc-click-captured', {
      clickId: referral.clickId,
      code: referral.code,
      expiresAt: referral.expires,
      referrer: { displayName: referral.name ?? null },
      friendReward: referral.reward ?? null,
    });
    return referral;
  });
}
