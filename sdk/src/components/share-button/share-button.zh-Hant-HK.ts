/** The share button's strings in zh-Hant-HK (loaded only on pages in that language). */
export default {
  share: '分享',
  earn: '分享賺 {amount}',
  disclosure: '朋友經你的連結購物，你會獲得佣金；分享時請註明。',
  error: '未能建立你的連結，請再試一次。',
};
