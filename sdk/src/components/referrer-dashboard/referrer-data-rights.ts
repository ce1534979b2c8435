/**
 * The referrer's data rights inside `<sc-referrer-dashboard>` (issue 7 §4): download everything the
 * shop keeps about them (`GET /v1/referrers/me/export`, saved as a JSON file) and delete their
 * identity after a confirmation (`DELETE /v1/referrers/me`: the shop's ledger keeps the amounts and
 * loses the person; this browser forgets the token). A controller of the dashboard, in its own chunk
 * with its strings: fetched when the "Your data" section is first opened, so the dashboard's chunk
 * does not carry it.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ScError } from '../../internal/api-client.js';
import { deleteMyIdentity, exportMyData } from '../../internal/api-referrer.js';
import { translate, type Catalog, type Locale } from '../../internal/i18n.js';

type Key =
  | 'dataText'
  | 'exportData'
  | 'deleteIdentity'
  | 'confirmTitle'
  | 'confirmText'
  | 'confirmDelete'
  | 'cancel'
  | 'deleted'
  | 'dataError';

const messages: Catalog<Key> = {
  en: {
    dataText: 'Download everything this shop keeps about you, or delete your identity.',
    exportData: 'Download my data',
    deleteIdentity: 'Delete my identity',
    confirmTitle: 'Delete your identity?',
    confirmText:
      'Your name, email, phone and payout details are removed, and your link stops earning. The shop keeps the amounts of past orders and commissions, without your name. Earnings not paid out yet can no longer be paid to you. This cannot be undone.',
    confirmDelete: 'Delete',
    cancel: 'Cancel',
    deleted: 'Your identity was deleted. This browser no longer keeps your referral link.',
    dataError: 'That did not work. Try again.',
  },
  'zh-Hant-HK': {
    dataText: '下載此商店保存關於你的所有資料，或刪除你的身份。',
    exportData: '下載我的資料',
    deleteIdentity: '刪除我的身份',
    confirmTitle: '確定刪除你的身份？',
    confirmText:
      '你的名稱、電郵、電話及收款資料會被移除，你的連結亦不再賺取佣金。商店會保留過往訂單及佣金的金額，但不再連結到你。尚未發放的佣金將無法再付給你。此操作無法復原。',
    confirmDelete: '刪除',
    cancel: '取消',
    deleted: '你的身份已刪除，此瀏覽器不再保存你的推介連結。',
    dataError: '未能完成，請再試一次。',
  },
  'zh-Hans': {
    dataText: '下载此商店保存的关于你的全部数据，或删除你的身份。',
    exportData: '下载我的数据',
    deleteIdentity: '删除我的身份',
    confirmTitle: '确定删除你的身份？',
    confirmText:
      '你的名称、邮箱、电话和收款信息将被移除，你的链接也不再赚取佣金。商店会保留过往订单和佣金的金额，但不再关联到你。尚未发放的佣金将无法再支付给你。此操作无法撤销。',
    confirmDelete: '删除',
    cancel: '取消',
    deleted: '你的身份已删除，此浏览器不再保存你的推荐链接。',
    dataError: '操作失败，请重试。',
  },
};

/** The dashboard the controller sits in: it renders into its shadow root and reports failures through it. */
export interface DataRightsHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** Reports a failure as `sc-error`. */
  fail(code: string, message: string, cause?: unknown): void;
}

export interface DataRightsOptions {
  /** The dashboard's language. */
  lang: () => Locale;
  /** The identity was deleted (this browser already forgot the token). */
  deleted: (referrerId: string) => void;
}

export class ReferrerDataRights implements ReactiveController {
  private busy = false;
  private confirming = false;
  private error = '';

  constructor(
    private readonly host: DataRightsHost,
    private readonly options: DataRightsOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  private t(key: Key): string {
    return translate(messages, this.options.lang(), key);
  }

  private set(state: { busy?: boolean; confirming?: boolean; error?: string }) {
    Object.assign(this, state);
    this.host.requestUpdate();
  }

  /** Saves everything the shop keeps about this referrer as a JSON file. */
  private async download(): Promise<void> {
    this.set({ busy: true, error: '' });
    try {
      const data = await exportMyData();
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `my-data-${data.referrer.code}.json`;
      this.host.renderRoot.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      this.set({ busy: false });
    } catch (err) {
      this.set({ busy: false, error: this.t('dataError') });
      this.host.fail((err as ScError).code ?? 'sc_export_failed', (err as Error).message, err);
    }
  }

  /** Opens or closes the confirmation; focus goes to its safe choice, and back to the button. */
  private async confirm(open: boolean): Promise<void> {
    this.set({ confirming: open, error: '' });
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(open ? '[part=cancel]' : '[part=delete]')?.focus();
  }

  private async delete(referrerId: string): Promise<void> {
    this.set({ busy: true, error: '' });
    try {
      await deleteMyIdentity();
      this.set({ busy: false, confirming: false });
      this.options.deleted(referrerId);
      await this.host.updateComplete;
      this.host.renderRoot.querySelector<HTMLElement>('#deleted')?.focus();
    } catch (err) {
      this.set({ busy: false, error: this.t('dataError') });
      this.host.fail((err as ScError).code ?? 'sc_delete_failed', (err as Error).message, err);
    }
  }

  /** The content of the "Your data" section, for the referrer `referrerId`. */
  render(referrerId: string): TemplateResult {
    const busy = this.busy;
    return html`<p class="muted">${this.t('dataText')}</p>
      <div class="row">
        <button part="export" class="secondary" type="button" ?disabled=${busy} @click=${() => this.download()}>
          ${this.t('exportData')}
        </button>
        <button
          part="delete"
          class="danger"
          type="button"
          aria-expanded=${this.confirming ? 'true' : 'false'}
          aria-controls="confirm"
          ?disabled=${busy}
          @click=${() => this.confirm(!this.confirming)}
        >
          ${this.t('deleteIdentity')}
        </button>
      </div>
      <div part="confirm" class="confirm" id="confirm" role="group" aria-labelledby="confirm-title" ?hidden=${!this.confirming}>
        <h3 class="sub" id="confirm-title">${this.t('confirmTitle')}</h3>
        <p class="muted">${this.t('confirmText')}</p>
        <div class="row">
          <button
            part="confirm-delete"
            class="danger solid"
            type="button"
            ?disabled=${busy}
            aria-busy=${busy ? 'true' : 'false'}
            @click=${() => this.delete(referrerId)}
          >
            ${this.t('confirmDelete')}
          </button>
          <button part="cancel" class="secondary" type="button" ?disabled=${busy} @click=${() => this.confirm(false)}>
            ${this.t('cancel')}
          </button>
        </div>
      </div>
      <p part="error" class="error" role="alert">${this.error}</p>`;
  }

  /** What the dashboard shows once the identity is deleted. */
  renderDeleted(): TemplateResult {
    return html`<p class="muted" id="deleted" role="status" tabindex="-1">${this.t('deleted')}</p>`;
  }
}
