/**
 * `<sc-dashboard-conversions>`: each order, newest first, with its attribution explained in words
 * from the explanation the worker stored when it decided the order (which click or code, through
 * which channel, the rule and the amount, why it is held).
 */
import { html, nothing } from 'lit';
import type { Conversion, ManagedReferrer } from '../../wire.js';
import { query } from '../dashboard-api.js';
import { PagedView } from '../paged-view.js';
import { messages, type DashboardKey } from '../dashboard.messages.js';

interface Explanation {
  attribution?: { source?: string; reason?: string; referrerId?: string | null; windowEndsAt?: number | null };
  click?: { channel?: string; createdAt?: number } | null;
  program?: { kind?: string; rateBps?: number; flatMinor?: number; windowDays?: number };
  hold?: { reason?: string; until?: number } | null;
  referrerRateBps?: number;
}

/**
 * @tagname sc-dashboard-conversions
 * @summary Orders with their attribution explanation.
 */
export class ConversionsView extends PagedView<Conversion> {
  static override properties = { ...PagedView.properties, names: { state: true } };
  private names = new Map<string, string>();

  protected path(after?: string): string {
    return `/v1/conversions${query({ limit: 50, starting_after: after })}`;
  }

  protected override async load(): Promise<void> {
    const [, referrers] = await Promise.all([
      this.firstPage(),
      this.api!.request<{ data: ManagedReferrer[] }>('GET', '/v1/referrers?limit=500'),
    ]);
    this.names = new Map(referrers.data.map((r) => [r.id, r.displayName ?? r.vanityCode ?? r.code]));
  }

  /** A stored reason code in words (unknown codes as they are, e.g. `self_referral:email`). */
  private reason(code: string): string {
    const key = `reason_${code}` as DashboardKey;
    return key in messages.en ? this.t(key) : code;
  }

  /** The explanation of one order, in sentences. */
  private explain(c: Conversion): string[] {
    const e = c.explanation as Explanation;
    const who = (c.referrerId && this.names.get(c.referrerId)) || c.referrerId || '';
    const out: string[] = [];
    const source = e.attribution?.source ?? c.source;
    if (source === 'click')
      out.push(
        this.t('ex_click', {
          who,
          channel: this.channel(e.click?.channel ?? 'other'),
          date: e.click?.createdAt ? this.date(e.click.createdAt, true) : '–',
          days: e.program?.windowDays ?? 30,
        }),
      );
    else if (source === 'code') out.push(this.t('ex_code', { who }));
    else if (source === 'coupon') out.push(this.t('ex_coupon', { who }));
    else {
      const reason = e.attribution?.reason ?? 'no_referral';
      out.push(this.t('ex_none', { reason: this.reason(reason) }));
    }
    if (c.referrerId && e.program) {
      const rate =
        e.program.kind === 'percent' ? `${(e.program.rateBps ?? 0) / 100}%` : this.money(e.program.flatMinor ?? 0, c.currency);
      out.push(this.t('ex_rule', { rule: rate, amount: this.money(c.commissionMinor, c.currency) }));
    }
    if (e.hold?.reason) {
      out.push(this.t('ex_hold', { reason: this.reason(e.hold.reason) }));
    } else if (e.hold?.until) out.push(this.t('ex_release', { date: this.date(e.hold.until) }));
    out.push(this.t(c.verified ? 'verified' : 'unverified'));
    return out;
  }

  protected override render() {
    return html`<h2>${this.t('viewConversions')}</h2>
      ${this.status()}
      ${this.rows.length === 0 && !this.loading ? html`<p>${this.t('noData')}</p>` : nothing}
      <ul class="orders" data-testid="conversions" style="list-style:none;padding:0;margin:0">
        ${this.rows.map(
          (c) => html`<li class="card" style="margin-bottom:0.5rem" data-order=${c.orderId}>
            <div class="row" style="justify-content:space-between">
              <strong>${c.orderId}</strong>
              <span>${this.money(c.amountMinor, c.currency)}</span>
            </div>
            <div class="row muted">
              <span>${this.date(c.createdAt, true)}</span>
              <span class="badge">${this.t(`st_${c.commissionStatus}` as DashboardKey)}</span>
              ${c.commissionMinor ? html`<span>${this.t('commission')}: ${this.money(c.commissionMinor, c.currency)}</span>` : nothing}
            </div>
            <details>
              <summary>${this.t('explain')}</summary>
              <ul class="explanation">
                ${this.explain(c).map((line) => html`<li>${line}</li>`)}
              </ul>
            </details>
          </li>`,
        )}
      </ul>
      ${this.moreButton()}`;
  }
}

customElements.get('sc-dashboard-conversions') || customElements.define('sc-dashboard-conversions', ConversionsView);
