// Checkout page: the order summary, and the form that posts to the shop's own backend
// (examples/merchant), which prices the order from its catalogue and reports it to ShareCart with
// its secret key. The ShareCart loader fills <input name="sharecart_click"> with the referral click
// and <input name="sharecart_team"> with the member token of the team the buyer is in (team-buy).
import { friendDiscount, h, isEn, lang, loadConfig, loadTeam, money, onLang, priceCart, productName, showError } from './shop.js';

const $ = (id) => document.getElementById(id);
const form = $('checkout-form');

// The merchant backend's address comes from <meta name="sharecart-merchant">, so the same page
// works wherever that server runs.
const merchant = document.querySelector('meta[name="sharecart-merchant"]')?.content;
if (merchant) form.action = new URL('/checkout', merchant).href;

// One id per checkout attempt: the backend derives the order id and the Idempotency-Key from it,
// so a double-clicked or re-sent form makes one order.
let checkoutId = sessionStorage.getItem('hl_checkout_id');
if (!checkoutId) {
  checkoutId = crypto.randomUUID();
  sessionStorage.setItem('hl_checkout_id', checkoutId);
}
$('checkout-id').value = checkoutId;

form.addEventListener('submit', () => {
  $('checkout-lang').value = lang();
  $('place-order').disabled = true; // the form still submits; this stops a second click
});
// Coming back with the browser's back button re-enables the button.
window.addEventListener('pageshow', () => ($('place-order').disabled = false));

async function render() {
  try {
    const [config, team] = await Promise.all([loadConfig(), loadTeam()]);
    const fmt = (m) => money(m, config.shop.currency, config.shop.currencyExponent);
    const { lines, subtotal, shipping } = priceCart(config, undefined, team);
    if (!lines.length) {
      form.hidden = true;
      $('checkout-empty').hidden = false;
      return;
    }
    $('checkout-items').replaceChildren(
      ...lines.map((l) => h('input', { type: 'hidden', name: 'item', value: `${l.sku}:${l.qty}` })),
    );
    $('checkout-lines').replaceChildren(
      ...lines.map((l) =>
        h(
          'li',
          { class: 'line-item compact' },
          h('span', {}, `${productName(l.product)} × ${l.qty}${l.team ? (isEn() ? ' (team price)' : '（拼團價）') : ''}`),
          h('span', { class: 'total' }, fmt(l.qty * l.unitMinor)),
        ),
      ),
    );
    const discount = friendDiscount(config, subtotal);
    const total = subtotal - discount + shipping;
    const rows = [
      [isEn() ? 'Subtotal' : '小計', fmt(subtotal)],
      ...(discount ? [[isEn() ? 'Friend discount' : '朋友推介折扣', `−${fmt(discount)}`, 'discount']] : []),
      [isEn() ? 'Delivery' : '運費', shipping ? fmt(shipping) : isEn() ? 'Free' : '免費'],
      [isEn() ? 'Total' : '總計', fmt(total), 'grand'],
    ];
    $('checkout-summary').replaceChildren(...rows.flatMap(([a, b, c]) => [h('dt', { class: c }, a), h('dd', { class: c }, b)]));
    $('referral-note').hidden = !discount;
    $('referral-note').textContent = isEn() ? 'Friend discount applied: a friend referred you.' : '已扣除朋友推介折扣。';
    $('place-order').disabled = false;
    $('place-order').textContent = isEn() ? `Place order · ${fmt(total)}` : `確認訂單 · ${fmt(total)}`;
  } catch (e) {
    console.error(e);
    showError(
      $('checkout-error'),
      isEn() ? 'Checkout could not be loaded. Please try again.' : '暫時未能載入結帳頁，請再試一次。',
      render,
    );
  }
}

// The merchant backend sends the buyer back here with ?error=… when it cannot take the order.
const failure = new URLSearchParams(location.search).get('error');
if (failure) {
  showError(
    $('checkout-error'),
    isEn()
      ? 'Sorry, we could not take your order. Please check your cart and try again.'
      : '抱歉，未能處理你的訂單，請檢查購物車後再試。',
  );
}

document.addEventListener('sc-click-captured', render);
onLang(render);
