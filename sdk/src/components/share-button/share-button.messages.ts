/** Strings of the share button, in en / zh-Hant-HK / zh-Hans. */
import type { Catalog } from '../../internal/i18n.js';

export const messages: Catalog<'share' | 'earn' | 'disclosure' | 'error' | 'preparing'> = {
  en: {
    share: 'Share',
    earn: 'Share & earn {amount}',
    disclosure: 'You earn a commission when friends buy through your link. Say so when you share it.',
    error: 'Your link could not be made. Please try again.',
    preparing: 'Preparing your link…',
  },
  'zh-Hant-HK': {
    share: '分享',
    earn: '分享賺 {amount}',
    disclosure: '朋友經你的連結購物，你會獲得佣金。分享時請註明這是推廣連結。',
    error: '未能建立你的連結，請再試一次。',
    preparing: '正在準備你的連結…',
  },
  'zh-Hans': {
    share: '分享',
    earn: '分享赚 {amount}',
    disclosure: '朋友通过你的链接购物，你会获得佣金。分享时请注明这是推广链接。',
    error: '未能生成你的链接，请重试。',
    preparing: '正在准备你的链接…',
  },
};
