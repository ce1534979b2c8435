/**
 * `<sc-shop-dashboard>`: the shop owner's dashboard — sign-in, the navigation of the registered
 * views (view-registry.ts), the language, sign-out. Served by the worker at `/dashboard/` (cookie
 * session) and embeddable in a shop's own admin with an embedded session token:
 *
 * ```html
 * <script type="module" src="https://YOUR-WORKER/dashboard/dashboard.js"></script>
 * <sc-shop-dashboard api="https://YOUR-WORKER" session-token="dss_…"></sc-shop-dashboard>
 * ```
 * (the shop's server mints the token with `POST /v1/sessions/embedded` and its secret key).
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { resolveLocale, translate } from '../internal/i18n.js';
import { hostStyles } from '../internal/styles.js';
import type { Locale, Session } from '../wire.js';
import { DashboardApi, type ScError } from './dashboard-api.js';
import { messages, type DashboardKey } from './dashboard.messages.js';
import { dashboardStyles } from './dashboard.styles.js';
import type { DashboardView } from './dashboard-view.js';
import { onViewsChanged, registeredViews, type ViewDefinition } from './view-registry.js';
import styles from './shop-dashboard.styles.js';

type Phase = 'checking' | 'signin' | 'ready';

const CHOICE_KEY = 'sc-dashboard-locale';
const readChoice = (): string | null => {
  try {
    return localStorage.getItem(CHOICE_KEY);
  } catch {
    return null;
  }
};
const saveChoice = (locale: string): void => {
  try {
    localStorage.setItem(CHOICE_KEY, locale);
  } catch {
    /* storage refused: the choice lasts this visit */
  }
};

const LOCALES: Array<[Locale, string]> = [
  ['en', 'English'],
  ['zh-Hant-HK', '繁體中文'],
  ['zh-Hans', '简体中文'],
];

/**
 * @tagname sc-shop-dashboard
 * @summary The shop owner's dashboard: funnel, leaderboard, orders with their attribution, ledger, referrers, payouts, webhooks and settings.
 *
 * @event sc-signed-in - A session started. `detail: { shopId }`.
 * @event sc-signed-out - The owner signed out or the session ended.
 * @event sc-error - A request failed. `detail: { code, message }`.
 *
 * @csspart header - The bar with the shop's name, language and sign-out.
 * @csspart nav - The navigation between views.
 * @csspart main - The area of the current view.
 * @csspart signin - The sign-in form.
 *
 * @cssproperty --sc-dashboard-bg - Background of cards and fields. Default `--sc-color-surface`.
 * @cssproperty --sc-dashboard-accent - Buttons and the current view. Default `--sc-color-primary`.
 * @cssproperty --sc-dashboard-border - Borders. Default `--sc-color-border`.
 */
export class ShopDashboard extends LitElement {
  static override styles = [hostStyles, dashboardStyles, styles];
  static override properties = {
    api: {},
    sessionToken: { attribute: 'session-token' },
    locale: { reflect: true },
    view: { reflect: true },
    routing: { type: Boolean },
    phase: { state: true },
    session: { state: true },
    notice: { state: true },
    busy: { state: true },
  };

  /** The worker's base URL. Default: this page's origin. */
  api = '';
  /** An embedded session token (`dss_…`); without it, the cookie session of the worker's own dashboard. */
  sessionToken = '';
  /** `en`, `zh-Hant-HK` or `zh-Hans`. Default: the page's `lang`, then the browser's language. */
  declare locale?: string;
  /** The id of the view shown (`funnel`, `payouts`…). */
  view = '';
  /** Keep the view in the URL fragment (`#/payouts`), as the worker's `/dashboard/` page does. */
  routing = false;

  private phase: Phase = 'checking';
  private session: Session | null = null;
  private notice: DashboardKey | null = null;
  private busy = false;
  private client: DashboardApi | null = null;
  private readonly elements = new Map<string, DashboardView>();
  private stopListening: (() => void) | null = null;
  private readonly onHash = () => this.viewFromHash();

  /**
   * The language shown: `locale`; on the worker's own page (`routing`) the owner's last choice, then
   * the browser's language (the page's `lang` follows); embedded, the nearest `lang` around it.
   */
  private get lang_(): Locale {
    const around = this.routing ? readChoice() : this.closest('[lang]')?.getAttribute('lang');
    return resolveLocale(this.locale || around || navigator.language);
  }

  private chooseLocale(locale: string): void {
    this.locale = locale;
    if (this.routing) saveChoice(locale);
  }

  private t(key: DashboardKey, vars?: Record<string, string | number>): string {
    return translate(messages, this.lang_, key, vars);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopListening = onViewsChanged(() => this.requestUpdate());
    if (this.routing) addEventListener('hashchange', this.onHash);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopListening?.();
    removeEventListener('hashchange', this.onHash);
  }

  /** Signs in with a token in the URL fragment, else resumes the session, else asks for a token. */
  private async start(): Promise<void> {
    this.client = new DashboardApi({ api: this.api, sessionToken: this.sessionToken });
    this.phase = 'checking';
    const token = /(?:^#|&)token=(dt_[A-Za-z0-9_]+)/.exec(location.hash)?.[1];
    try {
      if (token && !this.client.embedded) {
        // the token never stays in the address bar or the history
        history.replaceState(history.state, '', location.pathname + location.search);
        await this.enter(await this.client.signIn(token));
        return;
      }
      const session = await this.client.current();
      if (session) await this.enter(session);
      else this.phase = 'signin';
    } catch (e) {
      this.notice = (e as ScError).status === 401 ? 'badToken' : null;
      this.phase = 'signin';
    }
  }

  private async enter(session: Session): Promise<void> {
    this.session = session;
    this.phase = 'ready';
    this.notice = null;
    if (this.routing) this.viewFromHash();
    this.dispatchEvent(new CustomEvent('sc-signed-in', { bubbles: true, composed: true, detail: { shopId: session.shop.id } }));
  }

  private viewFromHash(): void {
    const id = /^#\/([\w-]+)/.exec(location.hash)?.[1];
    if (id && registeredViews().some((v) => v.id === id)) this.view = id;
  }

  private async submitToken(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    const token = input.value.trim().replace(/^.*#token=/, '');
    if (!token) return;
    this.busy = true;
    try {
      await this.enter(await this.client!.signIn(token));
    } catch {
      this.notice = 'badToken';
    } finally {
      this.busy = false;
    }
  }

  private async signOut(): Promise<void> {
    try {
      await this.client?.signOut();
    } catch {
      /* the session may already be over */
    }
    this.session = null;
    this.elements.clear();
    this.phase = 'signin';
    this.notice = 'signedOut';
    this.dispatchEvent(new CustomEvent('sc-signed-out', { bubbles: true, composed: true }));
  }

  private select(view: ViewDefinition): void {
    this.view = view.id;
    if (this.routing) history.replaceState(history.state, '', `#/${view.id}`);
  }

  /** The element of the current view, created once and kept (its state survives switching). */
  private current(def: ViewDefinition): DashboardView {
    let el = this.elements.get(def.id);
    if (!el) {
      el = document.createElement(def.tag) as DashboardView;
      el.setAttribute('data-view', def.id);
      this.elements.set(def.id, el);
      void def.load();
    }
    el.locale = this.lang_;
    el.api = this.client!;
    el.shop = this.session!.shop;
    return el;
  }

  protected override updated(changed: PropertyValues): void {
    // the worker's page speaks the dashboard's language (screen readers, fonts, hyphenation)
    if (this.routing) document.documentElement.lang = this.lang_;
    // a view's element reacts to an ended session (401) by handing back to sign-in
    if (changed.has('phase') && this.phase === 'ready') {
      this.renderRoot.addEventListener('sc-error', this.onViewError as EventListener);
    }
  }

  private readonly onViewError = (e: CustomEvent<{ code: string }>) => {
    if (e.detail.code === 'session_expired' || e.detail.code === 'unauthorized') {
      this.session = null;
      this.elements.clear();
      this.phase = 'signin';
      this.notice = 'sessionEnded';
    }
  };

  private renderSignIn() {
    return html`<section part="signin" class="signin" lang=${this.lang_} aria-labelledby="signin-title">
      <h1 id="signin-title">${this.t('signInTitle')}</h1>
      ${this.notice ? html`<p role="alert" class=${this.notice === 'signedOut' ? 'muted' : 'error'}>${this.t(this.notice)}</p>` : nothing}
      ${
        this.client?.embedded
          ? nothing
          : html`<p class="muted">${this.t('signInHelp')}</p>
            <form @submit=${this.submitToken}>
              <label for="token">${this.t('tokenLabel')}</label>
              <input id="token" name="token" autocomplete="off" spellcheck="false" required />
              <p><button ?disabled=${this.busy}>${this.busy ? this.t('signingIn') : this.t('signIn')}</button></p>
            </form>`
      }
    </section>`;
  }

  protected override render() {
    if (this.phase === 'checking') return html`<p class="muted" role="status" lang=${this.lang_}>${this.t('loading')}</p>`;
    if (this.phase === 'signin' || !this.session) return this.renderSignIn();
    const views = registeredViews();
    const def = views.find((v) => v.id === this.view) ?? views[0];
    const label = (v: ViewDefinition) => v.label[this.lang_] ?? v.label.en;
    return html`
      <header part="header" lang=${this.lang_}>
        <h1><span class="brand">ShareCart</span> ${this.session.shop.name}</h1>
        <div class="row">
          <label class="sr-only" for="lang">${this.t('language')}</label>
          <select id="lang" .value=${this.lang_} @change=${(e: Event) => this.chooseLocale((e.target as HTMLSelectElement).value)}>
            ${LOCALES.map(([code, name]) => html`<option value=${code} lang=${code} ?selected=${code === this.lang_}>${name}</option>`)}
          </select>
          ${this.client?.embedded ? nothing : html`<button class="secondary" @click=${this.signOut}>${this.t('signOut')}</button>`}
        </div>
      </header>
      <nav part="nav" lang=${this.lang_} aria-label=${this.t('views')}>
        <ul>
          ${views.map(
            (v) =>
              html`<li>
                <button
                  class="tab"
                  data-view=${v.id}
                  aria-current=${v === def ? 'page' : 'false'}
                  @click=${() => this.select(v)}
                >
                  ${label(v)}
                </button>
              </li>`,
          )}
        </ul>
      </nav>
      <main part="main" lang=${this.lang_} aria-label=${def ? label(def) : ''}>${def ? this.current(def) : nothing}</main>
    `;
  }
}
