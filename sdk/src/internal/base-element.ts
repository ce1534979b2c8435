/**
 * The base class of every ShareCart element: Lit's `LitElement` plus
 * - `define(tag)`: registers the class, a no-op when this SDK version already registered the tag
 *   (safe when the script is on the page twice) and a warning when another version did;
 * - `emit()`: a typed `sc-*` event that bubbles and is composed; `fail()`: an `sc-error` (controllers
 *   such as `share-controller.ts` and `copy-link.ts` report through their host);
 * - `lang_`: the element's resolved locale (see `i18n.ts`), re-rendered when `locale` changes;
 * - `refresh()`: called on connect, when consent is given and on `configure()`, so components that
 *   load data start only when they may.
 *
 * Every component declares its reactive properties the same way: `static properties` (with `state:
 * true` for internal state), and fields with JSDoc (`declare` for those without a default). Not
 * decorators: their helpers (and tslib's) would be one more chunk on every page with a component, so
 * the build refuses them (rollup.config.ts).
 *
 * @example
 * export class MyWidget extends ShareCartElement {
 *   static override properties = { product: { reflect: true }, config: { state: true } };
 *   product = ''; // with JSDoc: custom-elements.json describes the attribute from it
 *   private config: ShopConfig | null = null;
 *   protected override refresh() {
 *     if (this.allowed) getConfig().then((c) => (this.config = c));
 *   }
 * }
 * MyWidget.define('my-widget');
 */
import { LitElement, type PropertyDeclarations } from 'lit';
import { DEV_MODE, VERSION } from './env.js';
import { emit, type ScEventDetails, type ScEventName } from './events.js';
import { localeOf, type Locale } from './i18n.js';
import { allowed } from './runtime.js';

export class ShareCartElement extends LitElement {
  /** The SDK version that defined this class. */
  static readonly version: string = VERSION;

  /**
   * Registers this class under `tag`, unless the tag is taken: same version → silently kept; other
   * version → kept, with a warning in development.
   */
  static define(tag: string): void {
    const existing = customElements.get(tag) as (CustomElementConstructor & { version?: string }) | undefined;
    if (existing) {
      if (DEV_MODE && existing.version !== VERSION) {
        console.warn(`[ShareCart] <${tag}> is already defined by version ${existing.version ?? 'unknown'}; keeping it.`);
      }
      return;
    }
    customElements.define(tag, this);
  }

  static override properties: PropertyDeclarations = { locale: { reflect: true } };

  /** UI language: `en`, `zh-Hant-HK` or `zh-Hans` (any BCP-47 tag is mapped). Default: inherited `lang`. */
  declare locale?: string;

  /** The resolved locale. */
  protected get lang_(): Locale {
    return localeOf(this);
  }

  /** Fires a typed, bubbling, composed `sc-*` event from this element. */
  emit<K extends ScEventName>(name: K, detail: ScEventDetails[K]): CustomEvent<ScEventDetails[K]> {
    return emit(name, detail, this);
  }

  /**
   * Reports a failure as an `sc-error` event from this element (and in development on the console).
   * Public so that controllers (`share-controller.ts`, `copy-link.ts`) report through their host.
   */
  fail(code: string, message: string, cause?: unknown): void {
    if (DEV_MODE) console.warn(`[ShareCart] ${code}: ${message}`, cause ?? '');
    this.emit('sc-error', { code, message });
  }

  /** May this element call the API / store data now (consent mode)? */
  protected get allowed(): boolean {
    return allowed();
  }

  private readonly onConsent = () => this.refresh();

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('sc-consent', this.onConsent);
    document.addEventListener('sc-configured', this.onConsent);
    this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('sc-consent', this.onConsent);
    document.removeEventListener('sc-configured', this.onConsent);
  }

  /** (Re)loads what the element shows. Called on connect, when consent is given and on `configure()`. */
  protected refresh(): void {}
}
