/**
 * `<sc-dashboard-teams>`: the shop's team-buy teams (`GET /v1/teams`), newest first, filtered by
 * status — open (with spots left and the deadline), complete (capture each member's payment at the
 * final price) and expired or cancelled (release every authorization) — each with its members, their
 * orders and the team's `team.completed` / `team.expired` event.
 */
import { html, nothing } from 'lit';
import type { TeamRecord } from '../../wire.js';
import { query } from '../dashboard-api.js';
import { PagedView } from '../paged-view.js';
import type { DashboardKey } from '../dashboard.messages.js';

const STATUSES = ['open', 'complete', 'expired', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

/**
 * @tagname sc-dashboard-teams
 * @summary Team-buy teams: open, complete and expired, with members and their orders.
 */
export class TeamsView extends PagedView<TeamRecord> {
  static override properties = { ...PagedView.properties, shown: { state: true } };
  /** The teams shown: one status, or every one (''). */
  private shown: Status | '' = '';

  protected path(after?: string): string {
    return `/v1/teams${query({ limit: 25, status: this.shown || undefined, starting_after: after })}`;
  }

  private filter(e: Event): void {
    this.shown = (e.target as HTMLSelectElement).value as Status | '';
    void this.reload();
  }

  private statusLabel(s: string): string {
    return this.t(`team_${s}` as DashboardKey);
  }

  /** What the shop does next with the members' payments. */
  private nextStep(t: TeamRecord): string {
    if (t.status === 'complete') return this.t('teamCapture', { price: this.money(t.priceMinor, t.currency) });
    if (t.status === 'open') return this.t('teamOpenUntil', { spots: t.spotsLeft, deadline: this.date(t.deadlineAt, true) });
    return this.t('teamRelease');
  }

  private team(t: TeamRecord) {
    const current = t.memberRecords.filter((m) => m.leftAt == null);
    return html`<li class="card" style="margin-bottom:0.5rem" data-team=${t.id} data-status=${t.status}>
      <div class="row" style="justify-content:space-between">
        <strong>${t.sku} · ${this.t('teamOf', { name: t.leaderName ?? this.t('teamNoName') })}</strong>
        <span>${this.money(t.priceMinor, t.currency)}</span>
      </div>
      <div class="row muted">
        <span class="badge">${this.statusLabel(t.status)}</span>
        <span>${this.t('teamMembersCount', { members: t.memberCount, min: t.size.min, max: t.size.max })}</span>
        <span>${this.t('teamSolo', { price: this.money(t.soloPriceMinor, t.currency) })}</span>
      </div>
      <p>${this.nextStep(t)}</p>
      <details>
        <summary>${this.t('teamMembers')}</summary>
        <div class="scroll" tabindex="0" role="region" aria-label=${this.t('teamMembers')}>
          <table>
            <caption class="sr-only">${this.t('teamMembers')}</caption>
            <thead>
              <tr>
                <th scope="col">${this.t('teamMember')}</th>
                <th scope="col">${this.t('teamJoined')}</th>
                <th scope="col">${this.t('teamOrder')}</th>
                <th scope="col" class="num">${this.t('teamPaid')}</th>
              </tr>
            </thead>
            <tbody>
              ${current.map(
                (m) => html`<tr data-member=${m.memberId}>
                  <th scope="row">
                    ${m.name ?? this.t('teamNoName')}${m.role === 'leader' ? html` · ${this.t('teamLeader')}` : nothing}
                  </th>
                  <td>${this.date(m.joinedAt, true)}</td>
                  <td>${m.orderId ?? this.t('teamNoOrder')}</td>
                  <td class="num">${m.paidMinor == null ? '—' : this.money(m.paidMinor, t.currency)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <p class="muted">
          ${this.t('teamStarted', { date: this.date(t.createdAt, true) })}
          ${t.events.map((e) => html` · <code>${e.type}</code>`)}
        </p>
      </details>
    </li>`;
  }

  protected override render() {
    return html`<h2>${this.t('viewTeams')}</h2>
      <p class="muted">${this.t('teamsHelp')}</p>
      <label for="team-status">${this.t('teamStatus')}</label>
      <select id="team-status" @change=${this.filter}>
        <option value="" ?selected=${this.shown === ''}>${this.t('teamAll')}</option>
        ${STATUSES.map((s) => html`<option value=${s} ?selected=${this.shown === s}>${this.statusLabel(s)}</option>`)}
      </select>
      ${this.status()} ${!this.loading && !this.failure && this.rows.length === 0 ? html`<p>${this.t('noData')}</p>` : ''}
      ${
        this.rows.length
          ? html`<ul data-testid="teams" style="list-style:none;padding:0;margin:0">
            ${this.rows.map((t) => this.team(t))}
          </ul>`
          : ''
      }
      ${this.moreButton()}`;
  }
}

customElements.get('sc-dashboard-teams') || customElements.define('sc-dashboard-teams', TeamsView);
