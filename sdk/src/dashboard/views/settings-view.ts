/**
 * `<sc-dashboard-settings>`: the commission program (rate, hold, window, model, friend reward), the
 * shop's settings (disclosure, consent mode, verified-buyer-only referrers, approval, browser
 * orders, payout threshold, allowed origins), the script tag to paste, and the dashboard's sign-in
 * links (new, revoke). The webhook URL is set elsewhere for now.
 */
import { html, nothing } from 'lit';
import type { DashboardToken, Program, Shop, ShopUpdate } from '../../wire.js';
import type { ScError } from '../dashboard-api.js';
import { DashboardView } from '../dashboard-view.js';

/**
 * @tagname sc-dashboard-settings
 * @summary Program, shop settings, the script tag and dashboard access.
 */
export class SettingsView extends DashboardView {
  static override properties = {
    ...DashboardView.properties,
    program: { state: true },
    settings: { state: true },
    tokens: { state: true },
    notice: { state: true },
    newLink: { state: true },
  };
  private program: Program | null = null;
  private settings: Shop | null = null;
  private tokens: DashboardToken[] = [];
  private notice = '';
  private newLink = '';
  private publishableKey: string | null = null;

  protected override async load(): Promise<void> {
    const [program, shop, tokens] = await Promise.all([
      this.api!.request<{ program: Program }>('GET', '/v1/program'),
      this.api!.request<{ shop: Shop; publishableKey: string | null }>('GET', '/v1/shop'),
      this.api!.request<{ data: DashboardToken[] }>('GET', '/v1/dashboard-tokens'),
    ]);
    this.program = program.program;
    this.settings = shop.shop;
    this.publishableKey = shop.publishableKey;
    this.tokens = tokens.data;
  }

  private get exponent(): number {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: this.settings?.currency ?? 'HKD' }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  }

  private async saveProgram(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const num = (k: string) => Number(f.get(k));
    const friendKind = f.get('friendKind') as Program['friendReward']['kind'];
    const body: Partial<Program> = {
      kind: f.get('kind') as Program['kind'],
      rateBps: Math.round(num('rate') * 100),
      flatMinor: Math.round(num('flat') * 10 ** this.exponent),
      holdDays: num('holdDays'),
      windowDays: num('windowDays'),
      model: f.get('model') as Program['model'],
      friendReward: {
        kind: friendKind,
        value:
          friendKind === 'percent'
            ? Math.round(num('friendValue') * 100)
            : friendKind === 'flat'
              ? Math.round(num('friendValue') * 10 ** this.exponent)
              : 0,
      },
    };
    await this.save(async () => {
      this.program = (await this.api!.request<{ program: Program }>('PUT', '/v1/program', body)).program;
    });
  }

  private async saveShop(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const on = (k: string) => f.get(k) === 'on';
    const body: ShopUpdate = {
      name: (f.get('name') as string).trim(),
      disclosure: (f.get('disclosure') as string).trim() || null,
      consentMode: on('consent') ? 'required' : 'off',
      verifiedBuyersOnly: on('verifiedOnly'),
      referrerApproval: on('approval'),
      allowBrowserConversions: on('browserOrders'),
      payoutThresholdMinor: Math.round(Number(f.get('threshold')) * 10 ** this.exponent),
      allowedOrigins: (f.get('origins') as string)
        .split(/\s+/)
        .map((o) => o.trim())
        .filter(Boolean),
    };
    await this.save(async () => {
      this.settings = (await this.api!.request<{ shop: Shop }>('PATCH', '/v1/shop', body)).shop;
    });
  }

  private async save(task: () => Promise<void>): Promise<void> {
    this.notice = '';
    this.failure = null;
    try {
      await task();
      this.notice = this.t('saved');
    } catch (e) {
      this.failure = e as ScError;
    }
  }

  private async newToken(): Promise<void> {
    await this.save(async () => {
      const created = await this.api!.request<{ signInUrl: string; dashboardToken: DashboardToken }>(
        'POST',
        '/v1/dashboard-tokens',
        {
          label: 'Dashboard',
        },
      );
      this.newLink = created.signInUrl;
      this.tokens = [created.dashboardToken, ...this.tokens];
    });
  }

  private async revoke(t: DashboardToken): Promise<void> {
    await this.save(async () => {
      const { dashboardToken } = await this.api!.request<{ dashboardToken: DashboardToken }>(
        'POST',
        `/v1/dashboard-tokens/${t.id}/revoke`,
        {},
      );
      this.tokens = this.tokens.map((x) => (x.id === t.id ? dashboardToken : x));
    });
  }

  private snippet(s: Shop): string {
    const pk = this.publishableKey ?? 'pk_…';
    return `<script type="module" src="${this.api!.base}/sdk/sharecart.js" data-shop="${pk}"${s.consentMode === 'required' ? ' data-consent="required"' : ''}></script>`;
  }

  protected override render() {
    const p = this.program;
    const s = this.settings;
    const major = (minor: number) => String(minor / 10 ** this.exponent);
    return html`<h2>${this.t('viewSettings')}</h2>
      ${this.status()} ${this.notice ? html`<p role="status">${this.notice}</p>` : nothing}
      ${
        p
          ? html`<form class="card" data-testid="program-form" @submit=${this.saveProgram} aria-labelledby="program-title">
            <h3 id="program-title">${this.t('program')}</h3>
            <label for="kind">${this.t('kind')}</label>
            <select id="kind" name="kind">
              <option value="percent" ?selected=${p.kind === 'percent'}>${this.t('percent')}</option>
              <option value="flat" ?selected=${p.kind === 'flat'}>${this.t('flat')}</option>
            </select>
            <label for="rate">${this.t('rateLabel')}</label>
            <input id="rate" name="rate" type="number" min="0" max="100" step="0.01" .value=${String(p.rateBps / 100)} />
            <label for="flat">${this.t('flatLabel')}</label>
            <input id="flat" name="flat" type="number" min="0" step="any" .value=${major(p.flatMinor)} />
            <label for="holdDays">${this.t('holdDays')}</label>
            <input id="holdDays" name="holdDays" type="number" min="0" max="365" .value=${String(p.holdDays)} />
            <label for="windowDays">${this.t('windowDays')}</label>
            <input id="windowDays" name="windowDays" type="number" min="1" max="365" .value=${String(p.windowDays)} />
            <label for="model">${this.t('model')}</label>
            <select id="model" name="model">
              <option value="last_click" ?selected=${p.model === 'last_click'}>${this.t('lastClick')}</option>
              <option value="first_click" ?selected=${p.model === 'first_click'}>${this.t('firstClick')}</option>
            </select>
            <label for="friendKind">${this.t('friendReward')}</label>
            <select id="friendKind" name="friendKind">
              <option value="none" ?selected=${p.friendReward.kind === 'none'}>${this.t('friendNone')}</option>
              <option value="percent" ?selected=${p.friendReward.kind === 'percent'}>${this.t('friendPercent')}</option>
              <option value="flat" ?selected=${p.friendReward.kind === 'flat'}>${this.t('friendFlat')}</option>
            </select>
            <label for="friendValue">${this.t('friendValue')}</label>
            <input
              id="friendValue"
              name="friendValue"
              type="number"
              min="0"
              step="any"
              .value=${p.friendReward.kind === 'percent' ? String(p.friendReward.value / 100) : major(p.friendReward.value)}
            />
            <p><button>${this.t('save')}</button></p>
          </form>`
          : nothing
      }
      ${
        s
          ? html`<form class="card" data-testid="shop-form" @submit=${this.saveShop} aria-labelledby="shop-title">
            <h3 id="shop-title">${this.t('shopSettings')}</h3>
            <label for="name">${this.t('shopName')}</label>
            <input id="name" name="name" required maxlength="120" .value=${s.name} />
            <label for="disclosure">${this.t('disclosure')}</label>
            <textarea id="disclosure" name="disclosure" rows="2" maxlength="500" .value=${s.disclosure ?? ''}></textarea>
            <label class="check"><input type="checkbox" name="consent" ?checked=${s.consentMode === 'required'} />${this.t('consentMode')}</label>
            <label class="check"><input type="checkbox" name="verifiedOnly" ?checked=${s.verifiedBuyersOnly} />${this.t('verifiedOnly')}</label>
            <label class="check"><input type="checkbox" name="approval" ?checked=${s.referrerApproval} />${this.t('approval')}</label>
            <label class="check"><input type="checkbox" name="browserOrders" ?checked=${s.allowBrowserConversions} />${this.t('browserOrders')}</label>
            <label for="threshold">${this.t('payoutThreshold')} (${s.currency})</label>
            <input id="threshold" name="threshold" type="number" min="0" step="any" .value=${major(s.payoutThresholdMinor)} />
            <label for="origins">${this.t('origins')}</label>
            <textarea id="origins" name="origins" rows="3" .value=${s.allowedOrigins.join('\n')}></textarea>
            <p><button>${this.t('save')}</button></p>
            <h4>${this.t('snippet')}</h4>
            <pre data-testid="snippet"><code>${this.snippet(s)}</code></pre>
          </form>`
          : nothing
      }
      <section class="card" aria-labelledby="access-title">
        <h3 id="access-title">${this.t('access')}</h3>
        <p><button class="secondary" data-action="new-token" @click=${this.newToken}>${this.t('newToken')}</button></p>
        ${this.newLink ? html`<p role="status" data-testid="new-link"><code>${this.t('tokenCreated', { url: this.newLink })}</code></p>` : nothing}
        <div class="scroll" tabindex="0" role="region" aria-label=${this.t('access')}>
          <table>
            <caption class="sr-only">${this.t('access')}</caption>
            <thead><tr><th scope="col">${this.t('label')}</th><th scope="col">${this.t('created')}</th><th scope="col">${this.t('lastUsed')}</th><th scope="col"><span class="sr-only">${this.t('revoke')}</span></th></tr></thead>
            <tbody>
              ${this.tokens.map(
                (t) => html`<tr data-token=${t.id}>
                  <th scope="row">${t.label} <code>…${t.hint}</code></th>
                  <td>${this.date(t.createdAt)}</td>
                  <td>${t.lastUsedAt ? this.date(t.lastUsedAt, true) : this.t('never')}</td>
                  <td>${t.revokedAt ? this.t('revoked') : html`<button class="danger" @click=${() => this.revoke(t)}>${this.t('revoke')}</button>`}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>`;
  }
}

customElements.get('sc-dashboard-settings') || customElements.define('sc-dashboard-settings', SettingsView);
