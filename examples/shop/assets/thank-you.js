// Thank-you page (thank-you.html?order=…&claim=…&amount=…&total=…&currency=…&sku=…), where the merchant
// backend sends the buyer after it reported the order. <sc-order-tracker> gets the order and the
// buyer claim token: the buyer can share what they bought (曬單) as a verified buyer in one tap.
// Without a claim token (a shop with no backend report) the tracker reports the order from the
// browser, when the shop allows it.
import { clearCart, isEn, money, onLang } from './shop.js';

const q = new URLSearchParams(location.search);
const order = q.get('order');
const amount = Number.parseInt(q.get('amount') ?? '', 10); // what was reported (goods, after discounts)
const total = Number.parseInt(q.get('total') ?? '', 10); // what the buyer paid, with delivery
const currency = /^[A-Z]{3}$/.test(q.get('currency') ?? '') ? q.get('currency') : 'HKD';

const tracker = document.querySelector('sc-order-tracker');
if (order) {
  tracker.setAttribute('order-id', order);
  if (Number.isSafeInteger(amount)) tracker.setAttribute('amount', String(amount));
  tracker.setAttribute('currency', currency);
  if (q.get('claim')) tracker.setAttribute('claim-token', q.get('claim'));
  if (q.get('sku')) tracker.setAttribute('product', q.get('sku'));
  document.getElementById('order-number').textContent = order;
  clearCart();
  sessionStorage.removeItem('hl_checkout_id');
}

onLang(() => {
  document.getElementById('order-total').textContent = Number.isSafeInteger(total)
    ? `${isEn() ? 'Total' : '總額'} ${money(total, currency)}`
    : '';
});
