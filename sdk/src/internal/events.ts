/**
 * Every DOM event the SDK fires, declared once. Each is a `CustomEvent` that bubbles and is composed
 * (it crosses shadow roots), so a shop can listen on `document` or `window`:
 *
 * ```js
 * document.addEventListener('sc-share', (e) => console.log(e.detail.channel));
 * ShareCart.on('sc-click-captured', (e) => console.log(e.detail.clickId));
 * ```
 * Adding an event: add its detail type to `ScEventDetails`; `emit()` and
 * `GlobalEventHandlersEventMap` pick it up, so a wrong `detail` fails to compile.
 */
import type { Channel, FriendReward, ReferrerPublic } from '../wire.js';

export interface ScEventDetails {
  /** A visitor arrived through a referral link and the click was recorded (or adopted from a short link). */
  'sc-click-captured': {
    clickId: string;
    code: string;
    expiresAt: number;
    referrer: { displayName: string | null };
    friendReward: FriendReward | null;
  };
  /** Something was shared (or the link copied) on a channel. */
  'sc-share': { channel: Channel; url: string; product: string | null };
  /** The share sheet opened or closed. */
  'sc-share-sheet-toggle': { open: boolean };
  /** This browser's referrer was created or loaded. */
  'sc-referrer': { referrer: ReferrerPublic };
  /** The referrer claimed its identity (dashboard) — for `<sc-referrer-dashboard>`. */
  'sc-referrer-claim': { referrer: ReferrerPublic };
  /** The referrer deleted their identity (dashboard): this browser forgot it — for `<sc-referrer-dashboard>`. */
  'sc-referrer-delete': { referrerId: string };
  /** An order was reported from the browser (unverified) — for `<sc-order-tracker>`. */
  'sc-order-report': { orderId: string; verified: false };
  /** The referral banner was dismissed. */
  'sc-banner-dismiss': { code: string };
  /** A team was started from this browser (`<sc-team-buy>`). */
  'sc-team-create': { teamId: string; sku: string; memberId: string };
  /** This browser joined a team (`<sc-team-buy>`). */
  'sc-team-join': { teamId: string; sku: string; memberId: string };
  /** The team shown completed: `priceMinor` is what each member pays per unit. */
  'sc-team-complete': { teamId: string; sku: string; priceMinor: number; currency: string; members: number };
  /** The team shown did not fill before its deadline. */
  'sc-team-expire': { teamId: string; sku: string };
  /** Consent changed through `ShareCart.consent()`. */
  'sc-consent': { granted: boolean };
  /** A readable failure: the stable code, and a message for developers. */
  'sc-error': { code: string; message: string };
}

export type ScEventName = keyof ScEventDetails;
export type ScEvent<K extends ScEventName> = CustomEvent<ScEventDetails[K]>;

declare global {
  interface GlobalEventHandlersEventMap {
    'sc-click-captured': ScEvent<'sc-click-captured'>;
    'sc-share': ScEvent<'sc-share'>;
    'sc-share-sheet-toggle': ScEvent<'sc-share-sheet-toggle'>;
    'sc-referrer': ScEvent<'sc-referrer'>;
    'sc-referrer-claim': ScEvent<'sc-referrer-claim'>;
    'sc-referrer-delete': ScEvent<'sc-referrer-delete'>;
    'sc-order-report': ScEvent<'sc-order-report'>;
    'sc-banner-dismiss': ScEvent<'sc-banner-dismiss'>;
    'sc-team-create': ScEvent<'sc-team-create'>;
    'sc-team-join': ScEvent<'sc-team-join'>;
    'sc-team-complete': ScEvent<'sc-team-complete'>;
    'sc-team-expire': ScEvent<'sc-team-expire'>;
    'sc-consent': ScEvent<'sc-consent'>;
    'sc-error': ScEvent<'sc-error'>;
  }
}

/** Fires a typed SDK event on `target` (default `document`, which also reaches `window`). */
export function emit<K extends ScEventName>(name: K, detail: ScEventDetails[K], target: EventTarget = document): ScEvent<K> {
  const event = new CustomEvent(name, { detail, bubbles: true, composed: true });
  target.dispatchEvent(event);
  return event;
}
