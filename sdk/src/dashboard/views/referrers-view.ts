/**
 * `<sc-dashboard-referrers>`: the shop's referrers — approve, block, give a KOL a vanity code or
 * their own rate, record how each is paid (FPS, PayPal, bank) — and their data rights: download a
 * referrer's data (JSON) or delete their identity on their request.
 */
import { html, nothing } from 'lit';
import type { ManagedReferrer, ReferrerExport, ReferrerUpdate } from '../../wire.js';
import type { ScError } from '../dashboard-api.js';
import { DashboardView } from '../dashboard-view.js';

/**
 * @tagname sc-dashboard-referrers
 * @summary Referrers: approve, block, vanity codes, own rates, payout details, data export and deletion.
 */
export class ReferrersView extends DashboardView {
  static override properties = {
    ...DashboardView.properties,
    rows: { state: true },
    editing: { state: true },
    formError: { state: true },
    notice: { state: true },
  };
  private rows: ManagedReferrer[] = [];
  private editing: ManagedReferrer | null = null;
  private formError = '';
  private notice = '';

  protected override async load(): Promise<void> {
    this.rows = (await this.api!.request<{ data: ManagedReferrer[] }>('GET', '/v1/referrers?limit=500')).data;
  }

  private name(r: ManagedReferrer): string {
    return r.displayName ?? r.vanityCode ?? r.code;
  }

  private replace(r: ManagedReferrer): void {
    this.rows = this.rows.map((x) => (x.id === r.id ? { ...x, ...r } : x));
  }

  private async act(r: ManagedReferrer, action: 'approve' | 'block'): Promise<void> {
    try {
      const { referrer } = await this.api!.request<{ referrer: ManagedReferrer }>('POST', `/v1/referrers/${r.id}/${action}`, {});
      this.replace({ ...r, status: referrer.status });
    } catch (e) {
      this.failure = e as ScError;
    }
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const r = this.editing!;
    const f = new FormData(e.target as HTMLFormElement);
    const text = (k: string) => ((f.get(k) as string) ?? '').trim() || null;
    const rate = text('rate');
    const body: ReferrerUpdate = {
      displayName: text('displayName'),
      vanityCode: text('vanityCode'),
      rateBps: rate === null ? null : Math.round(Number(rate) * 100),
      paypalEmail: text('paypalEmail'),
      fpsId: text('fpsId'),
      bankAccount: text('bankAccount'),
    };
    try {
      const { referrer } = await this.api!.request<{ referrer: ManagedReferrer }>('PATCH', `/v1/referrers/${r.id}`, body);
      this.replace(referrer);
      this.editing = null;
      this.notice = this.t('saved');
    } catch (err) {
      this.formError = (err as ScError).message;
    }
  }

  private async exportData(r: ManagedReferrer): Promise<void> {
    try {
      const data = await this.api!.request<ReferrerExport>('GET', `/v1/referrers/${r.id}/export`);
      this.download(`referrer-${r.id}.json`, JSON.stringify(data, null, 2), 'application/json');
    } catch (e) {
      this.failure = e as ScError;
    }
  }

  private async deleteIdentity(r: ManagedReferrer): Promise<void> {
    if (!(await this.ask(this.t('confirmDelete', { name: this.name(r) })))) return;
    try {
      await this.api!.request('DELETE', `/v1/referrers/${r.id}`, { confirm: 'delete' });
      await this.load();
    } catch (e) {
      this.failure = e as ScError;
    }
  }

  private status_(r: ManagedReferrer): string {
    if (r.deletedAt) return this.t('deleted');
    return this.t(r.status === 'pending' ? 'st_review' : r.status === 'blocked' ? 'st_blocked' : 'st_active');
  }

  private renderForm(r: ManagedReferrer) {
    return html`<form class="card" data-testid="referrer-form" @submit=${this.save} aria-labelledby="edit-title">
      <h3 id="edit-title">${this.t('editReferrer', { name: this.name(r) })}</h3>
      <label for="displayName">${this.t('name')}</label>
      <input id="displayName" name="displayName" .value=${r.displayName ?? ''} maxlength="80" />
      <label for="vanityCode">${this.t('vanityCode')}</label>
      <input id="vanityCode" name="vanityCode" .value=${r.vanityCode ?? ''} pattern="[A-Za-z0-9_-]{3,32}" />
      <label for="rate">${this.t('ownRateLabel')}</label>
      <input id="rate" name="rate" type="number" min="0" max="100" step="0.01" inputmode="decimal" .value=${r.rateBps === null ? '' : String(r.rateBps / 100)} />
      <label for="fpsId">${this.t('fpsId')}</label>
      <input id="fpsId" name="fpsId" .value=${r.payout.fpsId ?? ''} />
      <label for="paypalEmail">${this.t('paypalEmail')}</label>
      <input id="paypalEmail" name="paypalEmail" type="email" .value=${r.payout.paypalEmail ?? ''} />
      <label for="bankAccount">${this.t('bankAccount')}</label>
      <input id="bankAccount" name="bankAccount" .value=${r.payout.bankAccount ?? ''} />
      ${this.formError ? html`<p class="error" role="alert">${this.formError}</p>` : nothing}
      <p class="row">
        <button>${this.t('save')}</button>
        <button type="button" class="secondary" @click=${() => (this.editing = null)}>${this.t('cancel')}</button>
      </p>
    </form>`;
  }

  protected override render() {
    return html`<h2>${this.t('viewReferrers')}</h2>
      ${this.status()} ${this.notice ? html`<p role="status">${this.notice}</p>` : nothing}
      ${this.editing ? this.renderForm(this.editing) : nothing}
      ${this.rows.length === 0 && !this.loading ? html`<p>${this.t('noData')}</p>` : nothing}
      ${
        this.rows.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${this.t('viewReferrers')}>
            <table data-testid="referrers">
              <caption class="sr-only">${this.t('viewReferrers')}</caption>
              <thead>
                <tr>
                  <th scope="col">${this.t('referrer')}</th>
                  <th scope="col">${this.t('code')}</th>
                  <th scope="col">${this.t('status')}</th>
                  <th scope="col">${this.t('contact')}</th>
                  <th scope="col" class="num">${this.t('ownRate')}</th>
                  <th scope="col"><span class="sr-only">${this.t('edit')}</span></th>
                </tr>
              </thead>
              <tbody>
                ${this.rows.map(
                  (r) => html`<tr data-referrer=${r.id}>
                    <th scope="row">${r.deletedAt ? html`<span class="muted">${this.t('deleted')}</span>` : this.name(r)}</th>
                    <td><code>${r.vanityCode ?? r.code}</code></td>
                    <td><span class="badge">${this.status_(r)}</span></td>
                    <td>${[r.email, r.phone].filter(Boolean).join(' · ')}</td>
                    <td class="num">${r.rateBps === null ? this.t('programRate') : `${r.rateBps / 100}%`}</td>
                    <td>
                      ${
                        r.deletedAt
                          ? nothing
                          : html`<div class="row">
                            ${
                              r.status !== 'active'
                                ? html`<button class="secondary" data-action="approve" @click=${() => this.act(r, 'approve')}>${this.t('approve')}</button>`
                                : html`<button class="secondary" data-action="block" @click=${() => this.act(r, 'block')}>${this.t('block')}</button>`
                            }
                            <button class="secondary" data-action="edit" aria-label=${this.t('editReferrer', { name: this.name(r) })} @click=${() => ((this.formError = ''), (this.editing = r))}>
                              ${this.t('edit')}
                            </button>
                            <button
                              class="secondary"
                              data-action="export"
                              aria-label=${`${this.t('exportData')}: ${this.name(r)}`}
                              @click=${() => this.exportData(r)}
                            >
                              ${this.t('exportData')}
                            </button>
                            <button
                              class="danger"
                              data-action="delete"
                              aria-label=${`${this.t('deleteIdentity')}: ${this.name(r)}`}
                              @click=${() => this.deleteIdentity(r)}
                            >
                              ${this.t('deleteIdentity')}
                            </button>
                          </div>`
                      }
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
          : nothing
      }`;
  }
}

customElements.get('sc-dashboard-referrers') || customElements.define('sc-dashboard-referrers', ReferrersView);
