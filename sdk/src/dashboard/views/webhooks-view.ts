/**
 * `<sc-dashboard-webhooks>`: where the shop's server receives ShareCart's signed events (the webhook
 * URL: `PUT /v1/webhooks`), and the deliveries (`GET /v1/webhooks/deliveries`) — pending, delivered,
 * and the events not delivered within 3 days (dead letters), each with a button that sends it again
 * (`POST /v1/webhooks/deliveries/{id}/retry`).
 */
import { html, nothing } from 'lit';
import type { WebhookDelivery, WebhookEndpoint } from '../../wire.js';
import { query, type ScError } from '../dashboard-api.js';
import { PagedView } from '../paged-view.js';
import type { DashboardKey } from '../dashboard.messages.js';

const STATUSES = ['pending', 'delivered', 'dead'] as const;
type Status = (typeof STATUSES)[number];

/**
 * @tagname sc-dashboard-webhooks
 * @summary Webhooks: the URL events go to, and the deliveries with a retry for the failed ones.
 */
export class WebhooksView extends PagedView<WebhookDelivery> {
  static override properties = {
    ...PagedView.properties,
    endpoint: { state: true },
    shown: { state: true },
    notice: { state: true },
    urlError: { state: true },
    working: { state: true },
  };
  private endpoint: WebhookEndpoint | null = null;
  /** The deliveries shown: one status, or every one (''). */
  private shown: Status | '' = '';
  private notice = '';
  private urlError = '';
  private working = false;

  protected path(after?: string): string {
    return `/v1/webhooks/deliveries${query({ limit: 50, status: this.shown || undefined, starting_after: after })}`;
  }

  protected override async load(): Promise<void> {
    const [endpoint] = await Promise.all([
      this.api!.request<{ endpoint: WebhookEndpoint }>('GET', '/v1/webhooks'),
      this.firstPage(),
    ]);
    this.endpoint = endpoint.endpoint;
  }

  private async saveUrl(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const url = ((new FormData(e.target as HTMLFormElement).get('url') as string) ?? '').trim();
    this.working = true;
    this.notice = '';
    this.urlError = '';
    try {
      this.endpoint = (
        await this.api!.request<{ endpoint: WebhookEndpoint }>('PUT', '/v1/webhooks', { url: url || null })
      ).endpoint;
      this.notice = this.t('saved');
    } catch (err) {
      this.urlError = (err as ScError).message;
    } finally {
      this.working = false;
    }
  }

  private filter(e: Event): void {
    this.shown = (e.target as HTMLSelectElement).value as Status | '';
    void this.reload();
  }

  private async retry(d: WebhookDelivery): Promise<void> {
    this.working = true;
    this.notice = '';
    try {
      const { delivery } = await this.api!.request<{ delivery: WebhookDelivery }>(
        'POST',
        `/v1/webhooks/deliveries/${encodeURIComponent(d.id)}/retry`,
      );
      this.rows = this.rows.map((r) => (r.id === delivery.id ? delivery : r));
      this.notice = this.t('retried');
    } catch (err) {
      this.failure = err as ScError;
    } finally {
      this.working = false;
    }
  }

  private answer(d: WebhookDelivery): string {
    if (d.attempts === 0) return '';
    if (d.lastStatus !== null) return `HTTP ${d.lastStatus}${d.lastError ? ` · ${d.lastError}` : ''}`;
    return d.lastError ?? this.t('noAnswer');
  }

  protected override render() {
    const e = this.endpoint;
    return html`<h2>${this.t('viewWebhooks')}</h2>
      ${this.status()} ${this.notice ? html`<p role="status">${this.notice}</p>` : nothing}
      <form class="card" data-testid="webhook-form" @submit=${this.saveUrl} aria-labelledby="url-label">
        <label id="url-label" for="url">${this.t('webhookUrl')}</label>
        <input
          id="url"
          name="url"
          type="url"
          inputmode="url"
          autocomplete="off"
          spellcheck="false"
          placeholder="https://"
          .value=${e?.url ?? ''}
          aria-describedby="url-help url-error"
          aria-invalid=${this.urlError ? 'true' : 'false'}
        />
        <p class="muted" id="url-help">${this.t('webhookHelp', { events: (e?.eventTypes ?? []).join(', ') })}</p>
        <p class="error" id="url-error" role="alert">${this.urlError}</p>
        <p><button ?disabled=${this.working}>${this.t('save')}</button></p>
      </form>

      <h3>${this.t('deliveries')}</h3>
      <p class="muted">${this.t('deadHelp')}</p>
      <div class="row">
        <label for="status">${this.t('deliveryStatus')}</label>
        <select id="status" style="width:auto" @change=${this.filter}>
          <option value="" ?selected=${this.shown === ''}>${this.t('all')}</option>
          ${STATUSES.map((s) => html`<option value=${s} ?selected=${this.shown === s}>${this.t(`ds_${s}` as DashboardKey)}</option>`)}
        </select>
      </div>
      ${this.rows.length === 0 && !this.loading ? html`<p data-testid="no-deliveries">${this.t('noData')}</p>` : nothing}
      ${
        this.rows.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${this.t('deliveries')}>
            <table data-testid="deliveries">
              <caption class="sr-only">${this.t('deliveries')}</caption>
              <thead>
                <tr>
                  <th scope="col">${this.t('date')}</th>
                  <th scope="col">${this.t('event')}</th>
                  <th scope="col">${this.t('deliveryStatus')}</th>
                  <th scope="col" class="num">${this.t('attempts')}</th>
                  <th scope="col">${this.t('lastAnswer')}</th>
                  <th scope="col"><span class="sr-only">${this.t('retryDelivery')}</span></th>
                </tr>
              </thead>
              <tbody>
                ${this.rows.map(
                  (d) => html`<tr data-event=${d.id} data-status=${d.status}>
                    <td>${this.date(d.createdAt, true)}</td>
                    <th scope="row"><code>${d.type}</code></th>
                    <td><span class="badge">${this.t(`ds_${d.status}` as DashboardKey)}</span></td>
                    <td class="num">${d.attempts}</td>
                    <td>${this.answer(d)}</td>
                    <td>
                      ${
                        d.status === 'pending'
                          ? nothing
                          : html`<button
                            class="secondary"
                            data-action="retry"
                            aria-label=${`${this.t(d.status === 'dead' ? 'retryDelivery' : 'sendAgain')}: ${d.type} ${this.date(d.createdAt, true)}`}
                            ?disabled=${this.working}
                            @click=${() => this.retry(d)}
                          >
                            ${this.t(d.status === 'dead' ? 'retryDelivery' : 'sendAgain')}
                          </button>`
                      }
                    </td>
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

customElements.get('sc-dashboard-webhooks') || customElements.define('sc-dashboard-webhooks', WebhooksView);
