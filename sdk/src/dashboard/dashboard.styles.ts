/**
 * Styles shared by the dashboard's shell and views: layout, tables (scrollable on a phone), forms,
 * buttons, figures. Themable with the global `--sc-*` tokens (internal/styles.ts) and
 * `--sc-dashboard-*`: `--sc-dashboard-bg`, `--sc-dashboard-accent`, `--sc-dashboard-border`.
 */
import { css } from 'lit';

export const dashboardStyles = css`
  :host {
    display: block;
    --_bg: var(--sc-dashboard-bg, var(--sc-color-surface, #fff));
    --_accent: var(--sc-dashboard-accent, var(--sc-color-primary, #c2410c));
    --_border: var(--sc-dashboard-border, var(--sc-color-border, #d6d3d1));
    --_muted: var(--sc-color-muted, #57534e);
    --_danger: var(--sc-color-danger, #b91c1c);
    --_radius: var(--sc-radius, 0.5rem);
    line-height: 1.45;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.75rem;
  }
  h3 {
    font-size: 1.05rem;
    margin: 1.25rem 0 0.5rem;
  }
  .muted {
    color: var(--_muted);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: 0.75rem;
    margin: 0 0 1rem;
  }
  .card {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.75rem;
    background: var(--_bg);
  }
  .figure {
    font-size: 1.4rem;
    font-weight: 700;
  }
  .scroll {
    overflow-x: auto;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9rem;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding: 0.25rem 0;
  }
  th,
  td {
    text-align: start;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  td.num,
  th.num {
    text-align: end;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  button,
  .button {
    font: inherit;
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--sc-color-on-primary, #fff);
    border-radius: var(--_radius);
    padding: 0.4rem 0.8rem;
    min-height: 2.5rem;
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
  }
  button.secondary,
  .button.secondary {
    background: transparent;
    color: var(--_accent);
  }
  button.danger {
    background: transparent;
    border-color: var(--_danger);
    color: var(--_danger);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  dialog.ask {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: inherit;
    padding: 1rem;
    max-width: min(28rem, calc(100vw - 2rem));
  }
  dialog.ask::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  :focus-visible {
    outline: 3px solid var(--sc-color-focus, #2563eb);
    outline-offset: 2px;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.75rem 0 0.25rem;
  }
  label.check {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    font-weight: 400;
  }
  input:not([type='checkbox']),
  select,
  textarea {
    font: inherit;
    width: 100%;
    max-width: 32rem;
    padding: 0.45rem 0.5rem;
    border: 1px solid var(--_muted);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: inherit;
    min-height: 2.5rem;
  }
  input[type='checkbox'] {
    width: 1.25rem;
    height: 1.25rem;
    margin-top: 0.1rem;
  }
  .error {
    color: var(--_danger);
  }
  .error:empty {
    display: none;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 0 0.5rem;
    font-size: 0.8rem;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  code,
  pre {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 0.85rem;
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @media (max-width: 40rem) {
    th,
    td {
      padding: 0.35rem 0.3rem;
    }
  }
`;
