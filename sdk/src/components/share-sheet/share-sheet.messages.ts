/** Strings of the share sheet and the share flow, in en / zh-Hant-HK / zh-Hans. */
import type { Catalog } from '../../internal/i18n.js';

export const messages: Catalog<
  | 'title'
  | 'close'
  | 'wechat'
  | 'wechatScan'
  | 'wechatMenu'
  | 'inAppCopy'
  | 'shareText'
  | 'whatsapp'
  | 'facebook'
  | 'x'
  | 'telegram'
  | 'line'
  | 'weibo'
  | 'threads'
  | 'email'
  | 'newTab'
> = {
  en: {
    title: 'Share this link',
    close: 'Close',
    wechat: 'WeChat',
    wechatScan: 'Scan with WeChat to share',
    wechatMenu: 'Tap ⋯ at the top right, then Send to Chat or Share to Moments.',
    inAppCopy: 'This app’s browser may not share links: copy yours and paste it in a chat.',
    shareText: 'I think you’ll like {product}',
    whatsapp: 'WhatsApp',
    facebook: 'Facebook',
    x: 'X',
    telegram: 'Telegram',
    line: 'LINE',
    weibo: 'Weibo',
    threads: 'Threads',
    email: 'Email',
    newTab: '(opens in a new tab)',
  },
  'zh-Hant-HK': {
    title: '分享此連結',
    close: '關閉',
    wechat: '微信',
    wechatScan: '用微信掃一掃分享',
    wechatMenu: '點右上角 ⋯，再選「發送給朋友」或「分享到朋友圈」。',
    inAppCopy: '此 App 的瀏覽器未必能分享連結：請複製連結再貼到對話中。',
    shareText: '推介你試試 {product}',
    weibo: '微博',
    email: '電郵',
    newTab: '（在新分頁開啟）',
  },
  'zh-Hans': {
    title: '分享此链接',
    close: '关闭',
    wechat: '微信',
    wechatScan: '用微信扫一扫分享',
    wechatMenu: '点右上角 ⋯，再选“发送给朋友”或“分享到朋友圈”。',
    inAppCopy: '此 App 的浏览器可能无法分享链接：请复制链接后粘贴到聊天中。',
    shareText: '推荐你试试 {product}',
    weibo: '微博',
    email: '邮件',
    newTab: '（在新标签页打开）',
  },
};
