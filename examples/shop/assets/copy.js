// The shop's own product copy (descriptions, origin, category). Prices and names come from the
// ShareCart shop config (/v1/config), the same catalogue the merchant backend charges from.
export const CATEGORIES = {
  tea: { en: 'Tea', zh: '茶葉' },
  snacks: { en: 'Snacks & pantry', zh: '手信小食' },
  beauty: { en: 'Skincare', zh: '護膚' },
  gifts: { en: 'Gifts', zh: '禮盒' },
};

export const COPY = {
  'oolong-250g': {
    category: 'tea',
    origin: { en: 'Nantou, Taiwan', zh: '台灣南投' },
    en: 'Roasted twice over charcoal in small batches, with notes of honey, toasted grain and orchid. Brews five or six times.',
    zh: '小批次炭焙兩次，帶蜜香、穀香及蘭花香，可沖泡五至六次。',
  },
  'jasmine-pearls': {
    category: 'tea',
    origin: { en: 'Fujian, China', zh: '中國福建' },
    en: 'Young green tea leaves hand-rolled into pearls and scented six times with fresh jasmine blossom.',
    zh: '嫩綠茶葉人手捲成龍珠，以新鮮茉莉花窨製六次，花香清雅。',
  },
  'pu-erh-cake': {
    category: 'tea',
    origin: { en: 'Yunnan, China', zh: '中國雲南' },
    en: 'A ten-year-old ripe pu-erh cake stored in Hong Kong: earthy, smooth and sweet. Perfect for dim sum.',
    zh: '香港倉存放十年的熟普洱茶餅，陳香醇厚，回甘順滑，飲茶一流。',
  },
  'egg-rolls': {
    category: 'snacks',
    origin: { en: 'Made in Hong Kong', zh: '香港製造' },
    en: 'Crisp, buttery egg rolls baked by hand every morning in our Sheung Wan kitchen. 24 pieces in a gift tin.',
    zh: '上環工場每朝人手烘焙，鬆脆牛油香。禮盒裝二十四條。',
  },
  'almond-cookies': {
    category: 'snacks',
    origin: { en: 'Macau recipe', zh: '澳門配方' },
    en: 'Crumbly almond cookies made with mung-bean flour and a whole almond on top, the Macau way.',
    zh: '澳門傳統做法，綠豆粉配原粒杏仁，入口鬆化。',
  },
  'xo-sauce': {
    category: 'snacks',
    origin: { en: 'Made in Hong Kong', zh: '香港製造' },
    en: 'Dried scallops, Jinhua ham and dried shrimp slow-fried in chilli oil. Spoon over noodles, rice or greens.',
    zh: '瑤柱、金華火腿及蝦米以辣油慢火炒香，拌麵、炒飯、灼菜皆宜。',
  },
  'rose-face-mist': {
    category: 'beauty',
    origin: { en: 'Made in Hong Kong', zh: '香港製造' },
    en: 'A fine mist of Damask rose water and hyaluronic acid for humid Hong Kong days and dry office air.',
    zh: '大馬士革玫瑰花水配透明質酸，潮濕天氣與冷氣房都清爽保濕。',
  },
  'tea-gift-set': {
    category: 'gifts',
    origin: { en: 'Curated in Hong Kong', zh: '香港精選' },
    en: 'Our oolong, jasmine pearls and pu-erh with a celadon gaiwan, boxed and ribboned. Free greeting card.',
    zh: '烏龍、茉莉龍珠及普洱，配青瓷蓋碗，禮盒包裝，附送心意卡。',
  },
};
