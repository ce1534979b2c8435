import { sendKeys } from '@web/test-runner-commands';
import type { TeamJoined } from '../../wire.js';
import {
  a11yProblems,
  api,
  apiRequests,
  axeViolations,
  deepActive,
  equal,
  env,
  match,
  mount,
  ok,
  resetSdk,
  setQuery,
  shadow,
  waitFor,
  XSS,
} from '../../test/helpers.js';
import { boot } from '../../loader/boot.js';
import type { TeamBuy } from './team-buy.component.js';
import './team-buy.js';

const key = env.teamShop.key;
let visitors = 0;
/** Another person: a visitor id of their own (the team counts people). */
const someone = () => `wtr-visitor-${Date.now()}-${++visitors}`;
/** Starts a team as another person (through the real API), returns the team and its membership. */
const startAs = (sku = 'oolong-250g', name?: string) =>
  api<TeamJoined>('/v1/teams', { key, body: { sku, visitorId: someone(), ...(name ? { name } : {}) } });
const joinAs = (teamId: string) => api<TeamJoined>(`/v1/teams/${teamId}/join`, { key, body: { visitorId: someone() } });

async function teamBuy(html: string): Promise<TeamBuy> {
  boot({ key, api: env.api });
  const host = mount(html);
  const el = (host.localName == 'sc-team-buy' ? host : host.querySelector('sc-team-buy')) as TeamBuy;
  await waitFor(() => el.shadowRoot?.querySelector('[part=title]'), 8000, 'the offer to load');
  await el.updateComplete;
  return el;
}
const text = (el: Element, part: string) => shadow(el, `[part~=${part}]`).textContent!.replace(/\s+/g, ' ').trim();
const clean = async (el: TeamBuy, what: string) => {
  equal(a11yProblems(el).join('; '), '', `${what}: ARIA`);
  equal((await axeViolations(el)).join('\n'), '', `${what}: axe`);
};

describe('<sc-team-buy> (real worker)', () => {
  beforeEach(() => resetSdk());
  afterEach(() => resetSdk());

  it('shows the team price against the solo price, the saving and the honest rules', async () => {
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    equal(text(el, 'team-price'), 'HK$138');
    equal(text(el, 'solo-price'), 'HK$150 alone');
    equal(text(el, 'saving'), 'save HK$12');
    equal(text(el, 'start'), 'Start a team of 2');
    match(text(el, 'rules'), /only authorized.*pay nothing.*no member is ever added/);
    await clean(el, 'offer');
  });

  it('shows a ladder, and renders nothing for a product without an offer', async () => {
    const el = await teamBuy('<sc-team-buy product="egg-rolls"></sc-team-buy>');
    equal(
      [...el.shadowRoot!.querySelectorAll('[part=tiers] li')].map((li) => li.textContent!.trim()).join(' | '),
      '2+ people: HK$88 | 4+ people: HK$82',
    );
    resetSdk();
    boot({ key, api: env.api });
    const none = mount<TeamBuy>('<sc-team-buy product="no-such-sku"></sc-team-buy>');
    await none.updateComplete;
    ok(none.shadowRoot!.querySelector('.skeleton'), 'space is reserved while loading');
    await waitFor(() => !none.shadowRoot!.querySelector('[part=base]'), 8000, 'nothing to show');
  });

  it('starts a team: its leader, an open seat, a ticking countdown, the membership kept for checkout, live completion', async () => {
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    const events: string[] = [];
    for (const type of ['sc-team-create', 'sc-team-join', 'sc-team-complete'] as const)
      el.addEventListener(type, (e) => events.push(`${type}:${(e as CustomEvent).detail.teamId}`));
    shadow<HTMLInputElement>(el, '[part=name]').value = 'Ka Yan';
    shadow(el, '[part=start]').click();
    await waitFor(() => el.shadowRoot!.querySelector('[part~=share]'), 8000, 'the team');
    const membership = window.ShareCart!.team()!;
    match(membership.teamId, /^team_/);
    match(membership.memberToken, /^tmt_/);
    equal(events.join(), `sc-team-create:${membership.teamId}`);
    equal(el.shadowRoot!.querySelectorAll('[part~=avatar]').length, 1);
    equal(shadow(el, '[part~=leader]').getAttribute('title'), 'Ka Y.');
    equal(el.shadowRoot!.querySelectorAll('[part=seat]').length, 1);
    match(document.cookie, /sc_team=/);
    match(decodeURIComponent(document.cookie), new RegExp(membership.memberToken));
    const clock = text(el, 'countdown');
    match(clock, /^(23:59:5\d|1d 00:00:00) left$/);
    await waitFor(() => text(el, 'countdown') != clock, 3000, 'the countdown to tick');
    equal(shadow(el, '[part=countdown] [role=timer]').getAttribute('aria-live'), null); // a timer is not read out every second
    match(text(el, 'checkout'), /HK\$138.*only authorized/);
    // the live region speaks at coarse steps (hours, ten minutes…), not with every tick of the clock
    const spoken = shadow(el, '[role=status]').textContent;
    const ticked = text(el, 'countdown');
    await waitFor(() => text(el, 'countdown') != ticked, 3000, 'another tick');
    equal(shadow(el, '[role=status]').textContent, spoken, 'the countdown was announced at a tick');
    await clean(el, 'my open team');

    // someone joins through the API: the WebSocket brings it in, the team completes
    await joinAs(membership.teamId);
    await waitFor(() => el.shadowRoot!.querySelector('.team.complete'), 8000, 'the live completion');
    equal(el.shadowRoot!.querySelectorAll('[part~=avatar]').length, 2);
    match(text(el, 'status'), /Team complete!.*HK\$138/);
    equal(events.at(-1), `sc-team-complete:${membership.teamId}`);
    match(shadow(el, '[role=status]').textContent, /Team complete/);
    ok(window.ShareCart!.team()!.expires > Date.now() + 86_400_000, 'a complete team’s membership stays usable at checkout');
    await clean(el, 'complete');
  });

  it('lists open teams a stranger may join and joins one with the keyboard; the WebSocket-less fallback polls', async () => {
    const saved = window.WebSocket;
    (window as { WebSocket?: unknown }).WebSocket = undefined;
    try {
      const other = await startAs('egg-rolls', 'Wing Sze');
      const el = await teamBuy('<sc-team-buy product="egg-rolls" member-name="Siu Ming"></sc-team-buy>');
      const row = [...el.shadowRoot!.querySelectorAll('[part=team-row]')].find((r) => r.textContent!.includes('Wing S.'))!;
      ok(row, 'the open team is listed');
      match(row.textContent!.replace(/\s+/g, ' '), /Wing S\.’s team · 1 spot left · \d\d:\d\d:\d\d/);
      equal(el.shadowRoot!.querySelector('[part=name]'), null, 'member-name replaces the field');
      row.querySelector<HTMLButtonElement>('[part=join]')!.focus();
      await sendKeys({ press: 'Enter' });
      await waitFor(() => el.shadowRoot!.querySelector('[part~=share]'), 8000, 'the joined team');
      equal(deepActive(), shadow(el, '[part~=share]'), 'focus moves to the next action, not the page');
      // a ladder past its minimum: the team price is secured, the next tier is two more away
      match(text(el, 'status'), /Team price secured! 2 more for HK\$82/);
      equal(window.ShareCart!.team()!.teamId, other.team.id);
      await joinAs(other.team.id);
      await waitFor(() => el.shadowRoot!.querySelectorAll('[part~=avatar]').length == 3, 9000, 'the poll to bring the join');
      match(shadow(el, '[role=status]').textContent, /joined/);
      await clean(el, 'joined ladder team');
    } finally {
      window.WebSocket = saved;
    }
  });

  it('opens a team link (?sc_team=): the invitation, and a full team says so', async () => {
    const { team } = await startAs('oolong-250g', 'Mei Ling Ho');
    setQuery(`sc_team=${team.id}`);
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    await waitFor(() => el.shadowRoot!.querySelector('[part=invite]'), 8000, 'the invitation');
    equal(text(el, 'invite'), 'You’re invited to Mei H.’s team');
    await clean(el, 'invited');
    await joinAs(team.id); // someone else fills it first
    await waitFor(() => el.shadowRoot!.querySelector('.team.complete'), 8000, 'the team to fill');
    equal(text(el, 'status'), 'This team is complete.');
    ok(!el.shadowRoot!.querySelector('.team [part~=join]'), 'no join button on a full team');
  });

  it('a join refused as full shows a notice and offers to start a team', async () => {
    const { team } = await startAs();
    setQuery(`sc_team=${team.id}`);
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    await waitFor(() => el.shadowRoot!.querySelector('.team [part~=join]'), 8000, 'the join button');
    const saved = window.WebSocket;
    (window as { WebSocket?: unknown }).WebSocket = undefined; // so the join below is not seen live first
    try {
      (el as unknown as { disconnect(): void }).disconnect();
      await joinAs(team.id);
      const errors: string[] = [];
      el.addEventListener('sc-error', (e) => errors.push(e.detail.code));
      shadow(el, '.team [part~=join]').click();
      await waitFor(() => text(el, 'error'), 8000, 'the notice');
      equal(text(el, 'error'), 'That team just filled up. Start your own!');
      equal(errors.join(), 'team_full');
      ok(el.shadowRoot!.querySelector('[part=start]'), 'the start button is back');
      await clean(el, 'notice');
    } finally {
      window.WebSocket = saved;
    }
  });

  it('its own join, heard live before the join answers, shows the joiner as a member — never as a stranger to a full team', async () => {
    const { team } = await startAs();
    setQuery(`sc_team=${team.id}`);
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    await waitFor(() => el.shadowRoot!.querySelector('.team [part~=join]'), 8000, 'the join button');
    await waitFor(() => (el as unknown as { socket: WebSocket | null }).socket?.readyState == WebSocket.OPEN, 8000, 'the socket');
    // the join's answer comes 500 ms after the worker sent it, so the room's news of the join arrives first
    const realFetch = window.fetch;
    window.fetch = async (...args: Parameters<typeof fetch>) => {
      const res = await realFetch(...args);
      if (String(args[0]).endsWith('/join')) await new Promise((resolve) => setTimeout(resolve, 500));
      return res;
    };
    const seen: string[] = [];
    const observer = new MutationObserver(() => {
      const status = el.shadowRoot!.querySelector('[part=status]')?.textContent?.trim();
      if (status && seen.at(-1) != status) seen.push(status);
    });
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    try {
      shadow(el, '.team [part~=join]').click();
      await waitFor(() => el.shadowRoot!.querySelector('.team.complete'), 8000, 'the team to complete');
      await el.updateComplete;
      equal(text(el, 'status'), `Team complete! The shop now takes your payment of ${text(el, 'team-price')}.`);
      ok(!seen.includes('This team is complete.'), `never shown as someone else's team: ${seen.join(' | ')}`);
    } finally {
      observer.disconnect();
      window.fetch = realFetch;
    }
  });

  it('shows an expired team and a complete team as they ended', async () => {
    setQuery(`sc_team=${env.teamShop.expiredTeamId}`);
    const expired = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    await waitFor(() => expired.shadowRoot!.querySelector('.team.expired'), 8000, 'the expired team');
    match(text(expired, 'status'), /didn’t fill in time.*pay nothing/);
    equal(text(expired, 'start'), 'Start a new team');
    equal(expired.shadowRoot!.querySelector('[part=countdown]'), null);
    await clean(expired, 'expired');
    shadow(expired, '[part=start]').click();
    await waitFor(() => !expired.shadowRoot!.querySelector('.team'), 4000, 'the start form');
    resetSdk(`sc_team=${env.teamShop.completeTeamId}`);
    const complete = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    await waitFor(() => complete.shadowRoot!.querySelector('.team.complete'), 8000, 'the complete team');
    equal(complete.shadowRoot!.querySelectorAll('[part~=avatar]').length, 2);
    equal(complete.shadowRoot!.querySelectorAll('[part=seat]').length, 0);
  });

  it('leaves (the lone leader cancels) and forgets the membership', async () => {
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    shadow(el, '[part=start]').click();
    await waitFor(() => el.shadowRoot!.querySelector('[part~=leave]'), 8000, 'the team');
    equal(text(el, 'leave'), 'Cancel team');
    shadow(el, '[part~=leave]').click();
    await waitFor(() => el.shadowRoot!.querySelector('[part=start]'), 8000, 'the start form');
    equal(window.ShareCart!.team(), null);
  });

  it('speaks en, zh-Hant-HK and zh-Hans', async () => {
    const hk = await teamBuy('<sc-team-buy product="oolong-250g" locale="zh-Hant-HK"></sc-team-buy>');
    await waitFor(() => text(hk, 'title') == '拼團價', 3000, 'Traditional Chinese');
    equal(text(hk, 'start'), '發起 2 人團');
    match(text(hk, 'rules'), /絕不虛構團員/);
    await clean(hk, 'zh-Hant-HK');
    const cn = await teamBuy('<div lang="zh-CN"><sc-team-buy product="oolong-250g"></sc-team-buy></div>');
    await waitFor(() => text(cn, 'title') == '拼团价', 3000, 'Simplified Chinese');
    equal(text(cn, 'saving'), '省 HK$12');
  });

  it('renders hostile names inertly', async () => {
    (window as unknown as { __scXss?: number }).__scXss = 0;
    for (const payload of XSS) {
      const { team } = await startAs('oolong-250g', payload);
      resetSdk(`sc_team=${team.id}`);
      const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
      await waitFor(() => el.shadowRoot!.querySelector('[part=invite]'), 8000, 'the team');
      equal(el.shadowRoot!.querySelectorAll('img, script, svg, [onerror], [onload]').length, 0);
    }
    equal((window as unknown as { __scXss?: number }).__scXss, 0);
  });
  it('is reachable and usable with the keyboard alone: name, start, then share', async () => {
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    shadow<HTMLInputElement>(el, '[part=name]').focus();
    await sendKeys({ type: 'Wai Man' });
    await sendKeys({ press: 'Tab' });
    equal(deepActive(), shadow(el, '[part=start]'), 'Tab goes from the name to the start button');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => el.shadowRoot!.querySelector('[part~=share]'), 8000, 'the team');
    equal(deepActive(), shadow(el, '[part~=share]'), 'focus moves to share-to-fill');
    equal(shadow(el, '[part~=leader]').getAttribute('title'), 'Wai M.');
  });

  it('in consent mode shows nothing, calls nothing and stores nothing until consent; withdrawing it forgets the team', async () => {
    boot({ key, api: env.api, consentRequired: true });
    const el = mount<TeamBuy>('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    equal(el.shadowRoot!.childElementCount, 0, 'something was rendered');
    equal(apiRequests().length, 0, 'the API was called');
    equal(localStorage.length, 0, 'something was stored');
    await window.ShareCart!.consent(true);
    await waitFor(() => el.shadowRoot!.querySelector('[part=start]'), 8000, 'the offer after consent');
    shadow(el, '[part=start]').click();
    await waitFor(() => window.ShareCart!.team(), 8000, 'the membership');
    match(document.cookie, /sc_team=/);
    await window.ShareCart!.consent(false);
    equal(window.ShareCart!.team(), null);
    equal(localStorage.getItem('sc_team'), null);
    ok(!/sc_team=/.test(document.cookie), 'the cookie is gone');
    await el.updateComplete;
    equal(el.shadowRoot!.childElementCount, 0, 'the team is still shown');
  });

  it('fills the checkout field sharecart_team with the member token (and forms added later)', async () => {
    const el = await teamBuy('<sc-team-buy product="oolong-250g"></sc-team-buy>');
    shadow(el, '[part=start]').click();
    await waitFor(() => window.ShareCart!.team(), 8000, 'the membership');
    const form = mount<HTMLFormElement>('<form><input type="hidden" name="sharecart_team"></form>');
    const token = window.ShareCart!.team()!.memberToken;
    await waitFor(() => form.querySelector('input')!.value == token, 2000, 'the field');
  });
});
