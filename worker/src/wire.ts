/**
 * Wire types shared by the worker and the SDK: the JSON the public (publishable-key) API speaks.
 * Type-only module: importing it costs the SDK no bytes. The worker's zod schemas are checked
 * against these with `satisfies`, so the two sides cannot drift apart silently.
 */

/** ISO-4217 code, upper case, e.g. "HKD". */
export type CurrencyCode = string;

/** Supported UI locales. */
export type Locale = 'en' | 'zh-Hant-HK' | 'zh-Hans';

/** Sharing channels recorded with shares and clicks. */
export type Channel =
  | 'native'
  | 'whatsapp'
  | 'facebook'
  | 'x'
  | 'telegram'
  | 'line'
  | 'weibo'
  | 'threads'
  | 'wechat'
  | 'email'
  | 'copy'
  | 'qr'
  | 'instagram'
  | 'direct'
  | 'other';

export const CHANNELS: readonly Channel[] = [
  'native',
  'whatsapp',
  'facebook',
  'x',
  'telegram',
  'line',
  'weibo',
  'threads',
  'wechat',
  'email',
  'copy',
  'qr',
  'instagram',
  'direct',
  'other',
];

/** `{ error: { code, message, requestId } }`, the one error envelope of every 4xx/5xx. */
export interface ApiErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

export interface FriendReward {
  kind: 'none' | 'percent' | 'flat';
  /** basis points for `percent`, minor units for `flat` */
  value: number;
}

/** GET /v1/config — what the widgets render. Amounts are computed server-side. */
export interface ShopConfig {
  shop: {
    id: string;
    name: string;
    currency: CurrencyCode;
    /** 10^exponent minor units make one major unit (HKD 2, JPY 0, KWD 3) */
    currencyExponent: number;
    locale: Locale;
    disclosure: string | null;
    allowBrowserConversions: boolean;
    referrerApproval: boolean;
  };
  program: {
    kind: 'percent' | 'flat';
    rateBps: number;
    flatMinor: number;
    capMinor: number | null;
    holdDays: number;
    windowDays: number;
    friendReward: FriendReward;
  };
  products: ProductConfig[];
}

export interface ProductConfig {
  sku: string;
  name: string;
  names: Partial<Record<Locale, string>>;
  priceMinor: number;
  currency: CurrencyCode;
  url: string | null;
  imageUrl: string | null;
  /** what a referrer earns when a friend buys one unit at list price */
  earnMinor: number;
}

export interface ReferrerPublic {
  id: string;
  code: string;
  vanityCode: string | null;
  displayName: string | null;
  status: 'active' | 'pending' | 'blocked';
  verifiedBuyer: boolean;
  claimed: boolean;
  /** the worker's short link, e.g. http://127.0.0.1:8787/r/AbC123xy */
  shortLink: string;
}

/** POST /v1/referrers (publishable key) → 201 */
export interface ReferrerCreated {
  referrer: ReferrerPublic;
  /** bearer token of the anonymous referrer (`rt_…`); shown once, kept by the browser */
  token: string;
}

export interface Balances {
  currency: CurrencyCode;
  onHold: number;
  pending: number;
  available: number;
  paid: number;
}

/** GET /v1/referrers/me (X-Referrer-Token) → 200 */
export interface ReferrerStats {
  referrer: ReferrerPublic;
  stats: { shares: number; clicks: number; orders: number };
  balances: Balances;
  recentConversions: Array<{
    id: string;
    createdAt: number;
    amountMinor: number;
    currency: CurrencyCode;
    commissionMinor: number;
    commissionStatus: 'none' | 'pending' | 'on_hold';
  }>;
}

/** POST /v1/clicks (publishable key) → 201 */
export interface ClickRecorded {
  clickId: string;
  code: string;
  /** ms since epoch: the end of the attribution window for this click */
  expiresAt: number;
  referrer: { displayName: string | null };
  friendReward: FriendReward;
}

/** POST /v1/shares (X-Referrer-Token) → 201 */
export interface ShareRecorded {
  id: string;
  channel: Channel;
}
