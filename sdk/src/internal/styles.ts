/**
 * Global theming tokens and the host styles every component shares.
 *
 * Global tokens (set them on `:root` or any ancestor; they inherit through shadow roots):
 * `--sc-color-primary` (#c2410c), `--sc-color-on-primary` (#fff), `--sc-color-text` (inherit),
 * `--sc-color-muted` (#57534e), `--sc-color-surface` (#fff), `--sc-color-border` (#d6d3d1),
 * `--sc-color-danger` (#b91c1c), `--sc-color-focus` (#2563eb), `--sc-radius` (0.5rem),
 * `--sc-font-family` (inherit), `--sc-font-size` (1rem), `--sc-shadow` (a soft drop shadow).
 *
 * Each component reads its public `--sc-<component>-<token>` into a private `--_<token>` whose
 * default is the global token (the material-web pattern), e.g. in the share button:
 * `--_bg: var(--sc-share-button-bg, var(--sc-color-primary, #c2410c));`.
 */
import { css } from 'lit';

export const hostStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--sc-font-family, inherit);
    font-size: var(--sc-font-size, 1rem);
    color: var(--sc-color-text, inherit);
    line-height: 1.4;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--sc-color-focus, #2563eb);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  @keyframes sc-pulse {
    50% {
      opacity: 0.5;
    }
  }
  .skeleton {
    color: transparent !important;
    background: var(--sc-color-border, #d6d3d1);
    border-radius: var(--sc-radius, 0.5rem);
    animation: sc-pulse 1.5s ease-in-out infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }
`;
