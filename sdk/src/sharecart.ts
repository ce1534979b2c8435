/**
 * The script-tag entry (`/sdk/sharecart.js`): reads its configuration from `data-*` on its own
 * `<script>` and boots the SDK. No Lit here: components arrive as chunks when their tags appear.
 *
 * ```html
 * <script type="module" src="https://SHOP-WORKER/sdk/sharecart.js" data-shop="pk_…"
 *         data-locale="zh-Hant-HK" data-ref-param="ref" data-consent="required"></script>
 * ```
 * - `data-shop` (required): the shop's publishable key.
 * - `data-api`: the API base URL; default the script's own origin.
 * - `data-locale`: `en`, `zh-Hant-HK` or `zh-Hans`; default the page's `lang`.
 * - `data-ref-param`: the referral query parameter; default `ref`.
 * - `data-consent="required"`: store and send nothing until `ShareCart.consent(true)`.
 */
import { boot } from './loader/boot.js';

/** Finds this script's own tag (module scripts have no `currentScript`). */
function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript as HTMLScriptElement | null;
  if (current) return current;
  for (const s of document.querySelectorAll<HTMLScriptElement>('script[src]')) if (s.src == import.meta.url) return s;
  return document.querySelector<HTMLScriptElement>('script[data-shop]');
}

/** Reads the settings, logging a clear, coded error for a missing or wrong key. */
function readScriptSettings(script = ownScript()) {
  const d = script?.dataset ?? {};
  const key = d.shop?.trim();
  const fail = (code: string, why: string) => (console.error(`[ShareCart] ${code}: data-shop ${why}`), null);
  if (!key) return fail('sc_missing_key', 'is missing: set it to your publishable key (pk_…)');
  if (key.startsWith('sk_')) return fail('sc_secret_key_exposed', 'holds a SECRET key: remove it and rotate it now');
  if (!/^pk_\w{6,}$/.test(key)) return fail('sc_invalid_key', 'is not a publishable key (pk_…)');
  return {
    key,
    api: d.api || new URL(script?.src || import.meta.url, location.href).origin,
    locale: d.locale,
    refParam: d.refParam || 'ref',
    consentRequired: d.consent == 'required',
  };
}

export const ShareCart = boot(readScriptSettings());
