/** Strings of the referral banner, in en / zh-Hant-HK / zh-Hans. */
import type { Catalog } from '../../internal/i18n.js';

export const messages: Catalog<'percent' | 'flat' | 'friend' | 'dismiss' | 'label'> = {
  en: {
    percent: '{who} sent you: {percent} off your first order',
    flat: '{who} sent you: {amount} off your first order',
    friend: 'A friend',
    dismiss: 'Dismiss',
    label: 'Referral offer',
  },
  'zh-Hant-HK': {
    percent: '{who} 推介你：首單 {zhe} 折',
    flat: '{who} 推介你：首單減 {amount}',
    friend: '朋友',
    dismiss: '關閉',
    label: '推介優惠',
  },
  'zh-Hans': {
    percent: '{who} 推荐你：首单 {zhe} 折',
    flat: '{who} 推荐你：首单减 {amount}',
    friend: '朋友',
    dismiss: '关闭',
    label: '推荐优惠',
  },
};
