import { css } from 'lit';

export default css`
  :host {
    --_bg: var(--sc-referrer-dashboard-bg, var(--sc-color-surface, #fff));
    --_accent: var(--sc-referrer-dashboard-accent, var(--sc-color-primary, #c2410c));
    --_border: var(--sc-referrer-dashboard-border, var(--sc-color-border, #d6d3d1));
    --_radius: var(--sc-referrer-dashboard-radius, var(--sc-radius, 0.5rem));
    --_muted: var(--sc-color-muted, #57534e);
    display: block;
  }
  .base {
    padding: var(--sc-referrer-dashboard-padding, 1.25rem);
    color: var(--sc-referrer-dashboard-color, var(--sc-color-text, inherit));
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .loading {
    min-block-size: var(--sc-referrer-dashboard-min-height, 26rem);
  }
  .header,
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .title {
    margin: 0 0 0.75rem;
    font-size: 1.125em;
  }
  .header .title {
    margin: 0;
  }
  .header {
    margin-block-end: 0.75rem;
  }
  .sub {
    margin: 1.25rem 0 0.5rem;
    font-size: 0.9375em;
  }
  .badge,
  .pill {
    padding: 0 0.5rem;
    font-size: 0.75em;
    font-weight: 600;
    border-radius: 1rem;
    color: #166534;
    background: #dcfce7;
  }
  .warn,
  .pending.pill {
    color: #92400e;
    background: #fef3c7;
  }
  .on_hold {
    color: #9f1239;
    background: #ffe4e6;
  }
  .none {
    color: var(--_muted);
    background: none;
  }
  .muted,
  .hint,
  dt,
  .when {
    margin: 0.25rem 0;
    color: var(--_muted);
    font-size: 0.875em;
  }
  .grow,
  .link {
    flex: 1 1 14rem;
    min-inline-size: 0;
  }
  input,
  button,
  .field {
    min-block-size: 2.75rem;
    padding: 0.5rem 0.75rem;
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  input[readonly] {
    background: color-mix(in srgb, var(--_border) 20%, var(--_bg));
  }
  [aria-invalid='true'] {
    border-color: var(--sc-color-danger, #b91c1c);
  }
  button {
    font-weight: 600;
    color: var(--_accent);
    border-color: var(--_accent);
  }
  .primary,
  .copy {
    color: var(--sc-color-on-primary, #fff);
    background: var(--_accent);
  }
  button:hover {
    filter: brightness(1.08);
  }
  .status {
    min-block-size: 1.25em;
    margin: 0;
    font-size: 0.875em;
    color: var(--_accent);
  }
  .qr {
    text-align: center;
  }
  .qr svg {
    inline-size: 11rem;
    background: #fff;
    shape-rendering: crispEdges;
  }
  dl,
  dd,
  ul {
    margin: 0;
    padding: 0;
  }
  .stats {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(5.5rem, 1fr));
    gap: 0.5rem;
  }
  .tile {
    min-block-size: 4.25rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .num {
    font-size: 1.375em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .money {
    grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr));
  }
  .money .num {
    font-size: 1.125em;
    overflow-wrap: anywhere;
  }
  .pending .num {
    color: var(--_accent);
  }
  .order {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 0.75rem;
    padding: 0.5rem 0;
    border-block-end: 1px solid var(--_border);
  }
  .what {
    flex: 1;
  }
  .when {
    flex-basis: 100%;
    margin: 0;
  }
  .earned {
    font-weight: 700;
  }
  .claim {
    margin-block-start: 1rem;
    border-block-start: 1px solid var(--_border);
  }
  .error {
    font-size: 0.875em;
    color: var(--sc-color-danger, #b91c1c);
  }
  .error:empty {
    display: none;
  }
  .field {
    margin-block-end: 1rem;
  }
  .data {
    margin-block-start: 1rem;
    border-block-start: 1px solid var(--_border);
  }
  summary {
    padding-block: 0.75rem;
    font-weight: 600;
    cursor: pointer;
  }
  .danger {
    color: var(--sc-color-danger, #b91c1c);
    border-color: currentColor;
  }
  .solid {
    color: #fff;
    background: var(--sc-color-danger, #b91c1c);
  }
  .confirm[hidden] {
    display: none;
  }
`;
