// Home page: the product grid, rendered from the shop config.
import { isEn, loadConfig, onLang, productCard, showError } from './shop.js';

const grid = document.getElementById('products');
const count = document.getElementById('product-count');
const error = document.getElementById('products-error');

async function render() {
  try {
    const config = await loadConfig();
    grid.replaceChildren(...config.products.map((p) => productCard(p, config)));
    grid.removeAttribute('aria-busy');
    count.textContent = isEn() ? `${config.products.length} products` : `共 ${config.products.length} 件產品`;
  } catch (e) {
    grid.replaceChildren();
    grid.removeAttribute('aria-busy');
    showError(error, isEn() ? 'Products could not be loaded. Please try again.' : '暫時未能載入產品，請再試一次。', render);
    console.error(e);
  }
}

onLang(render);
