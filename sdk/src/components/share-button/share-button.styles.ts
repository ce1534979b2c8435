import { css } from 'lit';

export default css`
  :host {
    --_bg: var(--sc-share-button-bg, var(--sc-color-primary, #c2410c));
    --_fg: var(--sc-share-button-color, var(--sc-color-on-primary, #fff));
    --_radius: var(--sc-share-button-radius, var(--sc-radius, 0.5rem));
    --_padding: var(--sc-share-button-padding, 0.625rem 1.125rem);
    --_min-width: var(--sc-share-button-min-width, 11rem);
    --_muted: var(--sc-share-button-disclosure-color, var(--sc-color-muted, #57534e));
    display: inline-block;
    vertical-align: top;
  }
  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    min-inline-size: var(--_min-width);
    min-block-size: 2.75rem;
    padding: var(--_padding);
    font-weight: 600;
    color: var(--_fg);
    background: var(--_bg);
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
  svg {
    inline-size: 1.125em;
    block-size: 1.125em;
    flex: none;
  }
  p {
    margin: 0.375rem 0 0;
    max-inline-size: 24rem;
    font-size: 0.8125em;
    color: var(--_muted);
  }
  .error {
    color: var(--sc-color-danger, #b91c1c);
  }
  .error:empty {
    display: none;
  }
`;
