import { css } from 'lit';

export default css`
  :host {
    --_bg: var(--sc-team-buy-bg, var(--sc-color-surface, #fff));
    --_fg: var(--sc-team-buy-color, var(--sc-color-text, inherit));
    --_accent: var(--sc-team-buy-accent, var(--sc-color-primary, #c2410c));
    --_radius: var(--sc-team-buy-radius, var(--sc-radius, 0.5rem));
    --_avatar: var(--sc-team-buy-avatar-size, 2.5rem);
    --_muted: var(--sc-color-muted, #57534e);
    display: block;
  }
  .base {
    min-block-size: var(--sc-team-buy-min-height, 8rem);
    padding: 1rem 1.125rem;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--sc-color-border, #d6d3d1);
    border-radius: var(--_radius);
  }
  h2 {
    margin: 0 0 0.25rem;
    font-size: 1.0625em;
  }
  h3 {
    margin: 1rem 0 0.25rem;
    font-size: 1em;
  }
  p {
    margin: 0.375rem 0;
  }
  .prices strong {
    font-size: 1.375em;
    color: var(--_accent);
  }
  .muted {
    color: var(--_muted);
  }
  .saving {
    padding: 0 0.375rem;
    font-weight: 600;
    color: #166534;
    background: #dcfce7;
    border-radius: 1rem;
  }
  .tiers {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 0.9375em;
  }
  .field {
    display: grid;
    gap: 0.25rem;
    margin: 0.75rem 0 0.5rem;
    font-size: 0.875em;
  }
  input {
    max-inline-size: 20rem;
    min-block-size: 2.5rem;
    padding: 0.375rem 0.5rem;
    font: inherit;
    border: 1px solid var(--sc-color-border, #a8a29e);
    border-radius: var(--_radius);
  }
  button {
    min-block-size: 2.75rem;
    padding: 0.5rem 1rem;
    font-weight: 600;
    color: var(--_accent);
    background: transparent;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
  }
  .primary {
    color: var(--sc-color-on-primary, #fff);
    background: var(--_accent);
  }
  button[aria-busy='true'] {
    cursor: progress;
  }
  .teams {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .teams li {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.75rem;
    padding: 0.5rem 0;
    border-top: 1px solid var(--sc-color-border, #e7e5e4);
    font-variant-numeric: tabular-nums;
  }
  .members {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin: 0.75rem 0 0.25rem;
    padding: 0;
    list-style: none;
  }
  .members li {
    display: grid;
    place-items: center;
    inline-size: var(--_avatar);
    block-size: var(--_avatar);
    font-weight: 700;
    color: var(--sc-color-on-primary, #fff);
    background: var(--_accent);
    border-radius: 50%;
  }
  .members [part~='leader'] {
    box-shadow: 0 0 0 2px var(--_bg), 0 0 0 4px var(--_accent);
  }
  .members [part='seat'] {
    background: transparent;
    border: 2px dashed var(--sc-color-border, #a8a29e);
  }
  .countdown {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .complete .status {
    font-weight: 600;
    color: #166534;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
  .rules {
    margin-top: 0.75rem;
    font-size: 0.875em;
    color: var(--_muted);
  }
  .rules summary {
    cursor: pointer;
  }
  .error {
    color: var(--sc-color-danger, #b91c1c);
  }
  .error:empty {
    display: none;
  }
`;
