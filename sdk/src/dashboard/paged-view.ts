/**
 * A dashboard view of one paged list (`limit`, `starting_after`, `has_more`, as every list of the
 * API pages): the first page on (re)load, the next ones with the "more" button. A view says where
 * its list is (`path`); one that loads more beside the list calls `firstPage()` in its own `load()`.
 *
 * @example
 * export class LedgerView extends PagedView<LedgerEntry> {
 *   protected path(after?: string) { return `/v1/ledger${query({ limit: 100, starting_after: after })}`; }
 *   protected override render() { return html`…${this.rows.map(…)}${this.moreButton()}`; }
 * }
 */
import { html, nothing } from 'lit';
import { DashboardView } from './dashboard-view.js';

export abstract class PagedView<Row extends { id: string }> extends DashboardView {
  static override properties = {
    ...DashboardView.properties,
    rows: { state: true },
    more: { state: true },
  };
  /** The rows loaded so far, in the list's order. */
  protected rows: Row[] = [];
  /** Whether the list has rows after the last one loaded. */
  protected more = false;

  /** The list's path with its query: the first page, or the page after the row `after`. */
  protected abstract path(after?: string): string;

  /** Loads the list's first page in place of the rows shown. */
  protected async firstPage(): Promise<void> {
    const page = await this.page();
    this.rows = page.data;
    this.more = page.has_more;
  }

  protected override load(): Promise<void> {
    return this.firstPage();
  }

  /** Adds the next page after the rows shown. */
  protected async loadMore(): Promise<void> {
    const page = await this.page(this.rows.at(-1)?.id);
    this.rows = [...this.rows, ...page.data];
    this.more = page.has_more;
  }

  /** The "more" button, while the list has more. */
  protected moreButton() {
    return this.more ? html`<button class="secondary" @click=${this.loadMore}>${this.t('more')}</button>` : nothing;
  }

  private page(after?: string) {
    return this.api!.request<{ data: Row[]; has_more: boolean }>('GET', this.path(after));
  }
}
