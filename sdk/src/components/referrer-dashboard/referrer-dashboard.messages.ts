/** Strings of the referrer dashboard, in en / zh-Hant-HK / zh-Hans. */
import type { Catalog } from '../../internal/i18n.js';

export const messages: Catalog<
  | 'title'
  | 'linkHint'
  | 'showQr'
  | 'shares'
  | 'clicks'
  | 'orders'
  | 'earnings'
  | 'pending'
  | 'available'
  | 'paid'
  | 'onHold'
  | 'recent'
  | 'noOrders'
  | 'orderOf'
  | 'statusPending'
  | 'statusOnHold'
  | 'statusNone'
  | 'claimTitle'
  | 'claimText'
  | 'email'
  | 'claim'
  | 'claimed'
  | 'claimError'
  | 'emptyText'
  | 'start'
  | 'consent'
  | 'loading'
  | 'error'
  | 'errorNotAllowed'
  | 'retry'
  | 'verifiedBuyer'
  | 'pendingApproval'
  | 'dataTitle'
> = {
  en: {
    title: 'Your referral link',
    linkHint: 'Friends who buy through it earn you commission.',
    showQr: 'QR code',
    shares: 'Shares',
    clicks: 'Clicks',
    orders: 'Orders',
    earnings: 'Earnings',
    pending: 'Pending',
    available: 'Available',
    paid: 'Paid out',
    onHold: 'On hold',
    recent: 'Recent orders',
    noOrders: 'No orders yet. Share your link to get started.',
    orderOf: 'Order of {amount}',
    statusPending: 'Pending',
    statusOnHold: 'On hold',
    statusNone: 'No commission',
    claimTitle: 'Keep your earnings',
    claimText: 'Add your email so you can get paid and see your earnings on any device.',
    email: 'Email',
    claim: 'Save',
    claimed: 'Your earnings are linked to your email.',
    claimError: 'That did not work. Check the email and try again.',
    emptyText: 'Get your personal link: friends who buy through it earn you commission.',
    start: 'Get my link',
    consent: 'Your referral dashboard appears once you accept cookies for this shop.',
    loading: 'Loading your earnings…',
    error: 'Your earnings could not be loaded.',
    errorNotAllowed: 'This shop has not enabled referrals for you yet.',
    retry: 'Try again',
    verifiedBuyer: 'Verified buyer',
    pendingApproval: 'Awaiting approval',
    dataTitle: 'Your data',
  },
  'zh-Hant-HK': {
    title: '你的推介連結',
    linkHint: '朋友經此連結購物，你便可賺取佣金。',
    showQr: 'QR 碼',
    shares: '分享',
    clicks: '點擊',
    orders: '訂單',
    earnings: '佣金',
    pending: '待確認',
    available: '可提取',
    paid: '已發放',
    onHold: '審核中',
    recent: '最近訂單',
    noOrders: '暫時未有訂單，分享你的連結開始賺佣金吧。',
    orderOf: '{amount} 的訂單',
    statusPending: '待確認',
    statusOnHold: '審核中',
    statusNone: '沒有佣金',
    claimTitle: '保留你的佣金',
    claimText: '加入電郵，便可收取佣金，並在任何裝置查看。',
    email: '電郵',
    claim: '儲存',
    claimed: '你的佣金已連結至你的電郵。',
    claimError: '未能儲存，請檢查電郵後再試。',
    emptyText: '取得你的專屬連結：朋友經連結購物，你便可賺取佣金。',
    start: '取得我的連結',
    consent: '接受此商店的 Cookie 後，便會顯示你的推介資料。',
    loading: '正在載入你的佣金…',
    error: '未能載入你的佣金。',
    errorNotAllowed: '此商店暫未為你開通推介。',
    retry: '再試一次',
    verifiedBuyer: '已驗證買家',
    pendingApproval: '等待審批',
    dataTitle: '你的資料',
  },
  'zh-Hans': {
    title: '你的推荐链接',
    linkHint: '朋友通过此链接购物，你就能赚取佣金。',
    showQr: '二维码',
    shares: '分享',
    clicks: '点击',
    orders: '订单',
    earnings: '佣金',
    pending: '待确认',
    available: '可提现',
    paid: '已发放',
    onHold: '审核中',
    recent: '最近订单',
    noOrders: '暂时还没有订单，分享你的链接开始赚佣金吧。',
    orderOf: '{amount} 的订单',
    statusPending: '待确认',
    statusOnHold: '审核中',
    statusNone: '没有佣金',
    claimTitle: '保留你的佣金',
    claimText: '添加邮箱，就能收取佣金，并在任何设备查看。',
    email: '邮箱',
    claim: '保存',
    claimed: '你的佣金已关联到你的邮箱。',
    claimError: '保存失败，请检查邮箱后重试。',
    emptyText: '获取你的专属链接：朋友通过链接购物，你就能赚取佣金。',
    start: '获取我的链接',
    consent: '接受此商店的 Cookie 后，就会显示你的推荐数据。',
    loading: '正在加载你的佣金…',
    error: '无法加载你的佣金。',
    errorNotAllowed: '此商店暂未为你开通推荐。',
    retry: '重试',
    verifiedBuyer: '已验证买家',
    pendingApproval: '等待审批',
    dataTitle: '你的数据',
  },
};
