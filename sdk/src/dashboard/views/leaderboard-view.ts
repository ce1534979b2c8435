/** `<sc-dashboard-leaderboard>`: the referrers who earned most in the last 30 days (commission, then orders, then clicks). */
import { html } from 'lit';
import type { Leaderboard } from '../../wire.js';
import { query } from '../dashboard-api.js';
import { DashboardView } from '../dashboard-view.js';

/**
 * @tagname sc-dashboard-leaderboard
 * @summary The referrers' leaderboard.
 */
export class LeaderboardView extends DashboardView {
  static override properties = { ...DashboardView.properties, board: { state: true } };
  private board: Leaderboard | null = null;

  protected override async load(): Promise<void> {
    const to = Date.now();
    this.board = await this.api!.request<Leaderboard>(
      'GET',
      `/v1/stats/leaderboard${query({ from: to - 30 * 86_400_000, to, limit: 25 })}`,
    );
  }

  protected override render() {
    const rows = this.board?.data ?? [];
    return html`<h2>${this.t('viewLeaderboard')}</h2>
      <p class="muted">${this.t('range30')}</p>
      ${this.status()}
      ${this.board && rows.length === 0 ? html`<p>${this.t('noData')}</p>` : ''}
      ${
        rows.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${this.t('viewLeaderboard')}>
            <table data-testid="leaderboard">
              <caption class="sr-only">${this.t('viewLeaderboard')}</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">${this.t('rank')}</th>
                  <th scope="col">${this.t('referrer')}</th>
                  <th scope="col" class="num">${this.t('clicks')}</th>
                  <th scope="col" class="num">${this.t('orders')}</th>
                  <th scope="col" class="num">${this.t('revenue')}</th>
                  <th scope="col" class="num">${this.t('commission')}</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (r) => html`<tr data-referrer=${r.referrer.id}>
                    <td class="num">${r.rank}</td>
                    <th scope="row">${r.referrer.displayName ?? r.referrer.vanityCode ?? r.referrer.code}</th>
                    <td class="num">${r.clicks}</td>
                    <td class="num">${r.orders}</td>
                    <td class="num">${this.money(r.revenueMinor)}</td>
                    <td class="num">${this.money(r.commissionMinor)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
          : ''
      }`;
  }
}

customElements.get('sc-dashboard-leaderboard') || customElements.define('sc-dashboard-leaderboard', LeaderboardView);
