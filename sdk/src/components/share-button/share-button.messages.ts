/**
 * Strings of the share button. English is inline; the Chinese tables load on demand so that the
 * first-paint chunk carries one language.
 */
import type { Catalog } from '../../internal/i18n.js';

export const messages: Catalog<'share' | 'earn' | 'disclosure' | 'error'> = {
  en: {
    share: 'Share',
    earn: 'Share & earn {amount}',
    disclosure: 'You earn a commission on friends’ orders. Say so when you share.',
    error: 'Your link could not be made. Please try again.',
  },
  'zh-Hant-HK': () => import('./share-button.zh-Hant-HK.js'),
  'zh-Hans': () => import('./share-button.zh-Hans.js'),
};
