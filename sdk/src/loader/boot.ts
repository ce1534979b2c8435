/**
 * Starts the SDK on a page: configures the runtime, installs `window.ShareCart` (replaying calls the
 * stub queued before the script loaded), captures a referral and starts lazy loading. Used by the
 * script tag (`sharecart.ts`) and exported as `init()` by the npm package.
 *
 * The stub, for calls made before the script has loaded (e.g. from a consent manager):
 * ```html
 * <script>window.ShareCart=window.ShareCart||function(){(ShareCart.q=ShareCart.q||[]).push(arguments)}</script>
 * <script>ShareCart('consent', true); ShareCart('on', 'sc-share', function (e) { … });</script>
 * ```
 * Once loaded, `ShareCart('consent', true)` and `ShareCart.consent(true)` are the same call.
 */
import type { ReferrerPublic } from '../wire.js';
import { DEV_MODE, VERSION } from '../internal/env.js';
import type { ScEventDetails, ScEventName } from '../internal/events.js';
import { configure, runtime, type Settings } from '../internal/runtime.js';
import type { ShareOptions, ShareResult } from '../internal/share-flow.js';
import { storedReferral, storedTeam, type Attribution, type TeamMembership } from '../internal/storage.js';
import { autoload } from './autoload.js';
import { COMPONENTS } from './components.js';

/** `window.ShareCart`: callable like the stub, or through its methods. */
export interface ShareCartApi {
  (method: string, ...args: unknown[]): unknown;
  /** The loaded SDK version. */
  readonly version: string;
  /** The stub's queue (replayed and emptied on load). */
  q?: ArrayLike<unknown>[];
  /** The current referral `{clickId, code, expires}`, or null; send `clickId` with the order. */
  attribution(): Attribution | null;
  /**
   * The team this browser started or joined last (team-buy), `{ teamId, memberToken, sku, expires }`:
   * send its `memberToken` with the order as `teamMemberToken` (the `sc_team` cookie carries it too).
   * Null when there is none.
   */
  team(): TeamMembership | null;
  /** Grants (true) or withdraws (false, which also erases what the SDK stored) consent. */
  consent(granted: boolean): Promise<void>;
  /** This browser's referrer, created anonymously on first call. */
  referrer(): Promise<ReferrerPublic>;
  /** Opens the share flow (native share or the share sheet) for a product or URL. */
  share(options?: ShareOptions): Promise<ShareResult>;
  /** Listens to an `sc-*` event on the document; returns a function that stops listening. */
  on<K extends ScEventName>(event: K, listener: (event: CustomEvent<ScEventDetails[K]>) => void): () => void;
}

declare global {
  interface Window {
    ShareCart?: ShareCartApi;
  }
}

/** Captures a referral in the URL; the capture code (and the API client) load only when needed. */
export const capture = (): Promise<unknown> => import('./capture.js').then((m) => m.captureReferral()).catch(() => {});

export type BootOptions = (Partial<Settings> & { key: string }) | null;

/** Installs the SDK on the page. A second call (the script tag twice) returns the first API untouched. */
export function boot(options: BootOptions): ShareCartApi {
  const existing = window.ShareCart;
  if (existing?.version) {
    if (DEV_MODE) console.warn('[ShareCart] the SDK is included twice; the second copy does nothing.');
    return existing;
  }
  const rt = runtime();
  if (options) configure(options);

  const api = ((method: string, ...args: unknown[]) =>
    (api as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args)) as ShareCartApi;
  Object.assign(api, {
    version: VERSION,
    attribution: () => {
      const r = storedReferral();
      return r && { clickId: r.clickId, code: r.code, expires: r.expires };
    },
    team: storedTeam,
    consent: (granted: boolean) => import('./consent.js').then((m) => m.consent(granted)),
    referrer: () => import('../internal/api-referrer.js').then((m) => m.ensureReferrer()),
    share: (options?: ShareOptions) => import('../internal/share-flow.js').then((m) => m.share(options)),
    on(event: string, listener: EventListener) {
      document.addEventListener(event, listener);
      return () => document.removeEventListener(event, listener);
    },
  });
  const queued = existing?.q ?? [];
  window.ShareCart = api;
  rt.booted = VERSION;
  for (const args of queued) api(...(Array.from(args) as [string]));

  if (rt.settings && new URLSearchParams(location.search).has(rt.settings.refParam)) capture();
  autoload(COMPONENTS);
  return api;
}
