/** The shell of `<sc-shop-dashboard>`: header, navigation (a scrolling row on a phone), main area. */
import { css } from 'lit';

export default css`
  :host {
    max-width: 72rem;
    margin: 0 auto;
    padding: 0 1rem 2rem;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: space-between;
    align-items: center;
    padding: 0.75rem 0;
  }
  h1 {
    font-size: 1.3rem;
    margin: 0;
  }
  .brand {
    color: var(--_accent);
  }
  header select {
    width: auto;
  }
  nav ul {
    list-style: none;
    display: flex;
    gap: 0.25rem;
    margin: 0 0 1rem;
    padding: 0;
    overflow-x: auto;
    border-bottom: 1px solid var(--_border);
  }
  nav button.tab {
    background: transparent;
    color: inherit;
    border: 0;
    border-bottom: 3px solid transparent;
    border-radius: 0;
    white-space: nowrap;
  }
  nav button.tab[aria-current='page'] {
    border-bottom-color: var(--_accent);
    color: var(--_accent);
    font-weight: 700;
  }
  .signin {
    max-width: 30rem;
    margin: 3rem auto;
  }
`;
