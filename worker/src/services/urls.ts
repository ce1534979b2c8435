/**
 * The request-time half of the URL rules in domain/urls.ts. The schemas check the shape of a URL
 * (as local development accepts it); these checks apply the environment (https only and public
 * webhook hosts outside local development) and answer 400 `invalid_request` with one issue per
 * refused URL (`code: "invalid_url"`), in the same shape as a schema failure.
 */
import { ApiError } from '../errors.js';
import { productUrlProblem, webhookUrlProblem } from '../domain/urls.js';
import { isLocal } from '../lib/environment.js';

export interface UrlCheck {
  /** where the URL is in the body, e.g. "products.2.imageUrl" */
  path: string;
  kind: 'product' | 'webhook';
  value: string | null | undefined;
}

/** The checks for products' `url` and `imageUrl`. @example productUrlChecks(body.products ?? [], 'products.') */
export function productUrlChecks(
  products: Array<{ url?: string | null; imageUrl?: string | null }>,
  prefix = (i: number) => `products.${i}.`,
): UrlCheck[] {
  return products.flatMap((p, i) => [
    { path: `${prefix(i)}url`, kind: 'product' as const, value: p.url },
    { path: `${prefix(i)}imageUrl`, kind: 'product' as const, value: p.imageUrl },
  ]);
}

/**
 * Throws a 400 `invalid_request` naming every URL refused in this environment.
 * @example refuseBadUrls(c.env, [{ path: 'webhookUrl', kind: 'webhook', value: body.webhookUrl }])
 */
export function refuseBadUrls(env: { ENVIRONMENT?: string }, checks: UrlCheck[]): void {
  const context = { local: isLocal(env) };
  const issues = checks.flatMap(({ path, kind, value }) => {
    if (value === null || value === undefined) return [];
    const message = kind === 'webhook' ? webhookUrlProblem(value, context) : productUrlProblem(value, context);
    return message ? [{ path, code: 'invalid_url', message }] : [];
  });
  const first = issues[0];
  if (first) throw new ApiError(400, 'invalid_request', `${first.path}: ${first.message}`, { issues });
}
