/**
 * `<sc-dashboard-funnel>`: shares → clicks → orders → commission for a period — totals with the
 * rate of each step, the funnel over time and by channel (WhatsApp, Instagram, Facebook, WeChat…)
 * as uPlot charts, and the same numbers in tables. Days are counted in the browser's time zone.
 */
import { html, nothing } from 'lit';
import type uPlot from 'uplot';
import type { Funnel } from '../../wire.js';
import { query } from '../dashboard-api.js';
import { DashboardView } from '../dashboard-view.js';
import { chartStyles, drawChannels, drawFunnel } from './funnel-chart.js';

const DAY = 86_400_000;

/**
 * @tagname sc-dashboard-funnel
 * @summary The funnel: shares → clicks → orders → commission, over time and by channel.
 */
export class FunnelView extends DashboardView {
  static override styles = [...DashboardView.styles, ...chartStyles];
  static override properties = { ...DashboardView.properties, days: { state: true }, funnel: { state: true } };

  private days = 30;
  private funnel: Funnel | null = null;
  private charts: uPlot[] = [];

  protected override async load(): Promise<void> {
    const to = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
    const tz = -new Date().getTimezoneOffset();
    this.funnel = await this.api!.request<Funnel>(
      'GET',
      `/v1/stats/funnel${query({ from: to - this.days * DAY, to, tzOffsetMinutes: Math.round(tz / 15) * 15 })}`,
    );
  }

  private pct(part: number, whole: number): string {
    return whole > 0
      ? new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: 1 }).format(part / whole)
      : '–';
  }

  protected override updated(changed: Map<string, unknown>): void {
    super.updated(changed);
    if (changed.has('funnel') || changed.has('locale')) this.draw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  private draw(): void {
    const f = this.funnel;
    const time = this.renderRoot.querySelector<HTMLElement>('#over-time');
    const channels = this.renderRoot.querySelector<HTMLElement>('#by-channel');
    if (!f || !time || !channels) return;
    for (const c of this.charts) c.destroy();
    const exponent =
      new Intl.NumberFormat('en', { style: 'currency', currency: f.currency }).resolvedOptions().maximumFractionDigits ?? 2;
    const labels = {
      shares: this.t('shares'),
      clicks: this.t('clicks'),
      orders: this.t('orders'),
      commission: this.t('commission'),
    };
    const money = (major: number) => this.money(Math.round(major * 10 ** exponent), f.currency);
    this.charts = [
      drawFunnel(
        time,
        {
          x: f.days.map((d) => Date.parse(d.date) / 1000),
          shares: f.days.map((d) => d.shares),
          clicks: f.days.map((d) => d.clicks),
          orders: f.days.map((d) => d.orders),
          commission: f.days.map((d) => d.commissionMinor / 10 ** exponent),
        },
        labels,
        money,
      ),
      drawChannels(
        channels,
        f.channels.map((c) => this.channel(c.channel)),
        f.channels.map((c) => c.clicks),
        f.channels.map((c) => c.orders),
        labels,
      ),
    ];
  }

  private setDays(e: Event): void {
    this.days = Number((e.target as HTMLSelectElement).value);
    void this.reload();
  }

  protected override render() {
    const f = this.funnel;
    const t = f?.totals;
    return html`
      <h2>${this.t('viewFunnel')}</h2>
      <div class="row">
        <label for="range">${this.t('range')}</label>
        <select id="range" style="width:auto" @change=${this.setDays}>
          ${[7, 30, 90].map((d) => html`<option value=${d} ?selected=${d === this.days}>${this.t(`range${d}` as 'range7')}</option>`)}
        </select>
      </div>
      ${this.status()}
      ${
        t
          ? html`<div class="cards" data-testid="totals">
            <div class="card"><div class="muted">${this.t('shares')}</div><div class="figure" data-figure="shares">${t.shares}</div></div>
            <div class="card">
              <div class="muted">${this.t('clicks')}</div>
              <div class="figure" data-figure="clicks">${t.clicks}</div>
            </div>
            <div class="card">
              <div class="muted">${this.t('orders')}</div>
              <div class="figure" data-figure="orders">${t.orders}</div>
              <div class="muted">${this.t('rate', { rate: this.pct(t.orders, t.clicks), from: this.t('clicks') })}</div>
            </div>
            <div class="card">
              <div class="muted">${this.t('revenue')}</div>
              <div class="figure" data-figure="revenue">${this.money(t.revenueMinor)}</div>
            </div>
            <div class="card">
              <div class="muted">${this.t('commission')}</div>
              <div class="figure" data-figure="commission">${this.money(t.commissionMinor)}</div>
            </div>
          </div>`
          : nothing
      }
      <h3>${this.t('overTime')}</h3>
      <div id="over-time" class="chart" role="img" aria-label=${this.t('chartSummary')}></div>
      <h3>${this.t('byChannel')}</h3>
      <div id="by-channel" class="chart" role="img" aria-label=${this.t('channelSummary')}></div>
      ${
        f
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${this.t('byChannel')}>
              <table data-testid="channels">
                <caption>${this.t('byChannel')}</caption>
                <thead><tr><th scope="col">${this.t('channel')}</th><th scope="col" class="num">${this.t('shares')}</th><th scope="col" class="num">${this.t('clicks')}</th><th scope="col" class="num">${this.t('orders')}</th><th scope="col" class="num">${this.t('commission')}</th></tr></thead>
                <tbody>
                  ${f.channels.map(
                    (c) =>
                      html`<tr data-channel=${c.channel}><th scope="row">${this.channel(c.channel)}</th><td class="num">${c.shares}</td><td class="num">${c.clicks}</td><td class="num">${c.orders}</td><td class="num">${this.money(c.commissionMinor)}</td></tr>`,
                  )}
                </tbody>
              </table>
            </div>
            <div class="scroll" tabindex="0" role="region" aria-label=${this.t('overTime')}>
              <table data-testid="days">
                <caption>${this.t('overTime')}</caption>
                <thead><tr><th scope="col">${this.t('day')}</th><th scope="col" class="num">${this.t('shares')}</th><th scope="col" class="num">${this.t('clicks')}</th><th scope="col" class="num">${this.t('orders')}</th><th scope="col" class="num">${this.t('commission')}</th></tr></thead>
                <tbody>
                  ${[...f.days]
                    .reverse()
                    .map(
                      (d) =>
                        html`<tr><th scope="row">${this.day(d.date)}</th><td class="num">${d.shares}</td><td class="num">${d.clicks}</td><td class="num">${d.orders}</td><td class="num">${this.money(d.commissionMinor)}</td></tr>`,
                    )}
                </tbody>
              </table>
            </div>`
          : nothing
      }
    `;
  }
}

customElements.get('sc-dashboard-funnel') || customElements.define('sc-dashboard-funnel', FunnelView);
