import { css } from 'lit';

export default css`
  :host {
    --_bg: var(--sc-order-tracker-bg, #fff7ed);
    --_fg: var(--sc-order-tracker-color, var(--sc-color-text, inherit));
    --_accent: var(--sc-order-tracker-accent, var(--sc-color-primary, #c2410c));
    --_on-accent: var(--sc-color-on-primary, #fff);
    --_radius: var(--sc-order-tracker-radius, var(--sc-radius, 0.5rem));
    --_min-height: var(--sc-order-tracker-min-height, 9rem);
    display: block;
  }
  .base {
    display: flex;
    gap: 0.875rem;
    align-items: flex-start;
    min-block-size: var(--_min-height);
    padding: 1rem 1.125rem;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid color-mix(in srgb, var(--_accent) 35%, transparent);
    border-radius: var(--_radius);
  }
  .icon {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: 2.5rem;
    block-size: 2.5rem;
    color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
    border-radius: 50%;
  }
  .icon svg {
    inline-size: 1.375rem;
    block-size: 1.375rem;
  }
  .content {
    flex: 1;
    min-inline-size: 0;
  }
  .title {
    margin: 0 0 0.25rem;
    font-size: 1.0625em;
  }
  .text {
    margin: 0 0 0.75rem;
    font-size: 0.9375em;
  }
  .text.skeleton {
    max-inline-size: 18rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
  }
  button {
    min-block-size: 2.75rem;
    min-inline-size: 9rem;
    padding: 0.5rem 1.125rem;
    font-weight: 600;
    color: var(--_on-accent);
    background: var(--_accent);
    border: 0;
    border-radius: var(--_radius);
  }
  button:hover {
    filter: brightness(1.08);
  }
  button[aria-busy='true'] {
    cursor: progress;
    opacity: 0.8;
  }
  .badge {
    padding: 0.125rem 0.5rem;
    font-size: 0.8125em;
    font-weight: 600;
    color: #166534;
    background: #dcfce7;
    border-radius: 999px;
  }
  .status,
  .error {
    margin: 0.5rem 0 0;
    font-size: 0.875em;
  }
  .status:empty,
  .error:empty {
    display: none;
  }
  .error {
    color: var(--sc-color-danger, #b91c1c);
  }
`;
