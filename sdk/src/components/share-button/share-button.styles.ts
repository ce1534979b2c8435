import { css } from 'lit';

export default css`
  :host {
    --_bg: var(--sc-share-button-bg, var(--sc-color-primary, #c2410c));
    --_fg: var(--sc-share-button-color, var(--sc-color-on-primary, #fff));
    --_radius: var(--sc-share-button-radius, var(--sc-radius, 0.5rem));
    display: inline-block;
    vertical-align: top;
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    min-inline-size: var(--sc-share-button-min-width, 11rem);
    min-block-size: 2.75rem;
    padding: var(--sc-share-button-padding, 0.625rem 1.125rem);
    font-weight: 600;
    color: var(--_fg);
    background: var(--_bg);
    border: 0;
    border-radius: var(--_radius);
  }
  button[aria-busy='true'] {
    cursor: progress;
  }
  svg {
    width: 1.125em;
    fill: currentColor;
  }
  p {
    margin: 0.375rem 0 0;
    font-size: 0.8125em;
    color: var(--sc-share-button-disclosure-color, var(--sc-color-muted, #57534e));
  }
  .error {
    color: var(--sc-color-danger, #b91c1c);
  }
  .error:empty {
    display: none;
  }
`;
