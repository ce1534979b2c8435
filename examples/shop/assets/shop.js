// Harbour Leaf's shared page code: the language switch, the cart (localStorage), the catalogue
// from the ShareCart shop config, money formatting and a tiny DOM builder. No innerHTML anywhere,
// so every page also runs under Trusted Types (see csp.html).

/** The ShareCart script tag: its `data-shop` key and origin are also how the shop reads its catalogue. */
const sdkScript = document.querySelector('script[data-shop]');
export const API = sdkScript ? new URL(sdkScript.src, location.href).origin : location.origin;
export const KEY = sdkScript?.dataset.shop ?? '';

/** Shipping, as the merchant backend charges it (it is the authority; this is the estimate shown). */
export const SHIPPING_MINOR = 3000;
export const FREE_SHIPPING_FROM_MINOR = 30000;

// ---------------------------------------------------------------- language

/** 'en' or 'zh-Hant-HK'. */
export const lang = () => (document.documentElement.lang.startsWith('en') ? 'en' : 'zh-Hant-HK');
export const isEn = () => lang() === 'en';
/** Picks the text of the current language from `{ en, zh }`. */
export const pick = (text) => (isEn() ? text.en : text.zh);

const langListeners = new Set();
/** Calls `fn` now and whenever the visitor switches language. */
export function onLang(fn) {
  langListeners.add(fn);
  fn();
}

function setLang(next) {
  document.documentElement.lang = next;
  try {
    localStorage.setItem('hl_lang', next);
  } catch {
    /* storage blocked */
  }
  // The ShareCart widgets read `lang` when they render; tell the ones on the page to re-render.
  for (const el of document.querySelectorAll('*')) if (el.localName.startsWith('sc-')) el.locale = next;
  for (const fn of langListeners) fn();
  updateLangToggle();
}

/**
 * The switch names the other language, in that language; its accessible name starts with the text it
 * shows (WCAG 2.5.3, label in name), so "EN" can be spoken as a voice command.
 */
function updateLangToggle() {
  for (const b of document.querySelectorAll('[data-lang-toggle]')) {
    b.textContent = isEn() ? '繁' : 'EN';
    b.lang = isEn() ? 'zh-Hant-HK' : 'en';
    b.setAttribute('aria-label', isEn() ? '繁 – 切換至繁體中文' : 'EN – Switch to English');
  }
}

// ---------------------------------------------------------------- DOM

/**
 * Builds an element: `h('a', { class: 'x', href: '/', onclick: fn }, 'text', child)`.
 * Strings become text nodes, never HTML.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k in el && k !== 'list' && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A bilingual pair of spans, shown according to the page language by the stylesheet. */
export const bi = (en, zh) => [h('span', { class: 't', lang: 'en' }, en), h('span', { class: 't', lang: 'zh-Hant-HK' }, zh)];

let toastTimer;
/** A short message at the bottom of the screen, with an optional link. */
export function toast(text, link) {
  let box = document.querySelector('.toast');
  if (!box) {
    box = h('div', { class: 'toast', role: 'status', hidden: true });
    document.body.append(box);
  }
  box.replaceChildren(text, link ? h('a', { href: link.href }, link.text) : '');
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 3500);
}

// ---------------------------------------------------------------- money & catalogue

/** Integer minor units → "HK$168" / "HK$16.80". */
export function money(minor, currency = 'HKD', exponent = 2) {
  const whole = minor % 10 ** exponent === 0;
  return new Intl.NumberFormat(isEn() ? 'en-HK' : 'zh-HK', {
    style: 'currency',
    currency,
    minimumFractionDigits: whole ? 0 : exponent,
    maximumFractionDigits: exponent,
  }).format(minor / 10 ** exponent);
}

let configPromise;
/** The shop config (products with prices and names, the program), from the ShareCart API. */
export function loadConfig() {
  configPromise ??= fetch(`${API}/v1/config`, { headers: { authorization: `Bearer ${KEY}` } }).then(async (res) => {
    if (!res.ok) throw new Error(`The catalogue could not be loaded (${res.status}).`);
    return res.json();
  });
  configPromise.catch(() => (configPromise = undefined));
  return configPromise;
}

/** The product's name in the current language, and in the other one. */
export const productName = (p) => (isEn() ? p.name : (p.names['zh-Hant-HK'] ?? p.name));
export const productAltName = (p) => (isEn() ? (p.names['zh-Hant-HK'] ?? '') : p.name);
export const productUrl = (sku) => `product?sku=${encodeURIComponent(sku)}`;
export const productImage = (p) => p.imageUrl ?? `img/${encodeURIComponent(p.sku)}.svg`;

// ---------------------------------------------------------------- cart

const CART_KEY = 'hl_cart';

/** The cart: `[{ sku, qty }]`. */
export function readCart() {
  try {
    const lines = JSON.parse(localStorage.getItem(CART_KEY) ?? '[]');
    return Array.isArray(lines) ? lines.filter((l) => typeof l.sku === 'string' && Number.isInteger(l.qty) && l.qty > 0) : [];
  } catch {
    return [];
  }
}

function writeCart(lines) {
  try {
    localStorage.setItem(CART_KEY, JSON.stringify(lines));
  } catch {
    /* storage blocked */
  }
  updateCartCount();
  document.dispatchEvent(new CustomEvent('hl-cart'));
}

export function addToCart(sku, qty = 1) {
  const lines = readCart();
  const line = lines.find((l) => l.sku === sku);
  if (line) line.qty = Math.min(99, line.qty + qty);
  else lines.push({ sku, qty: Math.min(99, qty) });
  writeCart(lines);
}

export function setQty(sku, qty) {
  writeCart(
    readCart()
      .map((l) => (l.sku === sku ? { sku, qty: Math.max(0, Math.min(99, qty)) } : l))
      .filter((l) => l.qty > 0),
  );
}

export const clearCart = () => writeCart([]);

function updateCartCount() {
  const n = readCart().reduce((s, l) => s + l.qty, 0);
  for (const badge of document.querySelectorAll('.cart-count')) {
    badge.textContent = n ? String(n) : '';
    badge.dataset.count = String(n);
  }
  // The name starts with what the link shows ("Cart 3"), then says what the number is.
  for (const label of document.querySelectorAll('[data-cart-label]')) {
    const name = isEn()
      ? n
        ? `Cart ${n}, ${n === 1 ? '1 item' : `${n} items`}`
        : 'Cart, empty'
      : n
        ? `購物車 ${n}，${n} 件貨品`
        : '購物車（空）';
    label.setAttribute('aria-label', name);
  }
}

/**
 * Prices the cart from the catalogue: lines with products and their unit price, subtotal, shipping.
 * With `team` (from `loadTeam()`), its product's line is at the team price.
 */
export function priceCart(config, lines = readCart(), team = null) {
  const priced = lines
    .map((l) => {
      const product = config.products.find((p) => p.sku === l.sku);
      const teamLine = team?.sku === l.sku;
      return { ...l, product, team: teamLine, unitMinor: teamLine ? team.priceMinor : product?.priceMinor };
    })
    .filter((l) => l.product);
  const subtotal = priced.reduce((s, l) => s + l.qty * l.unitMinor, 0);
  const shipping = subtotal === 0 || subtotal >= FREE_SHIPPING_FROM_MINOR ? 0 : SHIPPING_MINOR;
  return { lines: priced, subtotal, shipping };
}

/**
 * The team this browser started or joined (team-buy, `ShareCart.team()`), while its price still
 * holds at checkout: `{ teamId, sku, priceMinor }`, or null. The price shown here is an estimate
 * like the rest of the cart: the merchant backend asks ShareCart for it again.
 */
export async function loadTeam() {
  const membership = window.ShareCart?.team?.();
  if (!membership) return null;
  try {
    const res = await fetch(`${API}/v1/teams/${encodeURIComponent(membership.teamId)}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    if (!res.ok) return null;
    const { team } = await res.json();
    return team.checkoutPriceMinor == null ? null : { teamId: team.id, sku: team.sku, priceMinor: team.checkoutPriceMinor };
  } catch {
    return null;
  }
}

/** The friend discount a referred visitor gets (the merchant backend applies it at checkout). */
export function friendDiscount(config, subtotal) {
  const referred = window.ShareCart?.attribution?.();
  const reward = config.program.friendReward;
  if (!referred || reward.kind === 'none' || !reward.value) return 0;
  return reward.kind === 'percent' ? Math.round((subtotal * reward.value) / 10000) : Math.min(subtotal, reward.value);
}

// ---------------------------------------------------------------- header

document.addEventListener('click', (e) => {
  if (e.target.closest?.('[data-lang-toggle]')) setLang(isEn() ? 'zh-Hant-HK' : 'en');
});
window.addEventListener('storage', (e) => e.key === CART_KEY && updateCartCount());
updateLangToggle();
updateCartCount();
langListeners.add(updateCartCount);

// ---------------------------------------------------------------- product cards

/** A product card for the grids: photo, names, price, what a sharer earns, add to cart. */
export function productCard(p, config) {
  const href = productUrl(p.sku);
  const name = productName(p);
  const exp = config.shop.currencyExponent;
  return h(
    'li',
    {},
    h(
      'article',
      { class: 'card', 'data-sku': p.sku },
      h(
        'a',
        { class: 'media', href, tabindex: '-1', 'aria-hidden': 'true' },
        h('img', { src: productImage(p), alt: '', width: 400, height: 400, loading: 'lazy' }),
      ),
      h(
        'div',
        { class: 'body' },
        h('h3', {}, h('a', { href }, name)),
        h('span', { class: 'sub' }, productAltName(p)),
        h('span', { class: 'price' }, money(p.priceMinor, p.currency, exp)),
        p.earnMinor > 0
          ? h(
              'span',
              { class: 'earn' },
              isEn() ? `Share & earn ${money(p.earnMinor, p.currency, exp)}` : `分享賺 ${money(p.earnMinor, p.currency, exp)}`,
            )
          : null,
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            // starts with the button's visible text (WCAG 2.5.3), then names the product
            'aria-label': isEn() ? `Add to cart: ${name}` : `加入購物車：${name}`,
            onclick: () => {
              addToCart(p.sku, 1);
              toast(isEn() ? `Added ${name}` : `已加入${name}`, { href: 'cart', text: isEn() ? 'View cart' : '查看購物車' });
            },
          },
          isEn() ? 'Add to cart' : '加入購物車',
        ),
      ),
    ),
  );
}

/** Shows a readable error in a page's error box, with a retry button. */
export function showError(box, text, retry) {
  box.hidden = false;
  box.replaceChildren(
    text,
    ' ',
    retry
      ? h(
          'button',
          { type: 'button', class: 'link-btn', onclick: () => ((box.hidden = true), retry()) },
          isEn() ? 'Try again' : '再試一次',
        )
      : '',
  );
}
