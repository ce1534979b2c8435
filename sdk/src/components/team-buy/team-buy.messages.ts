/**
 * Strings of `<sc-team-buy>`. English is inline; the Chinese tables load on demand (one chunk each).
 * `{in}` is a relative time from `Intl.RelativeTimeFormat` ("in 5 hours", "5 小時後").
 */
import type { Catalog } from '../../internal/i18n.js';

export type TeamBuyKey =
  | 'title'
  | 'inTeam'
  | 'alone'
  | 'save'
  | 'ladder'
  | 'tier'
  | 'start'
  | 'name'
  | 'open'
  | 'teamOf'
  | 'someone'
  | 'spot'
  | 'spots'
  | 'join'
  | 'invited'
  | 'members'
  | 'leader'
  | 'seat'
  | 'secured'
  | 'toGo'
  | 'left'
  | 'day'
  | 'share'
  | 'shareText'
  | 'leave'
  | 'cancel'
  | 'checkout'
  | 'complete'
  | 'completeOther'
  | 'expired'
  | 'cancelled'
  | 'again'
  | 'rules'
  | 'rulesText'
  | 'joined'
  | 'closes'
  | 'full'
  | 'ended'
  | 'already'
  | 'error';

export const messages: Catalog<TeamBuyKey> = {
  en: {
    title: 'Team price',
    inTeam: 'in a team of {n}',
    alone: '{amount} alone',
    save: 'save {amount}',
    ladder: 'Bigger team, lower price',
    tier: '{n}+ people: {amount}',
    start: 'Start a team of {n}',
    name: 'Your name for the team (optional)',
    open: 'Join a team',
    teamOf: '{name}’s team',
    someone: 'A buyer',
    spot: '1 spot left',
    spots: '{n} spots left',
    join: 'Join',
    invited: 'You’re invited to {name}’s team',
    members: 'Members',
    leader: '{name} (leader)',
    seat: 'Open seat',
    secured: 'Team price secured! {n} more for {amount}.',
    toGo: '{n} more to go',
    left: '{time} left',
    day: '{n}d',
    share: 'Share to fill your team',
    shareText: 'Join my team for {product}: we each pay {amount}!',
    leave: 'Leave team',
    cancel: 'Cancel team',
    checkout: 'Check out at {amount}: your payment is only authorized until the team fills.',
    complete: 'Team complete! The shop now takes your payment of {amount}.',
    completeOther: 'This team is complete.',
    expired: 'The team didn’t fill in time. Your payment authorization is released: you pay nothing.',
    cancelled: 'This team was cancelled.',
    again: 'Start a new team',
    rules: 'How team buying works',
    rulesText:
      'Start a team or join one, then check out at the team price: your card is only authorized. If the team fills before the deadline, the shop takes the payment; if not, the authorization is released and you pay nothing. Only real buyers are shown: no member is ever added for show.',
    joined: '{name} joined. {spots}.',
    closes: 'The team closes {in}.',
    full: 'That team just filled up. Start your own!',
    ended: 'That team has ended. Start your own!',
    already: 'You are already in a team for this product.',
    error: 'Something went wrong. Please try again.',
  },
  'zh-Hant-HK': () => import('./team-buy.zh-Hant-HK.js'),
  'zh-Hans': () => import('./team-buy.zh-Hans.js'),
};
