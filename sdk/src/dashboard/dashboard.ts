/**
 * The dashboard's bundle entry (`/dashboard/dashboard.js`, outside the widgets' size budgets):
 * registers `<sc-shop-dashboard>` and the built-in views, each view loaded when first shown (the
 * funnel's chart library with it). Other views join with `registerView()` (view-registry.ts).
 */
import { registerView } from './view-registry.js';
import './shop-dashboard.js';

export { registerView, registeredViews } from './view-registry.js';
export type { ViewDefinition } from './view-registry.js';
export { DashboardView } from './dashboard-view.js';
export { DashboardApi } from './dashboard-api.js';

registerView({
  id: 'funnel',
  tag: 'sc-dashboard-funnel',
  label: { en: 'Funnel', 'zh-Hant-HK': '轉化漏斗', 'zh-Hans': '转化漏斗' },
  order: 10,
  load: () => import('./views/funnel-view.js'),
});
registerView({
  id: 'leaderboard',
  tag: 'sc-dashboard-leaderboard',
  label: { en: 'Leaderboard', 'zh-Hant-HK': '排行榜', 'zh-Hans': '排行榜' },
  order: 20,
  load: () => import('./views/leaderboard-view.js'),
});
registerView({
  id: 'orders',
  tag: 'sc-dashboard-conversions',
  label: { en: 'Orders', 'zh-Hant-HK': '訂單', 'zh-Hans': '订单' },
  order: 30,
  load: () => import('./views/conversions-view.js'),
});
registerView({
  id: 'teams',
  tag: 'sc-dashboard-teams',
  label: { en: 'Teams', 'zh-Hant-HK': '拼團', 'zh-Hans': '拼团' },
  order: 35,
  load: () => import('./views/teams-view.js'),
});
registerView({
  id: 'ledger',
  tag: 'sc-dashboard-ledger',
  label: { en: 'Ledger', 'zh-Hant-HK': '帳目', 'zh-Hans': '账目' },
  order: 40,
  load: () => import('./views/ledger-view.js'),
});
registerView({
  id: 'referrers',
  tag: 'sc-dashboard-referrers',
  label: { en: 'Referrers', 'zh-Hant-HK': '推薦人', 'zh-Hans': '推荐人' },
  order: 50,
  load: () => import('./views/referrers-view.js'),
});
registerView({
  id: 'payouts',
  tag: 'sc-dashboard-payouts',
  label: { en: 'Payouts', 'zh-Hant-HK': '付款', 'zh-Hans': '付款' },
  order: 60,
  load: () => import('./views/payouts-view.js'),
});
registerView({
  id: 'webhooks',
  tag: 'sc-dashboard-webhooks',
  label: { en: 'Webhooks', 'zh-Hant-HK': 'Webhook', 'zh-Hans': 'Webhook' },
  order: 65,
  load: () => import('./views/webhooks-view.js'),
});
registerView({
  id: 'settings',
  tag: 'sc-dashboard-settings',
  label: { en: 'Settings', 'zh-Hant-HK': '設定', 'zh-Hans': '设置' },
  order: 70,
  load: () => import('./views/settings-view.js'),
});
