/** The demo shop's local-only keys (seeds/catalog.ts; published in the repository, never deployed). */
export const DEMO = {
  shopId: 'shop_demo_hk',
  publishableKey: 'pk_demo_harbourleaf0000000000000',
  secretKey: 'sk_demo_harbourleaf000000000000000000000',
} as const;
