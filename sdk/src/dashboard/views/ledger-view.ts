/** `<sc-dashboard-ledger>`: the append-only ledger in write order, filtered by type, balance or referrer. */
import { html, nothing } from 'lit';
import type { LedgerEntry } from '../../wire.js';
import { query } from '../dashboard-api.js';
import { PagedView } from '../paged-view.js';
import type { DashboardKey } from '../dashboard.messages.js';

const TYPES = ['commission', 'release', 'approve', 'void', 'reversal', 'clawback', 'payout'] as const;
const BUCKETS = ['on_hold', 'pending', 'available', 'paid'] as const;

/**
 * @tagname sc-dashboard-ledger
 * @summary The ledger with filters.
 */
export class LedgerView extends PagedView<LedgerEntry> {
  static override properties = { ...PagedView.properties, filters: { state: true } };
  private filters: { type?: string; bucket?: string; referrerId?: string } = {};

  protected path(after?: string): string {
    return `/v1/ledger${query({ limit: 100, ...this.filters, starting_after: after })}`;
  }

  private filter(e: SubmitEvent): void {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    this.filters = {
      type: (form.get('type') as string) || undefined,
      bucket: (form.get('bucket') as string) || undefined,
      referrerId: ((form.get('referrerId') as string) || '').trim() || undefined,
    };
    void this.reload();
  }

  protected override render() {
    return html`<h2>${this.t('viewLedger')}</h2>
      <form class="row" @submit=${this.filter} aria-label=${this.t('filter')}>
        <div>
          <label for="type">${this.t('type')}</label>
          <select id="type" name="type">
            <option value="">${this.t('all')}</option>
            ${TYPES.map((t) => html`<option value=${t} ?selected=${this.filters.type === t}>${this.t(`ty_${t}` as DashboardKey)}</option>`)}
          </select>
        </div>
        <div>
          <label for="bucket">${this.t('bucket')}</label>
          <select id="bucket" name="bucket">
            <option value="">${this.t('all')}</option>
            ${BUCKETS.map((b) => html`<option value=${b} ?selected=${this.filters.bucket === b}>${this.t(`b_${b}` as DashboardKey)}</option>`)}
          </select>
        </div>
        <div>
          <label for="referrerId">${this.t('referrerId')}</label>
          <input id="referrerId" name="referrerId" .value=${this.filters.referrerId ?? ''} />
        </div>
        <div style="align-self:flex-end"><button>${this.t('filter')}</button></div>
      </form>
      ${this.status()}
      ${this.rows.length === 0 && !this.loading ? html`<p>${this.t('noData')}</p>` : nothing}
      ${
        this.rows.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${this.t('viewLedger')}>
            <table data-testid="ledger">
              <caption class="sr-only">${this.t('viewLedger')}</caption>
              <thead>
                <tr>
                  <th scope="col">${this.t('date')}</th>
                  <th scope="col">${this.t('type')}</th>
                  <th scope="col">${this.t('bucket')}</th>
                  <th scope="col" class="num">${this.t('amount')}</th>
                  <th scope="col">${this.t('referrer')}</th>
                  <th scope="col">${this.t('order')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.rows.map(
                  (e) => html`<tr data-type=${e.type} data-bucket=${e.bucket}>
                    <td>${this.date(e.createdAt, true)}</td>
                    <td>${this.t(`ty_${e.type}` as DashboardKey)}</td>
                    <td>${this.t(`b_${e.bucket}` as DashboardKey)}</td>
                    <td class="num">${this.money(e.amountMinor, e.currency)}</td>
                    <td><code>${e.referrerId}</code></td>
                    <td><code>${e.conversionId ?? e.payoutId ?? ''}</code></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
          : nothing
      }
      ${this.moreButton()}`;
  }
}

customElements.get('sc-dashboard-ledger') || customElements.define('sc-dashboard-ledger', LedgerView);
