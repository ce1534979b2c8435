// Runs first, in <head>, before anything renders: the visitor's language choice (繁 / EN) from the
// last visit. The ShareCart widgets follow the page's `lang`, so they pick it up too.
try {
  var saved = localStorage.getItem('hl_lang');
  if (saved === 'en' || saved === 'zh-Hant-HK') document.documentElement.lang = saved;
} catch (e) {
  /* storage blocked: keep the page's default language */
}
