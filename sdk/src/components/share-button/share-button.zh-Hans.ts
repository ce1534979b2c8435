/** The share button's strings in zh-Hans (loaded only on pages in that language). */
export default {
  share: '分享',
  earn: '分享赚 {amount}',
  disclosure: '朋友通过你的链接购物，你会获得佣金；分享时请注明。',
  error: '未能生成你的链接，请重试。',
};
