/**
 * `<sc-dashboard-payouts>`: the referrers due a payout (available balance at or above the shop's
 * threshold), payout batches, their files to upload — the PayPal Payouts CSV and a bank/FPS CSV
 * (PayPal is never the only rail) — and "mark paid", which writes the payouts to the ledger once.
 */
import { html, nothing } from 'lit';
import type { DuePayouts, PayoutBatch } from '../../wire.js';
import type { ScError } from '../dashboard-api.js';
import { DashboardView } from '../dashboard-view.js';
import type { DashboardKey } from '../dashboard.messages.js';

/**
 * @tagname sc-dashboard-payouts
 * @summary Payouts: who is due, batches, PayPal and bank/FPS files, mark paid.
 */
export class PayoutsView extends DashboardView {
  static override properties = {
    ...DashboardView.properties,
    due: { state: true },
    batches: { state: true },
    open: { state: true },
    working: { state: true },
  };
  private due: DuePayouts | null = null;
  private batches: PayoutBatch[] = [];
  private open: PayoutBatch | null = null;
  private working = false;

  protected override async load(): Promise<void> {
    const [due, batches] = await Promise.all([
      this.api!.request<DuePayouts>('GET', '/v1/payouts/due'),
      this.api!.request<{ data: PayoutBatch[] }>('GET', '/v1/payouts/batches'),
    ]);
    this.due = due;
    this.batches = batches.data;
    if (this.open) await this.show(this.open.id);
  }

  private async run(task: () => Promise<void>): Promise<void> {
    this.working = true;
    this.failure = null;
    try {
      await task();
    } catch (e) {
      this.failure = e as ScError;
    } finally {
      this.working = false;
    }
  }

  private async show(id: string): Promise<void> {
    this.open = (await this.api!.request<{ batch: PayoutBatch }>('GET', `/v1/payouts/batches/${id}`)).batch;
  }

  private create = () =>
    this.run(async () => {
      this.open = (await this.api!.request<{ batch: PayoutBatch }>('POST', '/v1/payouts/batches', {})).batch;
      await this.load();
    });

  private file = (kind: 'paypal' | 'bank') =>
    this.run(async () => {
      const id = this.open!.id;
      this.download(`${id}-${kind}.csv`, await this.api!.text(`/v1/payouts/batches/${id}/${kind}.csv`), 'text/csv');
    });

  private markPaid = async () => {
    const b = this.open!;
    if (!(await this.ask(this.t('confirmPaid', { count: b.itemCount, amount: this.money(b.totalMinor, b.currency) })))) return;
    return this.run(async () => {
      this.open = (await this.api!.request<{ batch: PayoutBatch }>('POST', `/v1/payouts/batches/${b.id}/mark-paid`, {})).batch;
      await this.load();
    });
  };

  private cancel = () =>
    this.run(async () => {
      this.open = (
        await this.api!.request<{ batch: PayoutBatch }>('POST', `/v1/payouts/batches/${this.open!.id}/cancel`, {})
      ).batch;
      await this.load();
    });

  private renderBatch(b: PayoutBatch) {
    return html`<section class="card" data-testid="batch" data-batch=${b.id} aria-labelledby="batch-title">
      <h3 id="batch-title">${this.t('batch')} <code>${b.id}</code></h3>
      <p class="row">
        <span class="badge" data-status=${b.status}>${this.t(`bs_${b.status}` as DashboardKey)}</span>
        <span>${this.t('total')}: <strong>${this.money(b.totalMinor, b.currency)}</strong></span>
        <span>${this.t('items')}: ${b.itemCount}</span>
      </p>
      <div class="scroll" tabindex="0" role="region" aria-label=${this.t('items')}>
        <table>
          <caption class="sr-only">${this.t('items')}</caption>
          <thead><tr><th scope="col">${this.t('referrer')}</th><th scope="col">${this.t('paidBy')}</th><th scope="col" class="num">${this.t('amount')}</th></tr></thead>
          <tbody>
            ${b.items.map(
              (i) =>
                html`<tr><th scope="row">${i.displayName ?? i.code}</th><td>${this.t(`rail_${i.rail}` as DashboardKey)}</td><td class="num">${this.money(i.amountMinor, b.currency)}</td></tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p class="row">
        <button class="secondary" data-action="paypal" ?disabled=${this.working} @click=${() => this.file('paypal')}>${this.t('downloadPaypal')}</button>
        <button class="secondary" data-action="bank" ?disabled=${this.working} @click=${() => this.file('bank')}>${this.t('downloadBank')}</button>
        ${
          b.status === 'open'
            ? html`<button data-action="mark-paid" ?disabled=${this.working} @click=${this.markPaid}>${this.t('markPaid')}</button>
              <button class="danger" data-action="cancel" ?disabled=${this.working} @click=${this.cancel}>${this.t('cancelBatch')}</button>`
            : nothing
        }
      </p>
    </section>`;
  }

  protected override render() {
    const due = this.due;
    return html`<h2>${this.t('viewPayouts')}</h2>
      ${this.status()}
      <h3>${this.t('due')}</h3>
      ${due ? html`<p class="muted">${this.t('threshold', { amount: this.money(due.thresholdMinor, due.currency) })}</p>` : nothing}
      ${due && due.data.length === 0 ? html`<p data-testid="nothing-due">${this.t('nothingDue')}</p>` : nothing}
      ${
        due?.data.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${this.t('due')}>
              <table data-testid="due">
                <caption class="sr-only">${this.t('due')}</caption>
                <thead><tr><th scope="col">${this.t('referrer')}</th><th scope="col">${this.t('paidBy')}</th><th scope="col" class="num">${this.t('available')}</th></tr></thead>
                <tbody>
                  ${due.data.map(
                    (d) =>
                      html`<tr data-referrer=${d.referrerId}><th scope="row">${d.displayName ?? d.code}</th><td>${this.t(`rail_${d.rail}` as DashboardKey)}</td><td class="num">${this.money(d.availableMinor, d.currency)}</td></tr>`,
                  )}
                </tbody>
              </table>
            </div>
            <p><button data-action="create-batch" ?disabled=${this.working} @click=${this.create}>${this.t('createBatch')}</button></p>`
          : nothing
      }
      ${this.open ? this.renderBatch(this.open) : nothing}
      <h3>${this.t('batches')}</h3>
      ${this.batches.length === 0 ? html`<p class="muted">${this.t('noData')}</p>` : nothing}
      <ul style="list-style:none;padding:0">
        ${this.batches.map(
          (b) => html`<li class="row" style="margin-bottom:0.25rem">
            <button class="secondary" data-batch=${b.id} @click=${() => this.run(() => this.show(b.id))}>
              ${this.date(b.createdAt, true)} · ${this.money(b.totalMinor, b.currency)} · ${this.t(`bs_${b.status}` as DashboardKey)}
            </button>
          </li>`,
        )}
      </ul>`;
  }
}

customElements.get('sc-dashboard-payouts') || customElements.define('sc-dashboard-payouts', PayoutsView);
