/**
 * Lazy loading: fetches a component's chunk (and with it Lit) only once its tag is in the page,
 * including tags inserted later (a MutationObserver on the document). The same observer fills the
 * checkout fields (`<input name="sharecart_click">`, `<input name="sharecart_team">`) that forms add
 * later, once per batch of changes.
 */
import { DEV_MODE } from '../internal/env.js';
import { fillInputs } from '../internal/storage.js';

export function autoload(components: Record<string, () => Promise<unknown>>): MutationObserver {
  const pending = new Map(Object.entries(components));
  const scan = (root: Element | Document) => {
    for (const [tag, load] of pending) {
      if ((root as Element).localName == tag || root.querySelector(tag)) {
        pending.delete(tag);
        load().catch((cause) => {
          pending.set(tag, load); // retry on the next insertion
          console.error(`[ShareCart] sc_chunk_failed: could not load <${tag}>`, DEV_MODE ? cause : '');
        });
      }
    }
  };
  scan(document);
  fillInputs();
  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node.nodeType == 1) scan(node as Element);
    fillInputs();
  });
  observer.observe(document, { childList: true, subtree: true });
  return observer;
}
