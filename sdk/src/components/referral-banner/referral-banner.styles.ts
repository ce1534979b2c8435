import { css } from 'lit';

export default css`
  :host {
    --_bg: var(--sc-referral-banner-bg, #fff7ed);
    --_fg: var(--sc-referral-banner-color, var(--sc-color-text, #1c1917));
    --_accent: var(--sc-referral-banner-accent, var(--sc-color-primary, #c2410c));
    --_radius: var(--sc-referral-banner-radius, var(--sc-radius, 0.5rem));
    --_min-height: var(--sc-referral-banner-min-height, 3.5rem);
    display: block;
  }
  .banner {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    min-block-size: var(--_min-height);
    padding: 0.5rem 0.5rem 0.5rem 1rem;
    color: var(--_fg);
    background: var(--_bg);
    border-inline-start: 4px solid var(--_accent);
    border-radius: var(--_radius);
  }
  .icon {
    flex: none;
    font-size: 1.25em;
  }
  p {
    flex: 1;
    margin: 0;
    font-weight: 600;
  }
  button {
    flex: none;
    inline-size: 2.5rem;
    block-size: 2.5rem;
    font-size: 1.25rem;
    color: inherit;
    background: none;
    border: 0;
    border-radius: 50%;
  }
  .skeleton {
    border-inline-start-color: transparent;
  }
`;
