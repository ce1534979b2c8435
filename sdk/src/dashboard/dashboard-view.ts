/**
 * The base class of every dashboard view: the shell (`<sc-shop-dashboard>`) sets `api`, `shop` and
 * `locale`, and calls `load()` when the view is shown or the shop changes. A view renders what it
 * loaded with `t()` (its strings) and `money()`; failures show with a retry button.
 */
import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { formatMoney, translate } from '../internal/i18n.js';
import { hostStyles } from '../internal/styles.js';
import type { Locale, Shop } from '../wire.js';
import type { DashboardApi, ScError } from './dashboard-api.js';
import { messages, type DashboardKey } from './dashboard.messages.js';
import { dashboardStyles } from './dashboard.styles.js';

export class DashboardView extends LitElement {
  static override styles = [hostStyles, dashboardStyles];
  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    shop: { attribute: false },
    locale: {},
    loading: { state: true },
    failure: { state: true },
  };

  declare api?: DashboardApi;
  declare shop?: Shop;
  locale: Locale = 'en';
  protected loading = false;
  protected failure: ScError | null = null;

  protected t(key: DashboardKey, vars?: Record<string, string | number>): string {
    return translate(messages, this.locale, key, vars);
  }

  protected money(minor: number, currency = this.shop?.currency ?? 'HKD'): string {
    return formatMoney(minor, currency, this.locale);
  }

  protected date(ms: number, withTime = false): string {
    return new Intl.DateTimeFormat(
      this.locale,
      withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' },
    ).format(ms);
  }

  /** A calendar day given as `YYYY-MM-DD`, in the view's language. */
  protected day(iso: string): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.parse(iso));
  }

  /** The label of a sharing channel (or `code`, `coupon`, `other`). */
  protected channel(ch: string): string {
    const key = `ch_${ch}` as DashboardKey;
    return key in messages.en ? this.t(key) : ch;
  }

  protected override updated(changed: PropertyValues): void {
    if ((changed.has('api') || changed.has('shop')) && this.api && this.shop) void this.reload();
  }

  /** Loads with `load()`, showing progress and failures. */
  protected async reload(): Promise<void> {
    this.loading = true;
    this.failure = null;
    try {
      await this.load();
    } catch (e) {
      this.failure = e as ScError;
      this.dispatchEvent(
        new CustomEvent('sc-error', {
          bubbles: true,
          composed: true,
          detail: { code: (e as ScError).code, message: (e as Error).message },
        }),
      );
    } finally {
      this.loading = false;
    }
  }

  /** What the view reads from the API. */
  protected async load(): Promise<void> {}

  /** The loading line or the failure with a retry button (nothing when neither). */
  protected status() {
    if (this.failure)
      return html`<p class="error" role="alert">
        ${this.t('error', { message: this.failure.message })}
        <button class="secondary" @click=${() => this.reload()}>${this.t('retry')}</button>
      </p>`;
    if (this.loading) return html`<p class="muted" role="status">${this.t('loading')}</p>`;
    return nothing;
  }

  /**
   * Asks the owner to confirm a change that cannot be undone, in a modal `<dialog>` of the view's
   * own (not `window.confirm()`, which a sandboxed iframe — an embedding admin page — may block).
   * Escape or Cancel answers false; focus returns to where it was.
   */
  protected ask(message: string, confirmLabel = this.t('confirmYes')): Promise<boolean> {
    const back = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const dialog = document.createElement('dialog');
    dialog.className = 'ask';
    dialog.setAttribute('aria-describedby', 'ask-message');
    const text = document.createElement('p');
    text.id = 'ask-message';
    text.textContent = message;
    const row = document.createElement('div');
    row.className = 'row';
    const no = document.createElement('button');
    no.className = 'secondary';
    no.dataset.answer = 'no';
    no.textContent = this.t('cancel');
    const yes = document.createElement('button');
    yes.dataset.answer = 'yes';
    yes.textContent = confirmLabel;
    row.append(yes, no);
    dialog.append(text, row);
    this.renderRoot.appendChild(dialog);
    return new Promise((resolve) => {
      let answer = false;
      yes.addEventListener('click', () => ((answer = true), dialog.close()));
      no.addEventListener('click', () => dialog.close());
      dialog.addEventListener('close', () => {
        dialog.remove();
        back?.focus();
        resolve(answer);
      });
      dialog.showModal();
      no.focus();
    });
  }

  /** Saves a file the browser downloads (CSV, JSON). */
  protected download(filename: string, text: string, type: string): void {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
