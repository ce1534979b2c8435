import { css } from 'lit';

export default css`
  :host {
    --_bg: var(--sc-share-sheet-bg, var(--sc-color-surface, #fff));
    --_fg: var(--sc-share-sheet-color, var(--sc-color-text, #1c1917));
    --_radius: var(--sc-share-sheet-radius, var(--sc-radius, 0.5rem));
    --_accent: var(--sc-share-sheet-accent, var(--sc-color-primary, #c2410c));
    --_muted: var(--sc-color-muted, #57534e);
    --_border: var(--sc-color-border, #d6d3d1);
    display: contents;
  }
  dialog {
    width: min(28rem, calc(100vw - 1rem));
    max-height: calc(100dvh - 1rem);
    padding: 1rem;
    color: var(--_fg);
    background: var(--_bg);
    border: 0;
    border-radius: var(--_radius);
    box-shadow: var(--sc-shadow, 0 10px 30px rgb(0 0 0 / 0.25));
  }
  dialog::backdrop {
    background: var(--sc-share-sheet-backdrop, rgb(0 0 0 / 0.45));
  }
  @media (max-width: 40rem) {
    dialog {
      margin: auto auto 0;
      border-end-start-radius: 0;
      border-end-end-radius: 0;
    }
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    margin-block-end: 0.75rem;
  }
  h2 {
    margin: 0;
    font-size: 1.125em;
  }
  .close {
    inline-size: 2.5rem;
    block-size: 2.5rem;
    font-size: 1.5rem;
    line-height: 1;
    color: inherit;
    background: none;
    border: 0;
    border-radius: 50%;
  }
  .row {
    display: flex;
    gap: 0.5rem;
  }
  input {
    flex: 1;
    min-inline-size: 0;
    padding: 0.5rem;
    font: inherit;
    color: inherit;
    background: transparent;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .copy {
    padding: 0.5rem 0.875rem;
    color: var(--sc-color-on-primary, #fff);
    background: var(--_accent);
    border: 0;
    border-radius: var(--_radius);
  }
  ul {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(6.5rem, 1fr));
    gap: 0.5rem;
    margin: 0.75rem 0 0;
    padding: 0;
    list-style: none;
  }
  .channel {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    inline-size: 100%;
    padding: 0.5rem;
    font: inherit;
    color: inherit;
    text-decoration: none;
    background: none;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .channel:hover {
    border-color: var(--_accent);
  }
  .dot {
    flex: none;
    inline-size: 0.75rem;
    block-size: 0.75rem;
    background: var(--_c);
    border-radius: 50%;
  }
  .whatsapp { --_c: #25d366; }
  .facebook { --_c: #1877f2; }
  .x, .threads { --_c: #000; }
  .telegram { --_c: #229ed9; }
  .line { --_c: #06c755; }
  .weibo { --_c: #e6162d; }
  .email { --_c: #78716c; }
  .wechat { --_c: #07c160; }
  .hint {
    margin: 0 0 0.75rem;
    color: var(--_muted);
  }
  .wechat-menu {
    position: fixed;
    inset-block-start: 0.5rem;
    inset-inline-end: 0.75rem;
    max-inline-size: 16rem;
    padding: 0.75rem;
    color: #000; /* white on WeChat green is 2.4:1; black is 8.8:1 (WCAG AA 1.4.3) */
    background: #07c160;
    border-radius: var(--_radius);
  }
  .wechat-menu::before {
    content: '↗';
    display: block;
    font-size: 2rem;
    text-align: end;
  }
  .qr {
    display: grid;
    justify-items: center;
    gap: 0.5rem;
    margin-block-start: 0.75rem;
  }
  .qr svg {
    inline-size: 12rem;
    block-size: 12rem;
    background: #fff;
  }
  .status {
    min-block-size: 1.4em;
    margin: 0.5rem 0 0;
    color: var(--_muted);
    font-size: 0.875em;
  }
`;
