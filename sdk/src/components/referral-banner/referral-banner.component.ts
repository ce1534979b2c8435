/**
 * `<sc-referral-banner>`: greets a friend who arrived through a referral link ("Maggie 推介你：首單
 * 9 折") when the program has a friend reward. It shows the stored referral (and updates on
 * `sc-click-captured`), reserves its height while a referral in the URL is being captured, and
 * remembers a dismissal per referral code.
 */
import { html, nothing } from 'lit';
import type { FriendReward, ShopConfig } from '../../wire.js';
import { getConfig } from '../../internal/api-client.js';
import { ShareCartElement } from '../../internal/base-element.js';
import { formatMoney, translate } from '../../internal/i18n.js';
import { formatPercent, zhe } from '../../internal/i18n-discount.js';
import { runtime } from '../../internal/runtime.js';
import { read, storedReferral, write, type StoredReferral } from '../../internal/storage.js';
import { hostStyles } from '../../internal/styles.js';
import { messages } from './referral-banner.messages.js';
import styles from './referral-banner.styles.js';

const DISMISSED_KEY = 'sc_banner_dismissed';

/**
 * @tagname sc-referral-banner
 * @summary Greets a friend who arrived through a referral link, with the friend reward.
 *
 * @event sc-banner-dismiss - The visitor dismissed the banner. `detail: { code }`.
 *
 * @slot icon - Replaces the gift icon.
 *
 * @csspart base - The banner.
 * @csspart icon - The icon.
 * @csspart message - The greeting.
 * @csspart dismiss - The dismiss button.
 *
 * @cssproperty --sc-referral-banner-bg - Background. Default `#fff7ed`.
 * @cssproperty --sc-referral-banner-color - Text colour. Default `--sc-color-text`.
 * @cssproperty --sc-referral-banner-accent - The accent border. Default `--sc-color-primary`.
 * @cssproperty --sc-referral-banner-radius - Corner radius. Default `--sc-radius`.
 * @cssproperty --sc-referral-banner-min-height - Height reserved while loading (one line of text). Default `3.5rem`.
 */
export class ReferralBanner extends ShareCartElement {
  static override styles = [hostStyles, styles];
  static override properties = { referral: { state: true }, config: { state: true }, dismissed: { state: true } };

  private referral: StoredReferral | null = null;
  private config: ShopConfig | null = null;
  private dismissed: string | null = read<string>(DISMISSED_KEY);

  private readonly onCaptured = (e: GlobalEventHandlersEventMap['sc-click-captured']) => {
    const d = e.detail;
    this.referral = {
      clickId: d.clickId,
      code: d.code,
      expires: d.expiresAt,
      name: d.referrer.displayName,
      reward: d.friendReward ?? undefined,
    };
    this.refresh();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('sc-click-captured', this.onCaptured);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('sc-click-captured', this.onCaptured);
  }

  protected override refresh(): void {
    this.referral = storedReferral() ?? this.referral;
    if (this.allowed && !this.config)
      getConfig().then(
        (c) => (this.config = c),
        () => {},
      );
  }

  /** A referral parameter is in the URL and the loader is still capturing it. */
  private get capturing(): boolean {
    const s = runtime().settings;
    return !!s && this.allowed && new URLSearchParams(location.search).has(s.refParam);
  }

  private reward(): FriendReward | null {
    const r = this.referral?.reward ?? this.config?.program.friendReward;
    return r && r.kind != 'none' && r.value > 0 ? r : null;
  }

  private dismiss() {
    const code = this.referral!.code;
    this.dismissed = code;
    write(DISMISSED_KEY, code);
    this.emit('sc-banner-dismiss', { code });
  }

  private message(reward: FriendReward): string | null {
    const locale = this.lang_;
    const t = (key: keyof (typeof messages)['en'], vars?: Record<string, string>) => translate(messages, locale, key, vars);
    const who = this.referral?.name || t('friend');
    if (reward.kind == 'percent')
      return t('percent', { who, percent: formatPercent(reward.value, locale), zhe: zhe(reward.value) });
    const shop = this.config?.shop;
    return shop ? t('flat', { who, amount: formatMoney(reward.value, shop.currency, locale, shop.currencyExponent) }) : null;
  }

  protected override render() {
    const referral = this.referral;
    const reward = this.reward();
    const text = referral && reward && this.dismissed != referral.code ? this.message(reward) : null;
    if (!text) {
      return this.capturing && this.dismissed == null
        ? html`<div part="base" class="banner skeleton" aria-hidden="true"></div>`
        : nothing;
    }
    return html`<div part="base" class="banner" role="region" aria-label=${translate(messages, this.lang_, 'label')}>
      <span part="icon" class="icon" aria-hidden="true"><slot name="icon">🎁</slot></span>
      <p part="message">${text}</p>
      <button part="dismiss" type="button" aria-label=${translate(messages, this.lang_, 'dismiss')} @click=${this.dismiss}>×</button>
    </div>`;
  }
}
