// Product page (product.html?sku=…): the product from the shop config, add to cart, team-buy (拼團)
// for this product, the share-to-earn button, and related products.
import { CATEGORIES, COPY } from './copy.js';
import {
  addToCart,
  h,
  isEn,
  loadConfig,
  money,
  onLang,
  pick,
  productAltName,
  productCard,
  productImage,
  productName,
  readCart,
  showError,
  toast,
} from './shop.js';

const sku = new URLSearchParams(location.search).get('sku') ?? '';
const $ = (id) => document.getElementById(id);
const qty = $('qty');
const add = $('add-to-cart');
let product = null;

const clampQty = (n) => Math.max(1, Math.min(99, Number.parseInt(n, 10) || 1));
$('qty-minus').addEventListener('click', () => (qty.value = String(clampQty(qty.value) - 1 || 1)));
$('qty-plus').addEventListener('click', () => (qty.value = String(clampQty(clampQty(qty.value) + 1))));
qty.addEventListener('change', () => (qty.value = String(clampQty(qty.value))));
add.addEventListener('click', () => {
  if (!product) return;
  const n = clampQty(qty.value);
  addToCart(product.sku, n);
  toast(isEn() ? `Added ${n} × ${productName(product)}` : `已加入 ${n} 件${productName(product)}`, {
    href: 'cart',
    text: isEn() ? 'View cart' : '查看購物車',
  });
});

// Team-buy: <sc-team-buy> renders the product's team offer (nothing when it has none); it goes in once
// the product is found. Starting or joining a team is the purchase at the team price: the product
// goes into the cart, and checkout charges the team price (the member token travels in the `sc_team`
// cookie and the form's `sharecart_team` field; the merchant backend checks it with ShareCart).
const teamBuy = h('sc-team-buy', { product: sku });
for (const type of ['sc-team-create', 'sc-team-join']) {
  teamBuy.addEventListener(type, () => {
    if (!product) return;
    if (!readCart().some((l) => l.sku === product.sku)) addToCart(product.sku, clampQty(qty.value));
    toast(
      isEn() ? `You’re in the team: ${productName(product)} is in your cart` : `已加入拼團：${productName(product)}已放入購物車`,
      {
        href: 'checkout',
        text: isEn() ? 'Check out at the team price' : '以拼團價結帳',
      },
    );
  });
}

// The share-to-earn button for this product: inserted with its `product` so it renders the right
// amount at once (the ShareCart loader notices the new tag and loads the component).
const shareButton = h('sc-share-button', { product: sku });
$('share-box').append(shareButton);

async function render() {
  try {
    const config = await loadConfig();
    product = config.products.find((p) => p.sku === sku) ?? null;
    if (!product) {
      $('product').hidden = true;
      showError($('product-error'), isEn() ? 'This product is not available.' : '找不到此產品。');
      $('product-error').append(' ', h('a', { href: './' }, isEn() ? 'See all products' : '查看全部產品'));
      renderRelated(config, config.products.slice(0, 4));
      return;
    }
    const copy = COPY[product.sku];
    const name = productName(product);
    document.title = `${name} — 港葉茶舖 Harbour Leaf`;
    $('crumb-name').textContent = name;
    $('crumb-category').textContent = copy ? pick(CATEGORIES[copy.category]) : '';
    $('product-name').textContent = name;
    $('product-alt-name').textContent = productAltName(product);
    $('product-price').textContent = money(product.priceMinor, product.currency, config.shop.currencyExponent);
    $('product-desc').textContent = copy ? pick(copy) : '';
    $('product-origin').textContent = copy ? pick(copy.origin) : '—';
    const img = $('product-image');
    img.src = productImage(product);
    img.alt = name;
    add.disabled = false;
    if (!teamBuy.isConnected) $('team-box').append(teamBuy);
    $('product').removeAttribute('aria-busy');
    const others = config.products.filter((p) => p.sku !== sku);
    const sameCategory = others.filter((p) => COPY[p.sku]?.category === copy?.category);
    renderRelated(config, [...sameCategory, ...others.filter((p) => !sameCategory.includes(p))].slice(0, 4));
  } catch (e) {
    console.error(e);
    showError($('product-error'), isEn() ? 'This product could not be loaded.' : '暫時未能載入產品。', render);
  }
}

function renderRelated(config, products) {
  $('related').replaceChildren(...products.map((p) => productCard(p, config)));
}

onLang(render);
