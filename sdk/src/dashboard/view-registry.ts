/**
 * The dashboard's views: one entry each, in the order of the navigation. A view is a custom
 * element that extends `DashboardView` (dashboard-view.ts), loaded on first use.
 *
 * Adding a view (e.g. the teams of issue 6: open, complete, expired) is one call, before or
 * after `<sc-shop-dashboard>` renders:
 * @example
 * registerView({
 *   id: 'teams',
 *   tag: 'sc-dashboard-teams',
 *   label: { en: 'Teams', 'zh-Hant-HK': '拼團', 'zh-Hans': '拼团' },
 *   order: 35,
 *   load: () => import('./views/teams-view.js'),
 * });
 */
import type { Locale } from '../wire.js';

export interface ViewDefinition {
  /** In the URL fragment (`#/teams`) and `data-view`. */
  id: string;
  /** The view's element; `load()` must define it. */
  tag: string;
  /** The navigation label in each locale (English is the fallback). */
  label: { en: string } & Partial<Record<Locale, string>>;
  /** Position in the navigation, ascending (built-in views use 10, 20, … 70). */
  order: number;
  /** Loads the module that defines `tag`. */
  load: () => Promise<unknown>;
}

const views = new Map<string, ViewDefinition>();
const listeners = new Set<() => void>();

/** Adds (or replaces) a view; open dashboards show it at once. */
export function registerView(view: ViewDefinition): void {
  views.set(view.id, view);
  for (const l of listeners) l();
}

/** The registered views, in navigation order. */
export function registeredViews(): ViewDefinition[] {
  return [...views.values()].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** Calls `listener` whenever a view is registered; returns the unsubscribe function. */
export function onViewsChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
