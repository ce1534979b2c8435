/**
 * The demo shop's fixed facts: Harbour Leaf 港葉茶舖, a Hong Kong tea, snacks and skincare shop
 * selling in HKD. Everything here is a constant; seeds/generate.ts adds the random history.
 *
 * The keys below are for the local demo database only. They are published in this repository and
 * must never be configured on a deployed worker.
 */

import type { Channel } from '../worker/src/contract/common';

/** The seed of every random draw. Change it and every id and history changes. */
export const SEED = 'sharecart-demo-harbourleaf-v1';

export const SHOP_ID = 'shop_demo_hk';
export const CURRENCY = 'HKD';

/** Local-demo-only publishable key (stored in clear: publishable keys are public). */
export const DEMO_PUBLISHABLE_KEY = 'pk_demo_harbourleaf0000000000000';
/** Local-demo-only secret key (stored only as its SHA-256 hex). */
export const DEMO_SECRET_KEY = 'sk_demo_harbourleaf000000000000000000000';
/** Local-demo-only webhook signing secret (Standard Webhooks: `whsec_` + base64 of the key). */
export const DEMO_WEBHOOK_SECRET = 'whsec_aGFyYm91cmxlYWYtZGVtby1sb2NhbC1vbmx5LXdlYmhvb2sta2V5';
/** The demo owner's dashboard token (stored as its SHA-256): `/dashboard/#token=…` signs in. Local demo only. */
export const DEMO_DASHBOARD_TOKEN = 'dt_demo_harbourleaf00000000000000000000';

export const SHOP = {
  id: SHOP_ID,
  name: 'Harbour Leaf 港葉茶舖',
  currency: CURRENCY,
  locale: 'zh-Hant-HK',
  /** a path: the worker resolves it against its own origin */
  siteUrl: '/shop/',
  webhookUrl: null as string | null,
  webhookSecret: DEMO_WEBHOOK_SECRET,
  disclosureText: '分享賺佣金：經你連結購買，你可獲佣金。Paid partnership: you earn commission on purchases through your link.',
  allowBrowserConversions: 1,
  referrerApproval: 0,
  verifiedBuyersOnly: 0,
  /** referrers are due a payout from HK$100 available */
  payoutThresholdMinor: 10_000,
} as const;

/** 10 % on every order, capped at HK$200, held 30 days, last click in a 30-day window. */
export const PROGRAM = {
  kind: 'percent',
  rateBps: 1000,
  flatMinor: 0,
  capMinor: 20_000,
  holdDays: 30,
  windowDays: 30,
  model: 'last_click',
  friendRewardKind: 'percent',
  friendRewardValue: 1000,
} as const;

export interface DemoProduct {
  sku: string;
  /** English name (the `name` column) */
  name: string;
  zhHant: string;
  zhHans: string;
  priceMinor: number;
  overrideKind: 'percent' | 'flat' | null;
  overrideValue: number | null;
  /** relative popularity in generated orders */
  popularity: number;
}

export const PRODUCTS: readonly DemoProduct[] = [
  {
    sku: 'oolong-250g',
    name: 'Dong Ding Oolong Tea 250g',
    zhHant: '凍頂烏龍茶 250克',
    zhHans: '冻顶乌龙茶 250克',
    priceMinor: 16_800,
    overrideKind: null,
    overrideValue: null,
    popularity: 24,
  },
  {
    sku: 'jasmine-pearls',
    name: 'Jasmine Dragon Pearls 100g',
    zhHant: '茉莉龍珠 100克',
    zhHans: '茉莉龙珠 100克',
    priceMinor: 22_800,
    overrideKind: null,
    overrideValue: null,
    popularity: 16,
  },
  {
    sku: 'pu-erh-cake',
    name: 'Aged Pu-erh Tea Cake 357g',
    zhHant: '陳年普洱茶餅 357克',
    zhHans: '陈年普洱茶饼 357克',
    priceMinor: 38_800,
    overrideKind: null,
    overrideValue: null,
    popularity: 7,
  },
  {
    sku: 'egg-rolls',
    name: 'Handmade Egg Rolls',
    zhHant: '手工蛋卷',
    zhHans: '手工蛋卷',
    priceMinor: 9_800,
    overrideKind: null,
    overrideValue: null,
    popularity: 26,
  },
  {
    sku: 'almond-cookies',
    name: 'Macau-style Almond Cookies',
    zhHant: '杏仁餅',
    zhHans: '杏仁饼',
    priceMinor: 7_800,
    overrideKind: null,
    overrideValue: null,
    popularity: 22,
  },
  {
    sku: 'xo-sauce',
    name: 'Premium XO Sauce 180g',
    zhHant: '頂級XO醬 180克',
    zhHans: '顶级XO酱 180克',
    priceMinor: 26_800,
    overrideKind: null,
    overrideValue: null,
    popularity: 10,
  },
  {
    sku: 'rose-face-mist',
    name: 'Rose Hydrating Face Mist 100ml',
    zhHant: '玫瑰保濕噴霧 100毫升',
    zhHans: '玫瑰保湿喷雾 100毫升',
    priceMinor: 18_800,
    overrideKind: 'percent',
    overrideValue: 1500,
    popularity: 14,
  },
  {
    sku: 'tea-gift-set',
    name: 'Harbour Tea Gift Set',
    zhHant: '港葉茶禮盒',
    zhHans: '港叶茶礼盒',
    priceMinor: 58_800,
    overrideKind: null,
    overrideValue: null,
    popularity: 4,
  },
];

export interface DemoReferrer {
  /** the short name printed in the summary and used in the token */
  name: string;
  displayName: string | null;
  vanityCode: string | null;
  email: string | null;
  customerRef: string | null;
  verifiedBuyer: 0 | 1;
  /** how the shop pays them (payout batches): PayPal e-mail, FPS id */
  paypalEmail: string | null;
  fpsId: string | null;
  /** the referrer's bearer token, fixed so the demo can sign in as them */
  token: string;
  /** relative share of the generated clicks and shares */
  reach: number;
  /** days before the start of the history that the referrer signed up */
  joinedDaysBefore: number;
}

export const REFERRERS: readonly DemoReferrer[] = [
  {
    name: 'maggie',
    displayName: 'Maggie 美琪',
    vanityCode: 'maggie',
    email: 'maggie.demo@example.com',
    customerRef: null,
    verifiedBuyer: 0,
    paypalEmail: null,
    fpsId: '+852 9123 4567',
    token: 'rt_demo_maggie_harbourleaf000000000000',
    reach: 62,
    joinedDaysBefore: 10,
  },
  {
    name: 'kayan',
    displayName: null,
    vanityCode: null,
    email: 'kayan.demo@example.com',
    customerRef: null,
    verifiedBuyer: 0,
    paypalEmail: 'kayan.demo@example.com',
    fpsId: null,
    token: 'rt_demo_kayan_harbourleaf0000000000000',
    reach: 24,
    joinedDaysBefore: 6,
  },
  {
    name: 'buyer',
    displayName: null,
    vanityCode: null,
    email: null,
    customerRef: 'cus_demo_1042',
    verifiedBuyer: 1,
    paypalEmail: null,
    fpsId: null,
    token: 'rt_demo_buyer_harbourleaf0000000000000',
    reach: 14,
    joinedDaysBefore: 2,
  },
];

/** How Hong Kong shoppers pass links around: WhatsApp first, then Instagram and Facebook. */
export const CHANNEL_WEIGHTS: ReadonlyArray<readonly [Channel, number]> = [
  ['whatsapp', 34],
  ['instagram', 20],
  ['facebook', 15],
  ['wechat', 9],
  ['threads', 7],
  ['telegram', 5],
  ['copy', 6],
  ['qr', 4],
];

/** Shipping charged on orders under the free-shipping threshold. */
export const SHIPPING_MINOR = 3_000;
export const FREE_SHIPPING_FROM_MINOR = 30_000;

/**
 * Team-buy offers (拼團): oolong in a team of 2; egg rolls on a ladder (2 → HK$88, 4 → HK$82,
 * 6 → HK$78) over 48 hours, with HK$10 for the leader's referrer when the team completes.
 */
export const TEAM_OFFERS: ReadonlyArray<{
  sku: string;
  tiers: ReadonlyArray<{ size: number; priceMinor: number }>;
  durationMinutes: number;
  leaderRewardMinor: number;
}> = [
  { sku: 'oolong-250g', tiers: [{ size: 2, priceMinor: 14_800 }], durationMinutes: 24 * 60, leaderRewardMinor: 0 },
  {
    sku: 'egg-rolls',
    tiers: [
      { size: 2, priceMinor: 8_800 },
      { size: 4, priceMinor: 8_200 },
      { size: 6, priceMinor: 7_800 },
    ],
    durationMinutes: 48 * 60,
    leaderRewardMinor: 1_000,
  },
];
