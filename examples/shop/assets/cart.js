// Cart page: the localStorage cart priced from the shop config, quantities, the friend discount a
// referred visitor gets, and the way to checkout.
import {
  friendDiscount,
  h,
  isEn,
  loadConfig,
  loadTeam,
  money,
  onLang,
  priceCart,
  productImage,
  productName,
  productUrl,
  setQty,
  showError,
} from './shop.js';

const $ = (id) => document.getElementById(id);

function summaryRows(rows) {
  return rows.flatMap(([label, value, cls]) => [h('dt', { class: cls }, label), h('dd', { class: cls }, value)]);
}

async function render() {
  try {
    const [config, team] = await Promise.all([loadConfig(), loadTeam()]);
    const exp = config.shop.currencyExponent;
    const fmt = (m) => money(m, config.shop.currency, exp);
    const { lines, subtotal, shipping } = priceCart(config, undefined, team);
    const empty = lines.length === 0;
    $('cart').hidden = empty;
    $('cart-empty').hidden = !empty;
    $('cart').removeAttribute('aria-busy');
    if (empty) return;
    $('cart-lines').replaceChildren(
      ...lines.map(({ sku, qty, product, unitMinor, team: teamLine }) => {
        const name = productName(product);
        return h(
          'li',
          { class: 'line-item', 'data-sku': sku },
          h('img', { src: productImage(product), alt: '', width: 72, height: 72 }),
          h(
            'div',
            {},
            h('div', { class: 'name' }, h('a', { href: productUrl(sku) }, name)),
            h(
              'div',
              { class: 'unit' },
              fmt(unitMinor),
              teamLine ? h('span', { class: 'team-price' }, isEn() ? ' · team price' : ' · 拼團價') : '',
            ),
            h(
              'div',
              { class: 'controls' },
              h(
                'div',
                { class: 'qty', role: 'group', 'aria-label': isEn() ? `Quantity of ${name}` : `${name}數量` },
                h(
                  'button',
                  { type: 'button', 'aria-label': isEn() ? 'One less' : '減一', onclick: () => setQty(sku, qty - 1) },
                  '−',
                ),
                h('input', {
                  type: 'number',
                  min: '1',
                  max: '99',
                  value: String(qty),
                  inputmode: 'numeric',
                  'aria-label': isEn() ? 'Quantity' : '數量',
                  onchange: (e) => setQty(sku, Math.max(1, Number.parseInt(e.target.value, 10) || 1)),
                }),
                h(
                  'button',
                  { type: 'button', 'aria-label': isEn() ? 'One more' : '加一', onclick: () => setQty(sku, qty + 1) },
                  '+',
                ),
              ),
              h('button', { type: 'button', class: 'link-btn', onclick: () => setQty(sku, 0) }, isEn() ? 'Remove' : '移除'),
            ),
          ),
          h('div', { class: 'total' }, fmt(qty * unitMinor)),
        );
      }),
    );
    const discount = friendDiscount(config, subtotal);
    $('cart-summary').replaceChildren(
      ...summaryRows([
        [isEn() ? 'Subtotal' : '小計', fmt(subtotal)],
        ...(discount ? [[isEn() ? 'Friend discount' : '朋友推介折扣', `−${fmt(discount)}`, 'discount']] : []),
        [isEn() ? 'Delivery' : '運費', shipping ? fmt(shipping) : isEn() ? 'Free' : '免費'],
        [isEn() ? 'Total' : '總計', fmt(subtotal - discount + shipping), 'grand'],
      ]),
    );
    const note = $('referral-note');
    note.hidden = !discount;
    note.textContent = isEn()
      ? 'A friend referred you: your first-order discount is applied at checkout.'
      : '朋友推介你：首單折扣會在結帳時扣除。';
  } catch (e) {
    console.error(e);
    showError(
      $('cart-error'),
      isEn() ? 'Your cart could not be priced. Please try again.' : '暫時未能計算購物車，請再試一次。',
      render,
    );
  }
}

document.addEventListener('hl-cart', render);
document.addEventListener('sc-click-captured', render);
onLang(render);
