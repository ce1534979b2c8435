import { html } from 'lit';
import type { ShareSheet } from '../components/share-sheet/share-sheet.component.js';
import { env, equal, mount, ok, resetSdk, waitFor, withoutWebShare } from '../test/helpers.js';
import { ShareCartElement } from './base-element.js';
import { configure } from './runtime.js';
import { ShareController } from './share-controller.js';

/** The smallest component with a share button: what the controller gives every such component. */
class ShareHost extends ShareCartElement {
  readonly sharing = new ShareController(this);
  protected override render() {
    return html`<p>${this.sharing.busy ? 'busy' : 'idle'}</p>`;
  }
}
ShareHost.define('sc-test-share-host');

const host = () => mount<ShareHost>('<sc-test-share-host></sc-test-share-host>');
const shown = (el: ShareHost) => el.shadowRoot!.querySelector('p')!.textContent;

describe('ShareController', () => {
  beforeEach(() => resetSdk());
  afterEach(() => resetSdk());

  it('keeps a failure in `error`, fires it as sc-error from the host, and ends busy', async () => {
    const el = host();
    const errors: string[] = [];
    el.addEventListener('sc-error', (e) => errors.push(e.detail.code));
    const failure = Object.assign(new Error('no link today'), { code: 'referrer_not_allowed' });
    equal(
      await el.sharing.run(() => {
        throw failure;
      }),
      null,
    );
    equal<unknown>(el.sharing.error, failure);
    equal(errors.join(), 'referrer_not_allowed');
    await el.updateComplete;
    equal(shown(el), 'idle');
    // a failure that is not an API error still says what happened
    await el.sharing.run(() => Promise.reject(new TypeError('broken')));
    equal(errors.join(), 'referrer_not_allowed,sc_share_failed');
  });

  it('is busy from the tap until the sheet opens in the host, and ignores taps meanwhile', async () => {
    const restore = withoutWebShare();
    try {
      configure({ key: env.shop.key, api: env.api });
      const el = host();
      let release: (options: { url: string }) => void = () => {};
      const first = el.sharing.run(() => new Promise((resolve) => (release = resolve)));
      await el.updateComplete;
      equal(shown(el), 'busy');
      equal(await el.sharing.run(() => ({})), null, 'a second tap while busy');
      release({ url: `${location.origin}/p/oolong` });
      const sheet = (await waitFor(() => el.shadowRoot!.querySelector<ShareSheet>('sc-share-sheet'), 8000, 'the sheet'))!;
      await waitFor(() => shown(el) == 'idle', 4000, 'busy to end when the sheet opens');
      ok(sheet.open, 'the sheet is not open');
      sheet.hide();
      const result = await first;
      equal(result?.channel, null, 'closed without sharing');
      equal(new URL(result!.url).pathname, '/p/oolong');
      equal(el.sharing.error, undefined);
    } finally {
      restore();
    }
  });
});
