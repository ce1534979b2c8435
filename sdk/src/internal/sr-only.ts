/**
 * `.sr-only`: text for screen readers only (a link's "opens in a new tab", a form field's label).
 * Not in `hostStyles` because the share button, in every first paint, has none; the components that
 * use it list it after `hostStyles`. Its chunk is `share-links`, which those components load anyway.
 */
import { css } from 'lit';

export const srOnlyStyles = css`
  .sr-only {
    position: absolute;
    clip-path: inset(50%);
    width: 1px;
    height: 1px;
    overflow: hidden;
  }
`;
