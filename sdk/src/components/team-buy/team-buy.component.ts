/**
 * `<sc-team-buy product="sku">`: team-buy (拼團). Shows the solo price against the team price and the
 * saving, the ladder when there is one, the honest rules, a "Start a team of N" button and the open
 * teams a visitor may join ("Ka Y.'s team · 1 spot left · 05:32:10"). After starting or joining — or
 * when the page was opened from a team link (`?sc_team=team_…`) — it shows that team: its members as
 * initials, its empty seats, a live countdown (announced politely at coarse steps, never every
 * second), a share-to-fill button (the SDK's share flow, with the team link) and clear complete,
 * expired and cancelled states. Progress is live over a WebSocket, with polling as the fallback.
 *
 * Only members who really joined are shown: the component renders what the team's object says and
 * never pads a team. The membership (team id and member token) is kept first-party for checkout:
 * `ShareCart.team()`, localStorage `sc_team` and the `sc_team` cookie.
 */
import { html, nothing, type PropertyValues } from 'lit';
import type { ShopConfig, Team, TeamJoined, TeamOfferView } from '../../wire.js';
import { getConfig, request, type ScError } from '../../internal/api-client.js';
import { ensureReferrer, visitorId } from '../../internal/api-referrer.js';
import { ShareCartElement } from '../../internal/base-element.js';
import { formatMoney, loadLocale, translate } from '../../internal/i18n.js';
import { runtime } from '../../internal/runtime.js';
import { ShareController } from '../../internal/share-controller.js';
import { srOnlyStyles } from '../../internal/sr-only.js';
import { read, TEAM_KEY, write, type TeamMembership } from '../../internal/storage.js';
import { hostStyles } from '../../internal/styles.js';
import { messages, type TeamBuyKey } from './team-buy.messages.js';
import styles from './team-buy.styles.js';

/** The query parameter of a team link. */
export const TEAM_PARAM = 'sc_team';
const TEAM_ID = /^team_[A-Za-z0-9]{20}$/;
/** The fallback when the WebSocket is unavailable or drops. */
const POLL_MS = 4000;
/** A complete team's membership stays usable at checkout this long after its deadline. */
const CHECKOUT_GRACE_MS = 7 * 864e5;

type Membership = TeamMembership & { memberId: string };

/**
 * @tagname sc-team-buy
 * @summary Team-buy (拼團): start or join a team for the team price, and follow it live to completion.
 *
 * @dependency sc-share-sheet
 *
 * @event sc-team-create - A team was started from this browser. `detail: { teamId, sku, memberId }`.
 * @event sc-team-join - This browser joined a team. `detail: { teamId, sku, memberId }`.
 * @event sc-team-complete - The team shown completed. `detail: { teamId, sku, priceMinor, currency, members }`.
 * @event sc-team-expire - The team shown did not fill before its deadline. `detail: { teamId, sku }`.
 * @event sc-share - The team link was shared. `detail: { channel, url, product }`.
 * @event sc-error - Loading, starting, joining or leaving failed. `detail: { code, message }`.
 *
 * @csspart base - The card.
 * @csspart title - The heading.
 * @csspart prices - The price line; with `team-price`, `solo-price` and `saving`.
 * @csspart ladder - The ladder's heading; `tiers` its list.
 * @csspart name - The optional name field (`name-label` its label).
 * @csspart start - The "Start a team" button.
 * @csspart teams - The list of open teams (each a `team-row`); `join` their buttons.
 * @csspart team - The team shown; with `invite`, `members`, `avatar` (and `leader`), `seat`, `status`, `countdown`, `checkout`.
 * @csspart share - The share-to-fill button.
 * @csspart leave - The leave (or cancel) button.
 * @csspart rules - The rules (a `<details>`).
 * @csspart error - Errors and notices.
 * @csspart sheet - The share sheet's dialog (exported from `sc-share-sheet`, with its `channel`, `copy`, `qr`, `close`, `link`, `title`).
 *
 * @cssproperty --sc-team-buy-bg - Card background. Default `--sc-color-surface`.
 * @cssproperty --sc-team-buy-color - Text colour. Default `--sc-color-text`.
 * @cssproperty --sc-team-buy-accent - Buttons, the team price and filled seats. Default `--sc-color-primary`.
 * @cssproperty --sc-team-buy-radius - Corner radius. Default `--sc-radius`.
 * @cssproperty --sc-team-buy-avatar-size - The members' circles. Default `2.5rem`.
 * @cssproperty --sc-team-buy-min-height - Height reserved while loading. Default `8rem`.
 */
export class TeamBuy extends ShareCartElement {
  static override styles = [hostStyles, srOnlyStyles, styles];
  static override properties = {
    product: { reflect: true },
    memberName: { attribute: 'member-name' },
    offer: { state: true },
    team: { state: true },
    mine: { state: true },
    busy: { state: true },
    notice: { state: true },
    announcement: { state: true },
    now: { state: true },
  };

  /** SKU of the product: its team offer, prices and open teams come from the worker. */
  product = '';
  /** The name to show (masked) to the team, e.g. a signed-in customer's; otherwise the visitor may type one. */
  declare memberName?: string;

  private config: ShopConfig | null = null;
  /** undefined while loading; null when the product has no team offer */
  private offer: Required<TeamOfferView> | null | undefined;
  private team: Team | null = null;
  private mine: Membership | null = null;
  private busy = false;
  private notice = '';
  private announcement = '';
  private now = Date.now();
  private loadedFor = '';
  private live: string | null = null;
  /** the newest live news of the shown team that came while an action was in flight (see `heard`) */
  private held: Team | null = null;
  private socket: WebSocket | null = null;
  private poller?: ReturnType<typeof setInterval>;
  private ticker?: ReturnType<typeof setInterval>;
  private spoken = '';
  private readonly sharing = new ShareController(this);

  private t(key: TeamBuyKey, vars?: Record<string, string | number>) {
    return translate(messages, this.lang_, key, vars);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (typeof messages[this.lang_] == 'function') loadLocale(messages, this.lang_).then(() => this.requestUpdate());
    if (changed.has('product') && this.loadedFor && this.loadedFor != this.product) {
      this.disconnect();
      this.team = null;
      this.refresh();
    }
  }

  protected override refresh(): void {
    if (!this.allowed) {
      // no consent (yet, or withdrawn): follow no team, show nothing, load again once it is given
      this.disconnect();
      this.loadedFor = '';
      this.team = this.mine = null;
      return this.requestUpdate();
    }
    if (!this.product || this.loadedFor == this.product) return;
    this.loadedFor = this.product;
    this.offer = undefined;
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.disconnect();
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.loadedFor = '';
  }

  protected override updated(): void {
    const ticking = this.team?.status == 'open' || !!this.offer?.openTeams.length;
    if (ticking && !this.ticker) this.ticker = setInterval(() => this.tick(), 1000);
    if (!ticking && this.ticker) this.ticker = void clearInterval(this.ticker);
  }

  // ─── data ──────────────────────────────────────────────────────────────────────────────────

  private async load(): Promise<void> {
    const sku = this.product;
    try {
      // the strings of the page's language too, so the offer never flashes in English first
      const [config, offer] = await Promise.all([getConfig(), this.fetchOffer(), loadLocale(messages, this.lang_)]);
      if (sku != this.product) return;
      this.config = config;
      this.offer = offer;
      this.mine = memberships().find((t) => t.sku == sku) ?? null;
      const invited = new URLSearchParams(location.search).get(TEAM_PARAM);
      const id = this.mine?.teamId ?? (invited && TEAM_ID.test(invited) ? invited : null);
      if (offer && id) {
        const { team } = await request<{ team: Team }>('GET', `/v1/teams/${id}`);
        if (team.sku == sku) this.setTeam(team);
      }
    } catch (e) {
      const err = e as ScError;
      // a team that is gone (or another shop's) leaves the offer to show
      if (err.code == 'team_not_found' && this.mine) this.remember(null, this.mine.teamId);
      if (this.offer === undefined) this.offer = null;
      this.fail(err.code ?? 'sc_team_failed', err.message ?? String(e), e);
    }
  }

  /** The offer and its open teams; null when the product has none. */
  private async fetchOffer(): Promise<Required<TeamOfferView> | null> {
    const view = await request<TeamOfferView>('GET', `/v1/team-offers/${encodeURIComponent(this.product)}`);
    return view.offer ? (view as Required<TeamOfferView>) : null;
  }

  /** Shows a team; fires complete/expire when the team shown ends, announces joins. */
  private setTeam(next: Team | null, before: Team | null = this.team): void {
    this.team = next;
    if (!next) return this.disconnect();
    const mine = this.mine?.teamId == next.id;
    if (before?.id == next.id) {
      const added = next.members.length - before.members.length;
      if (added > 0 && next.status == 'open') {
        const spots = next.spotsLeft == 1 ? this.t('spot') : this.t('spots', { n: next.spotsLeft });
        this.say(this.t('joined', { name: next.members.at(-1)!.name ?? this.t('someone'), spots }));
      }
      if (before.status == 'open' && next.status == 'complete') {
        this.say(this.t(mine ? 'complete' : 'completeOther', { amount: this.money(next.priceMinor) }));
        const { id: teamId, sku, priceMinor, currency } = next;
        this.emit('sc-team-complete', { teamId, sku, priceMinor, currency, members: next.members.length });
      }
      if (before.status == 'open' && next.status == 'expired') {
        this.say(this.t('expired'));
        this.emit('sc-team-expire', { teamId: next.id, sku: next.sku });
      }
    }
    if (mine)
      this.remember(
        { ...this.mine!, expires: next.deadlineAt + (next.status == 'complete' ? CHECKOUT_GRACE_MS : 0) },
        next.status == 'open' || next.status == 'complete' ? undefined : next.id,
      );
    if (next.status == 'open') this.connect(next.id);
    else this.disconnect();
  }

  /**
   * Keeps (or, with `forget`, drops) this browser's membership: localStorage `sc_team` (the newest,
   * which `ShareCart.team()` answers, with all of them in `all`) and the `sc_team` cookie (the
   * newest), which the shop's server reads at checkout.
   */
  private remember(m: Membership | null, forget?: string): void {
    const list = memberships().filter((t) => t.teamId != (m?.teamId ?? forget));
    if (m && m.teamId != forget) list.unshift(m);
    const all = list.slice(0, 10);
    const latest = all[0];
    const newest = latest && { teamId: latest.teamId, memberToken: latest.memberToken, sku: latest.sku, expires: latest.expires };
    if (write(TEAM_KEY, newest ? { ...newest, all } : null)) {
      document.cookie =
        `sc_team=${newest ? encodeURIComponent(JSON.stringify(newest)) : ''}; path=/; SameSite=Lax; expires=${new Date(latest?.expires ?? 0).toUTCString()}` +
        (location.protocol == 'https:' ? '; Secure' : '');
    }
    this.mine = all.find((t) => t.sku == this.product) ?? null;
  }

  // ─── live ──────────────────────────────────────────────────────────────────────────────────

  /** Follows a team: its WebSocket, else polling (no WebSocket, or it closed). */
  private connect(id: string): void {
    if (this.live == id) return;
    this.disconnect();
    this.live = id;
    const s = runtime().settings!;
    const fallback = () => {
      if (this.live == id && !this.poller) this.poller = setInterval(() => void this.poll(id), POLL_MS);
    };
    try {
      const ws = new WebSocket(`${s.api.replace(/^http/, 'ws')}/v1/teams/${id}/live?key=${encodeURIComponent(s.key)}`);
      this.socket = ws;
      ws.onmessage = (e) => {
        try {
          const team = JSON.parse(e.data as string).team as Team;
          if (team) this.heard(id, team);
        } catch {
          /* "pong" */
        }
      };
      ws.onclose = () => {
        if (this.socket == ws) {
          this.socket = null;
          fallback();
        }
      };
    } catch {
      fallback();
    }
  }

  /**
   * Live news of the followed team. While this browser's own join (or other action) is in flight,
   * the news waits: the room tells every watcher of the join, this page's socket included, before
   * the join's own answer says the person is a member — shown at once, the team would look full to
   * the very person who filled it. After the action, the news is shown if it says more than the
   * action's answer did.
   */
  private heard(id: string, team: Team): void {
    if (this.live != id) return;
    if (this.busy) this.held = team;
    else this.setTeam(team);
  }

  /** Shows news held during an action when it is newer than what the action's answer showed. */
  private showHeld(): void {
    const news = this.held;
    this.held = null;
    const shown = this.team;
    if (!news || !shown || news.id != shown.id) return;
    if (news.members.length > shown.members.length || (shown.status == 'open' && news.status != 'open')) this.setTeam(news);
  }

  private disconnect(): void {
    this.live = null;
    const ws = this.socket;
    this.socket = null;
    ws?.close();
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private async poll(id: string): Promise<void> {
    try {
      const { team } = await request<{ team: Team }>('GET', `/v1/teams/${id}`);
      this.heard(id, team);
    } catch {
      /* the next poll tries again */
    }
  }

  // ─── time ──────────────────────────────────────────────────────────────────────────────────

  private tick(): void {
    this.now = Date.now();
    const team = this.team;
    if (team?.status != 'open') return;
    const minutes = Math.max(0, Math.floor((team.deadlineAt - this.now) / 6e4));
    // coarse steps: every hour, then every 10 minutes, at 5, then every minute
    const [n, unit] =
      minutes >= 60
        ? [Math.floor(minutes / 60), 'hour' as const]
        : [minutes >= 10 ? minutes - (minutes % 10) : minutes > 5 ? 5 : minutes, 'minute' as const];
    const phrase = this.t('closes', { in: new Intl.RelativeTimeFormat(this.lang_).format(n, unit) });
    if (phrase != this.spoken) {
      if (this.spoken) this.announcement = phrase;
      this.spoken = phrase;
    }
  }

  private say(text: string): void {
    this.announcement = text;
  }

  /** "05:32:10", or "1d 02:03:04". */
  private countdown(deadline: number): string {
    const s = Math.max(0, Math.floor((deadline - this.now) / 1000));
    const pad = (n: number) => String(n).padStart(2, '0');
    const days = Math.floor(s / 86400);
    const clock = `${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
    return days ? `${this.t('day', { n: days })} ${clock}` : clock;
  }

  private money(minor: number): string {
    return formatMoney(minor, this.offer?.offer.currency ?? 'HKD', this.lang_, this.config?.shop.currencyExponent);
  }

  // ─── actions ───────────────────────────────────────────────────────────────────────────────

  private async act(work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.notice = '';
    const focused = !!this.shadowRoot?.activeElement;
    try {
      await work();
    } catch (e) {
      const err = e as ScError;
      const code = err.code;
      const gone = code == 'team_full' || code == 'team_expired' || code == 'team_closed';
      this.notice = this.t(gone ? (code == 'team_full' ? 'full' : 'ended') : code == 'already_in_team' ? 'already' : 'error');
      this.fail(code ?? 'sc_team_failed', err.message ?? String(e), e);
      if (gone) {
        this.setTeam(null);
        this.offer = (await this.fetchOffer().catch(() => null)) ?? this.offer;
      }
    } finally {
      this.busy = false;
      this.showHeld();
    }
    if (focused) {
      await this.updateComplete;
      // focus stays in the component: on the next action, else on what happened
      for (const next of ['[part~=share]', '.team [part~=join]', '[part=start]', '[part=status]', '[part=error]']) {
        const target = this.shadowRoot!.querySelector<HTMLElement>(next);
        if (target) {
          target.focus();
          break;
        }
      }
    }
  }

  private who() {
    const name = this.memberName ?? this.shadowRoot?.querySelector<HTMLInputElement>('[part=name]')?.value.trim();
    return { visitorId: visitorId() ?? crypto.randomUUID(), ...(name ? { name: name.slice(0, 60) } : {}) };
  }

  private joined(r: TeamJoined, event: 'sc-team-create' | 'sc-team-join', before: Team | null): void {
    const { team, membership } = r;
    this.remember({
      teamId: team.id,
      memberToken: membership.memberToken,
      memberId: membership.memberId,
      sku: team.sku,
      expires: team.deadlineAt,
    });
    this.emit(event, { teamId: team.id, sku: team.sku, memberId: membership.memberId });
    this.setTeam(team, before);
  }

  private readonly start = () =>
    this.act(async () => {
      // the leader's reward goes to their referrer: make sure this browser has one (where the shop allows it)
      if (this.offer!.offer.leaderRewardMinor > 0) await ensureReferrer().catch(() => null);
      this.joined(
        await request<TeamJoined>('POST', '/v1/teams', { sku: this.product, ...this.who() }, true),
        'sc-team-create',
        null,
      );
    });

  private join(team: Team) {
    return this.act(async () => {
      const r = await request<TeamJoined>('POST', `/v1/teams/${team.id}/join`, this.who(), true);
      this.joined(r, 'sc-team-join', { ...team, status: 'open' });
    });
  }

  private readonly leave = () =>
    this.act(async () => {
      const { teamId, memberToken } = this.mine!;
      const alone = this.team?.members.length == 1;
      await request('POST', `/v1/teams/${teamId}/${alone ? 'cancel' : 'leave'}`, { memberToken });
      this.remember(null, teamId);
      this.setTeam(null);
      this.offer = await this.fetchOffer();
    });

  private readonly restart = () => {
    if (this.team && this.mine?.teamId == this.team.id) this.remember(null, this.team.id);
    this.setTeam(null);
    this.notice = '';
  };

  private readonly share = () =>
    this.sharing.run(() => {
      const team = this.team!;
      const url = new URL(location.href);
      url.searchParams.set(TEAM_PARAM, team.id);
      const product = this.config?.products.find((p) => p.sku == team.sku);
      const name = product ? (product.names[this.lang_] ?? product.name) : team.sku;
      return {
        product: team.sku,
        url: url.href,
        text: this.t('shareText', { product: name, amount: this.money(team.checkoutPriceMinor ?? team.priceMinor) }),
      };
    });

  // ─── render ────────────────────────────────────────────────────────────────────────────────

  protected override render() {
    // in consent mode, nothing until consent: not even the offer is asked for
    if (!this.allowed) return nothing;
    if (this.offer === undefined) return html`<div part="base" class="base skeleton" aria-busy="true"></div>`;
    const offer = this.offer?.offer;
    if (!offer) return nothing;
    const team = this.team;
    return html`<section part="base" class="base" aria-labelledby="title">
      <h2 part="title" id="title">${this.t('title')}</h2>
      <p part="prices" class="prices">
        <strong part="team-price">${this.money(offer.priceMinor)}</strong> ${this.t('inTeam', { n: offer.size })}
        <span part="solo-price" class="muted">${this.t('alone', { amount: this.money(offer.soloPriceMinor) })}</span>
        <span part="saving" class="saving">${this.t('save', { amount: this.money(offer.soloPriceMinor - offer.priceMinor) })}</span>
      </p>
      ${
        offer.tiers.length > 1
          ? html`<p part="ladder" id="ladder" class="muted">${this.t('ladder')}</p>
            <ul part="tiers" class="tiers" aria-labelledby="ladder">
              ${offer.tiers.map((t) => html`<li>${this.t('tier', { n: t.size, amount: this.money(t.priceMinor) })}</li>`)}
            </ul>`
          : nothing
      }
      ${team ? this.renderTeam(team) : this.renderStart(offer.size)}
      <details part="rules" class="rules">
        <summary>${this.t('rules')}</summary>
        <p>${this.t('rulesText')}</p>
      </details>
      <p part="error" class="error" role="alert" tabindex="-1">${this.notice}</p>
      <p class="sr-only" role="status">${this.announcement}</p>
    </section>`;
  }

  private renderStart(size: number) {
    const open = this.offer!.openTeams;
    return html`${
      this.memberName
        ? nothing
        : html`<label part="name-label" class="field"
            >${this.t('name')}<input part="name" maxlength="40" autocomplete="nickname"
          /></label>`
    }
      <button part="start" class="primary" type="button" aria-busy=${this.busy ? 'true' : 'false'} @click=${this.start}>
        ${this.t('start', { n: size })}
      </button>
      ${
        open.length
          ? html`<h3 id="open" class="open-title">${this.t('open')}</h3>
            <ul part="teams" class="teams" aria-labelledby="open">
              ${open.map((t) => {
                const line = this.teamLine(t);
                return html`<li part="team-row">
                  <span>${line}</span>
                  <button part="join" type="button" aria-label=${`${this.t('join')}: ${line}`} @click=${() => this.join(t)}>
                    ${this.t('join')}
                  </button>
                </li>`;
              })}
            </ul>`
          : nothing
      }`;
  }

  /** "Ka Y.'s team · 1 spot left · 05:32:10" */
  private teamLine(t: Team): string {
    const spots = t.spotsLeft == 1 ? this.t('spot') : this.t('spots', { n: t.spotsLeft });
    return `${this.t('teamOf', { name: t.members[0]?.name ?? this.t('someone') })} · ${spots} · ${this.countdown(t.deadlineAt)}`;
  }

  private renderTeam(team: Team) {
    const mine = this.mine?.teamId == team.id;
    const open = team.status == 'open';
    const count = team.members.length;
    const next = team.tiers.find((t) => t.size > count);
    const seats = open ? Math.max(0, (count < team.size.min ? team.size.min : team.size.max) - count) : 0;
    const leader = team.members[0]?.name ?? this.t('someone');
    const status = open
      ? count < team.size.min
        ? this.t('toGo', { n: team.spotsLeft })
        : next
          ? this.t('secured', { n: next.size - count, amount: this.money(next.priceMinor) })
          : ''
      : team.status == 'complete'
        ? this.t(mine ? 'complete' : 'completeOther', { amount: this.money(team.priceMinor) })
        : this.t(team.status == 'expired' ? 'expired' : 'cancelled');
    return html`<div part="team" class="team ${team.status}">
      ${!mine && open ? html`<p part="invite">${this.t('invited', { name: leader })}</p>` : nothing}
      <ul part="members" class="members" aria-label=${this.t('members')}>
        ${team.members.map(
          (m) =>
            html`<li part="avatar${m.role == 'leader' ? ' leader' : ''}" title=${m.name ?? ''}>
              <span aria-hidden="true">${initials(m.name)}</span
              ><span class="sr-only">${m.role == 'leader' ? this.t('leader', { name: m.name ?? this.t('someone') }) : (m.name ?? this.t('someone'))}</span>
            </li>`,
        )}
        ${Array.from({ length: seats }, () => html`<li part="seat"><span class="sr-only">${this.t('seat')}</span></li>`)}
      </ul>
      <p part="status" class="status" tabindex="-1">${status}</p>
      ${
        open
          ? html`<p part="countdown" class="countdown"><span role="timer">${this.t('left', { time: this.countdown(team.deadlineAt) })}</span></p>`
          : nothing
      }
      ${
        mine && team.checkoutPriceMinor != null && team.status != 'complete'
          ? html`<p part="checkout" class="muted">${this.t('checkout', { amount: this.money(team.checkoutPriceMinor) })}</p>`
          : nothing
      }
      <div class="actions">
        ${
          open && mine
            ? html`<button
                part="share"
                class="primary"
                type="button"
                aria-busy=${this.sharing.busy ? 'true' : 'false'}
                @click=${this.share}
                @pointerenter=${this.sharing.prefetch}
                @focus=${this.sharing.prefetch}
              >
                ${this.t('share')}
              </button>
              <button part="leave" type="button" @click=${this.leave}>${this.t(count == 1 ? 'cancel' : 'leave')}</button>`
            : nothing
        }
        ${
          open && !mine
            ? html`<button part="join" class="primary" type="button" aria-busy=${this.busy ? 'true' : 'false'} @click=${() => this.join(team)}>
              ${this.t('join')}
            </button>`
            : nothing
        }
        ${
          !open && !(mine && team.status == 'complete')
            ? html`<button part="start" class="primary" type="button" @click=${this.restart}>${this.t('again')}</button>`
            : nothing
        }
      </div>
    </div>`;
  }
}

/** This browser's unexpired team memberships, newest first. */
function memberships(): Membership[] {
  const now = Date.now();
  return (read<{ all?: Membership[] }>(TEAM_KEY)?.all ?? []).filter((t) => t.expires > now);
}

/** "Ka Y." → "KY", "陳＊＊" → "陳"; a dot for no name. */
function initials(name: string | null): string {
  return (
    (name ?? '')
      .split(' ')
      .map((w) => [...w][0] ?? '')
      .join('')
      .replace(/[^\p{L}\p{N}]/gu, '')
      .slice(0, 2) || '•'
  );
}
