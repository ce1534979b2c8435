/**
 * axe-core (a devDependency, never bundled) for the end-to-end tests: WCAG 2.0/2.1 A and AA rules plus
 * the label-in-name rule (WCAG 2.5.3, which axe still ships as experimental), through open shadow roots.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(resolve(import.meta.dirname, '../../../node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe on the whole document; one line per failing node: `rule (impact) at target: help. why`.
 * The source is evaluated through the DevTools protocol, so a page's CSP (script-src 'self',
 * Trusted Types) neither blocks nor counts it.
 * @example expect(await axeViolations(page)).toEqual([]);
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE_SOURCE};void 0`);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      rules: { 'label-content-name-mismatch': { enabled: true } },
      resultTypes: ['violations'],
    });
    const where = (target: unknown[]) => target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(' | ');
    return results.violations.flatMap((v) =>
      v.nodes.map(
        (n) => `${v.id} (${v.impact}) at ${where(n.target)}: ${v.help}. ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`,
      ),
    );
  });
}
