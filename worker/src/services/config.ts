/** What the widgets render (publishable key): currency, program, and per-product "share & earn" amounts. */
import type { ShopConfig } from '../contract/config.js';
import type { Locale } from '../contract/common.js';
import type { ShopRow } from '../db/shops.js';
import { listProducts, toProgram } from '../db/catalog.js';
import { currencyExponent } from '../domain/money.js';
import { presentProduct, programRowOf } from './catalog.js';

export async function shopConfig(db: D1Database, shop: ShopRow): Promise<ShopConfig> {
  const [programRow, products] = await Promise.all([programRowOf(db, shop.id), listProducts(db, shop.id, { activeOnly: true })]);
  const program = toProgram(programRow);
  return {
    shop: {
      id: shop.id,
      name: shop.name,
      currency: shop.currency,
      currencyExponent: currencyExponent(shop.currency),
      locale: shop.locale as Locale,
      disclosure: shop.disclosure_text,
      allowBrowserConversions: shop.allow_browser_conversions === 1,
      referrerApproval: shop.referrer_approval === 1,
    },
    program: {
      kind: program.kind,
      rateBps: program.rateBps,
      flatMinor: program.flatMinor,
      capMinor: program.capMinor,
      holdDays: program.holdDays,
      windowDays: program.windowDays,
      friendReward: { kind: program.friendRewardKind, value: program.friendRewardValue },
    },
    products: products.map((p) => {
      const { active: _active, override: _override, ...shown } = presentProduct(p, program);
      return shown;
    }),
  };
}
