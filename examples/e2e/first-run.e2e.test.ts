/**
 * A first run that never 404s: every address `npm start` prints (scripts/lib/start-links.mjs, the
 * same list the banner is made from) answers 2xx or 3xx, and so does every link on the start page
 * at `/`; `/v1/` answers the API index as JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { api, merchant } from './support/browser.js';
import { referralLinks, startLinks } from '../../scripts/lib/start-links.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

/** The demo referrers, as `npm start` reads them: the seed generator's summary (it is deterministic). */
function seededReferrers(): Array<{ code: string; vanityCode: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'sharecart-first-run-'));
  try {
    const gen = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['seeds/generate.ts', '--origin', api, '--out', join(dir, 'seed.sql')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    if (gen.status !== 0) throw new Error(`seed generator failed:\n${gen.stderr}`);
    return JSON.parse(gen.stdout.trim().split('\n').pop()!).referrers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const status = async (url: string) => (await fetch(url, { redirect: 'manual' })).status;

describe('the first run', () => {
  test.each(startLinks(api, { merchant }).map((l) => [l.label, l.url]))('%s (%s) answers', async (_label, url) => {
    expect(await status(url)).toBeLessThan(400);
  });

  test('every referral link it prints redirects to the shop', async () => {
    const links = referralLinks(api, seededReferrers());
    expect(links.length).toBeGreaterThan(0);
    for (const url of links) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status, url).toBe(302);
      expect(new URL(res.headers.get('location')!).pathname, url).toBe('/shop/');
    }
  });

  test('/ is a page that links the shop, the docs and the API, and every link on it answers', async () => {
    const res = await fetch(`${api}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/<script|\son[a-z]+=|\sstyle=/i); // nothing a strict CSP would refuse
    const hrefs = [...html.matchAll(/<(?:a|link)\b[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]);
    for (const path of ['/shop/', '/shop/csp', '/extend/', '/docs', '/openapi.json', '/v1/']) expect(hrefs).toContain(path);
    for (const href of hrefs) expect(await status(new URL(href, `${api}/`).href), href).toBeLessThan(400);
  });

  test.each(['/v1/', '/v1'])('%s answers the API index as JSON', async (path) => {
    const res = await fetch(`${api}${path}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { name: string; version: string; links: Record<string, string> };
    expect(body).toMatchObject({ name: 'ShareCart API', links: { docs: '/docs', openapi: '/openapi.json' } });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
