/**
 * Global theming tokens and the host styles every component shares (in the share button's first
 * paint: a rule only some components use goes in their own styles, or in `sr-only.ts`).
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
    outline-color: var(--sc-color-focus, #2563eb);
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  .skeleton {
    color: transparent !important;
    background: var(--sc-color-border, #d6d3d1);
  }
`;
