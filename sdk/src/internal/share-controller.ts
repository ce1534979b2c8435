/**
 * The share controller: what every component with a share button needs around the share flow
 * (`share-flow.ts`, fetched on demand with the share sheet, prefetched on hover/focus). It owns
 * - `busy`, from the tap until the sheet opens or the flow ends (a second tap meanwhile does nothing);
 * - `error`, the last run's failure, also reported as `sc-error` from the host;
 * - the host as the flow's event target (`sc-share` fires from it) and the sheet's mount (inside its
 *   shadow root, so the host can `exportparts` the sheet's parts).
 * Used by `<sc-share-button>` and `<sc-order-tracker>`; `ShareCart.share()` runs the same flow module
 * without a host. Small on purpose: the share button's first paint carries it.
 *
 * @example
 * private readonly sharing = new ShareController(this);
 * render() {
 *   const s = this.sharing;
 *   return html`<button aria-busy=${s.busy ? 'true' : 'false'} @pointerenter=${s.prefetch} @focus=${s.prefetch}
 *     @click=${() => s.run(() => ({ product: this.product }))}>Share</button>
 *     <p role="alert">${s.error ? 'Your link could not be made.' : ''}</p>`;
 * }
 */
import type { ReactiveController } from 'lit';
import type { ScError } from './api-client.js';
import type { ShareCartElement } from './base-element.js';
import type { ShareOptions, ShareResult } from './share-flow.js';

const loadFlow = () => import('./share-flow.js');

export class ShareController implements ReactiveController {
  /** True from the tap until the sheet opens, or the flow ends (native share, failure). */
  busy?: boolean;
  /** The last run's failure; cleared when the next run starts. */
  error?: ScError;

  constructor(private readonly host: ShareCartElement) {
    host.addController(this);
  }

  /** The sheet opening (or closing) ends `busy`. */
  private readonly idle = (): void => {
    this.busy = false;
    this.host.requestUpdate();
  };

  hostConnected(): void {
    // the sheet opens inside the host; a listener on the host itself needs no removing (adding it again is a no-op)
    this.host.addEventListener('sc-share-sheet-toggle', this.idle);
  }

  /** Starts fetching the flow, so a tap opens the sheet at once. Uses no `this`: bind it to hover and focus as it is. */
  prefetch(): void {
    loadFlow().catch(() => {});
  }

  /**
   * Shares what `prepare` returns; `prepare` may do work first (e.g. make the buyer a referrer), and
   * its failures are handled like the flow's. Resolves with the result, or `null` when a run was
   * already busy or failed (the failure is in `error` and reported as `sc-error`).
   */
  async run(prepare: () => ShareOptions | Promise<ShareOptions>): Promise<ShareResult | null> {
    if (this.busy) return null;
    this.busy = true;
    this.error = undefined;
    this.host.requestUpdate();
    try {
      const options = await prepare();
      const { share } = await loadFlow();
      return await share(options, this.host);
    } catch (e) {
      const error = (this.error = e as ScError);
      this.host.fail(error.code ?? 'sc_share_failed', error.message ?? String(e), e);
      return null;
    } finally {
      this.idle();
    }
  }
}
