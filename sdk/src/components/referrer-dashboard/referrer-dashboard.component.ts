/**
 * `<sc-referrer-dashboard>`: what a referrer sees on the shop's "my earnings" page — their link
 * (copy, QR code: `internal/copy-link.ts`), clicks, orders and earnings (pending / available /
 * paid, from the ledger through `GET /v1/referrers/me`), recent orders, and a form to claim the
 * anonymous identity with an email (`POST /v1/referrers/me/claim`), and "Your data": download
 * everything the shop keeps about them, or delete their identity after a confirmation
 * (`referrer-data-rights.ts`, fetched when that section is first opened). Without a referrer in this
 * browser it offers to make the link.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Channel, ReferrerPublic, ReferrerStats } from '../../wire.js';
import type { ReferrerDataRights } from './referrer-data-rights.js';
import { referrerToken, type ScError } from '../../internal/api-client.js';
import { claimReferrer, ensureReferrer, recordShare, referrerStats, setReferrerToken } from '../../internal/api-referrer.js';
import { ShareCartElement } from '../../internal/base-element.js';
import { CopyLink } from '../../internal/copy-link.js';
import { formatMoney, translate } from '../../internal/i18n.js';
import { runtime } from '../../internal/runtime.js';
import { referralUrl, safeHttpUrl } from '../../internal/share-links.js';
import { srOnlyStyles } from '../../internal/sr-only.js';
import { hostStyles } from '../../internal/styles.js';
import { messages } from './referrer-dashboard.messages.js';
import styles from './referrer-dashboard.styles.js';

type Key = keyof (typeof messages)['en'];

/**
 * What the dashboard shows: waiting for consent, loading, no referrer yet, the data, an error, or
 * that the referrer's identity was just deleted.
 */
export type DashboardView = 'consent' | 'loading' | 'empty' | 'ready' | 'error' | 'deleted';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * @tagname sc-referrer-dashboard
 * @summary The referrer's own dashboard: link, QR code, clicks, orders, earnings, claiming the account with an email, and their data (download, delete).
 *
 * @event sc-referrer - The referrer was loaded (or created with "Get my link"). `detail: { referrer }`.
 * @event sc-referrer-claim - The referrer added an email. `detail: { referrer }`.
 * @event sc-referrer-delete - The referrer deleted their identity; this browser forgot it. `detail: { referrerId }`.
 * @event sc-share - The link was copied (`channel: 'copy'`) or its QR code shown (`channel: 'qr'`). `detail: { channel, url, product: null }`.
 * @event sc-error - Loading, claiming, the data download or deletion, or the QR code failed. `detail: { code, message }`.
 *
 * @csspart base - The card around everything.
 * @csspart header - The title row.
 * @csspart title - The heading.
 * @csspart badge - A status badge (verified buyer, awaiting approval).
 * @csspart link - The read-only field holding the link.
 * @csspart copy - The copy-link button.
 * @csspart qr-toggle - The button that shows the QR code.
 * @csspart qr - The QR code panel.
 * @csspart stats - The activity figures (shares, clicks, orders).
 * @csspart stat - One figure.
 * @csspart balances - The earnings (pending, available, paid, on hold).
 * @csspart balance - One balance (also `balance-pending`, `balance-available`, `balance-paid`, `balance-on-hold`).
 * @csspart value - The number of a figure or balance.
 * @csspart orders - The list of recent orders.
 * @csspart order - One recent order.
 * @csspart status - An order's commission status.
 * @csspart claim - The claim form.
 * @csspart input - The email field.
 * @csspart button - The form's and the empty state's main button.
 * @csspart data - The "Your data" section (download, delete).
 * @csspart export - The button that downloads the referrer's data (JSON).
 * @csspart delete - The button that asks to delete the identity.
 * @csspart confirm - The confirmation shown before deleting.
 * @csspart confirm-delete - The button that deletes, in the confirmation.
 * @csspart cancel - The button that keeps the identity, in the confirmation.
 * @csspart error - An error message.
 * @csspart retry - The retry button.
 *
 * @cssproperty --sc-referrer-dashboard-bg - Card background. Default `--sc-color-surface`.
 * @cssproperty --sc-referrer-dashboard-color - Text colour. Default `--sc-color-text`.
 * @cssproperty --sc-referrer-dashboard-accent - Buttons and highlighted figures. Default `--sc-color-primary`.
 * @cssproperty --sc-referrer-dashboard-border - Borders. Default `--sc-color-border`.
 * @cssproperty --sc-referrer-dashboard-radius - Corner radius. Default `--sc-radius`.
 * @cssproperty --sc-referrer-dashboard-padding - Card padding. Default `1.25rem`.
 * @cssproperty --sc-referrer-dashboard-min-height - Height reserved while loading. Default `26rem`.
 */
export class ReferrerDashboard extends ShareCartElement {
  static override styles = [hostStyles, srOnlyStyles, styles];
  static override properties = {
    url: {},
    maxOrders: { type: Number, attribute: 'max-orders' },
    view: { state: true },
    data: { state: true },
    errorCode: { state: true },
    claiming: { state: true },
    claimError: { state: true },
    rights: { state: true },
  };

  /**
   * The page the referral link leads to (http/https), e.g. the shop's home page. Default: the
   * worker's short link (`/r/CODE`), which leads to the shop's site.
   */
  declare url?: string;
  /** How many recent orders to list. */
  maxOrders = 5;

  /** What is shown now. */
  view: DashboardView = 'loading';
  private data: ReferrerStats | null = null;
  private errorCode = '';
  private claiming = false;
  private claimError = '';
  /** "Your data" (download, delete), once its section was opened. */
  private rights: ReferrerDataRights | null = null;
  private readonly link = new CopyLink(this, (channel, url) => {
    this.emit('sc-share', { channel, url, product: null });
    recordShare(channel).catch(() => {});
  });
  private loads = 0;

  private t(key: Key, vars?: Record<string, string>) {
    return translate(messages, this.lang_, key, vars);
  }

  /** A share elsewhere on the page may have just created this browser's referrer: show it. */
  private readonly onShare = (e: Event) => {
    if (e.composedPath().includes(this) || !this.allowed || this.view == 'loading') return;
    clearTimeout(this.shareTimer);
    this.shareTimer = setTimeout(() => this.refresh(), 500);
  };
  private shareTimer?: ReturnType<typeof setTimeout>;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('sc-share', this.onShare);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('sc-share', this.onShare);
    clearTimeout(this.shareTimer);
  }

  /** Reloads the referrer's figures from the API. */
  reload(): Promise<void> {
    return this.load();
  }

  protected override refresh(): void {
    if (!this.allowed) this.view = 'consent';
    else if (!referrerToken()) this.view = 'empty';
    else void this.load();
  }

  private async load(): Promise<void> {
    const load = ++this.loads;
    if (!this.data) this.view = 'loading';
    try {
      const data = await referrerStats();
      if (load != this.loads) return;
      this.data = data;
      this.view = 'ready';
      this.emit('sc-referrer', { referrer: data.referrer });
    } catch (e) {
      if (load != this.loads) return;
      const err = e as ScError;
      if (err.code == 'sc_no_referrer' || err.status == 401) {
        // No referrer here, or one the API no longer knows: offer to make a new link.
        if (err.status == 401) setReferrerToken(null);
        this.data = null;
        this.view = 'empty';
        return;
      }
      this.errorCode = err.code ?? 'sc_unknown';
      this.view = 'error';
      this.fail(this.errorCode, err.message ?? String(e), e);
    }
  }

  private async start() {
    this.view = 'loading';
    try {
      await ensureReferrer();
      await this.load();
    } catch (e) {
      const err = e as ScError;
      this.errorCode = err.code ?? 'sc_unknown';
      this.view = 'error';
      this.fail(this.errorCode, err.message ?? String(e), e);
    }
  }

  /** The referral link, with the channel it is shared on when given. */
  private linkFor(referrer: ReferrerPublic, channel?: Channel): string {
    const page = safeHttpUrl(this.url);
    if (page) {
      return referralUrl(page.href, referrer.vanityCode ?? referrer.code, {
        param: runtime().settings?.refParam ?? 'ref',
        channel,
      });
    }
    const short = safeHttpUrl(referrer.shortLink);
    if (!short) return '';
    if (channel) short.searchParams.set('c', channel);
    return short.href;
  }

  private async claim(e: SubmitEvent) {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('email') as HTMLInputElement;
    const email = input.value.trim();
    if (!EMAIL.test(email)) {
      this.claimError = this.t('claimError');
      input.focus();
      return;
    }
    this.claiming = true;
    this.claimError = '';
    try {
      const { referrer } = await claimReferrer({ email });
      if (this.data) this.data = { ...this.data, referrer };
      this.emit('sc-referrer-claim', { referrer });
    } catch (err) {
      this.claimError = this.t('claimError');
      this.fail((err as ScError).code ?? 'sc_claim_failed', (err as Error).message, err);
    } finally {
      this.claiming = false;
    }
  }

  /** Fetches the data-rights controller when "Your data" is first opened. */
  private async openData(e: Event) {
    if (!(e.target as HTMLDetailsElement).open || this.rights) return;
    try {
      const { ReferrerDataRights } = await import('./referrer-data-rights.js');
      this.rights ??= new ReferrerDataRights(this, {
        lang: () => this.lang_,
        deleted: (referrerId) => {
          this.data = null;
          this.view = 'deleted';
          this.emit('sc-referrer-delete', { referrerId });
        },
      });
    } catch (err) {
      this.fail('sc_network', (err as Error).message, err);
    }
  }

  private money(minor: number, currency: string) {
    return formatMoney(minor, currency, this.lang_);
  }

  private number(n: number) {
    return new Intl.NumberFormat(this.lang_).format(n);
  }

  protected override render() {
    const loading = this.view == 'loading';
    return html`<section
      part="base"
      class="base ${this.view}"
      aria-labelledby="title"
      aria-busy=${loading ? 'true' : 'false'}
    >
      ${this.body()}
    </section>`;
  }

  private body(): TemplateResult {
    switch (this.view) {
      case 'consent':
        return html`<h2 part="title" id="title" class="title">${this.t('title')}</h2>
          <p class="muted">${this.t('consent')}</p>`;
      case 'empty':
        return html`<h2 part="title" id="title" class="title">${this.t('title')}</h2>
          <p class="muted">${this.t('emptyText')}</p>
          <button part="button" class="primary" type="button" @click=${this.start}>${this.t('start')}</button>`;
      case 'error': {
        const text = this.t(this.errorCode == 'referrer_not_allowed' ? 'errorNotAllowed' : 'error');
        return html`<h2 part="title" id="title" class="title">${this.t('title')}</h2>
          <p part="error" class="error" role="alert">${text}</p>
          <button part="retry" class="secondary" type="button" @click=${() => this.refresh()}>${this.t('retry')}</button>`;
      }
      case 'deleted':
        return html`<h2 part="title" id="title" class="title">${this.t('title')}</h2>
          ${this.rights?.renderDeleted()}
          <button part="button" class="secondary" type="button" @click=${this.start}>${this.t('start')}</button>`;
      case 'loading':
        return this.skeleton();
      case 'ready':
        return this.ready(this.data!);
    }
  }

  /** The loading state: grey blocks where the link and figures go; the card keeps its height. */
  private skeleton(): TemplateResult {
    return html`<h2 part="title" id="title" class="title">${this.t('title')}</h2>
      <span class="sr-only" role="status">${this.t('loading')}</span>
      <div class="skeleton field" aria-hidden="true"></div>
      <div class="stats" aria-hidden="true">${[1, 2, 3, 4, 5, 6].map(() => html`<div class="tile skeleton"></div>`)}</div>`;
  }

  private ready(data: ReferrerStats): TemplateResult {
    const { referrer, stats, balances } = data;
    const link = this.linkFor(referrer);
    const currency = balances.currency;
    const balance = (key: 'pending' | 'available' | 'paid' | 'onHold', label: Key) =>
      html`<div part="balance balance-${key == 'onHold' ? 'on-hold' : key}" class="tile ${key}">
        <dt>${this.t(label)}</dt>
        <dd part="value" class="num">${this.money(balances[key], currency)}</dd>
      </div>`;
    const stat = (label: Key, n: number) =>
      html`<div part="stat" class="tile"><dt>${this.t(label)}</dt><dd part="value" class="num">${this.number(n)}</dd></div>`;
    const orders = data.recentConversions.slice(0, Math.max(0, this.maxOrders));
    const date = new Intl.DateTimeFormat(this.lang_, { dateStyle: 'medium' });
    const statusText = { pending: this.t('statusPending'), on_hold: this.t('statusOnHold'), none: this.t('statusNone') } as const;

    return html`<div part="header" class="header">
        <h2 part="title" id="title" class="title">${this.t('title')}</h2>
        ${referrer.verifiedBuyer ? html`<span part="badge" class="badge">✓ ${this.t('verifiedBuyer')}</span>` : nothing}
        ${referrer.status == 'pending' ? html`<span part="badge" class="badge warn">${this.t('pendingApproval')}</span>` : nothing}
      </div>
      <div class="row">
        ${this.link.field(link, this.linkFor(referrer, 'copy'), 'link-hint')}
        ${this.link.toggle(this.linkFor(referrer, 'qr'), 'qr', 'qr-toggle', 'secondary', this.t('showQr'))}
      </div>
      <p class="hint" id="link-hint">${this.t('linkHint')}</p>
      <p class="status" role="status">${this.link.status}</p>
      ${this.link.panel(this.t('showQr'))}

      <dl part="stats" class="stats">
        ${stat('clicks', stats.clicks)} ${stat('orders', stats.orders)} ${stat('shares', stats.shares)}
      </dl>

      <h3 class="sub">${this.t('earnings')}</h3>
      <dl part="balances" class="stats money">
        ${balance('pending', 'pending')} ${balance('available', 'available')} ${balance('paid', 'paid')}
        ${balances.onHold > 0 ? balance('onHold', 'onHold') : nothing}
      </dl>

      <h3 class="sub">${this.t('recent')}</h3>
      ${
        orders.length
          ? html`<ul part="orders" class="orders">
            ${orders.map(
              (o) => html`<li part="order" class="order">
                <span class="when">${date.format(o.createdAt)}</span>
                <span class="what">${this.t('orderOf', { amount: this.money(o.amountMinor, o.currency) })}</span>
                <span class="earned">${o.commissionMinor > 0 ? `+${this.money(o.commissionMinor, o.currency)}` : ''}</span>
                <span part="status" class="pill ${o.commissionStatus}">${statusText[o.commissionStatus] ?? o.commissionStatus}</span>
              </li>`,
            )}
          </ul>`
          : html`<p class="muted">${this.t('noOrders')}</p>`
      }
      ${this.claimSection(referrer)}
      <details part="data" class="data" @toggle=${this.openData}>
        <summary>${this.t('dataTitle')}</summary>
        ${this.rights ? this.rights.render(referrer.id) : html`<p class="muted" role="status">…</p>`}
      </details>`;
  }

  private claimSection(referrer: ReferrerPublic): TemplateResult {
    if (referrer.claimed) {
      return html`<p class="muted" role="status">${this.t('claimed')}</p>`;
    }
    return html`<form part="claim" class="claim" novalidate @submit=${this.claim} aria-labelledby="claim-title">
      <h3 class="sub" id="claim-title">${this.t('claimTitle')}</h3>
      <p class="muted" id="claim-text">${this.t('claimText')}</p>
      <div class="row">
        <label class="sr-only" for="claim-email">${this.t('email')}</label>
        <input
          part="input"
          class="grow"
          id="claim-email"
          name="email"
          type="email"
          autocomplete="email"
          inputmode="email"
          required
          maxlength="254"
          placeholder=${this.t('email')}
          aria-describedby="claim-text claim-error"
          aria-invalid=${this.claimError ? 'true' : 'false'}
        />
        <button part="button" class="primary" type="submit" ?disabled=${this.claiming} aria-busy=${this.claiming ? 'true' : 'false'}>
          ${this.t('claim')}
        </button>
      </div>
      <p part="error" class="error" id="claim-error" role="alert">${this.claimError}</p>
    </form>`;
  }
}
