/** Strings of the order tracker's post-purchase share (曬單), in en / zh-Hant-HK / zh-Hans. */
import type { Catalog } from '../../internal/i18n.js';

export const messages: Catalog<
  | 'title'
  | 'friendPercent'
  | 'friendFlat'
  | 'earnAmount'
  | 'earnPercent'
  | 'share'
  | 'preparing'
  | 'shared'
  | 'verified'
  | 'shareText'
  | 'shareTextShop'
  | 'error'
  | 'errorNotAllowed'
  | 'loading'
> = {
  en: {
    title: 'Share what you bought',
    friendPercent: 'Friends get {percent} off their first order',
    friendFlat: 'Friends get {amount} off their first order',
    earnAmount: 'you earn {amount} when they buy it.',
    earnPercent: 'you earn {percent} of what they buy.',
    share: 'Share & earn',
    preparing: 'Preparing your link…',
    shared: 'Thanks for sharing! Your earnings appear once friends order.',
    verified: 'Verified buyer',
    shareText: 'I just bought {product} from {shop}. Have a look!',
    shareTextShop: 'I just shopped at {shop}. Have a look!',
    error: 'Your link could not be made. Please try again.',
    errorNotAllowed: 'Sharing is not open for this order yet.',
    loading: 'Loading…',
  },
  'zh-Hant-HK': {
    title: '曬單分享',
    friendPercent: '朋友首單 {zhe} 折',
    friendFlat: '朋友首單減 {amount}',
    earnAmount: '他們買了，你賺 {amount}。',
    earnPercent: '你可賺取他們消費的 {percent}。',
    share: '分享賺佣金',
    preparing: '正在準備你的連結…',
    shared: '多謝分享！朋友下單後，佣金便會顯示。',
    verified: '已驗證買家',
    shareText: '我啱啱喺{shop}買咗{product}，推介你睇睇！',
    shareTextShop: '我啱啱喺{shop}買咗嘢，推介你睇睇！',
    error: '未能建立你的連結，請再試一次。',
    errorNotAllowed: '此訂單暫未開放分享。',
    loading: '載入中…',
  },
  'zh-Hans': {
    title: '晒单分享',
    friendPercent: '朋友首单 {zhe} 折',
    friendFlat: '朋友首单减 {amount}',
    earnAmount: '他们买了，你赚 {amount}。',
    earnPercent: '你可赚取他们消费的 {percent}。',
    share: '分享赚佣金',
    preparing: '正在准备你的链接…',
    shared: '谢谢分享！朋友下单后，佣金就会显示。',
    verified: '已验证买家',
    shareText: '我刚在{shop}买了{product}，推荐你看看！',
    shareTextShop: '我刚在{shop}买了东西，推荐你看看！',
    error: '无法生成你的链接，请重试。',
    errorNotAllowed: '此订单暂未开放分享。',
    loading: '加载中…',
  },
};
