import { describe, expect, it } from 'vitest';
import { call } from './helpers';
import { VERSION } from '../src/version';

describe('the API index (the base URL that npm start prints)', () => {
  it.each(['/v1/', '/v1'])('GET %s answers JSON with the name, the version and where the reference lives', async (path) => {
    const res = await call(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      name: 'ShareCart API',
      version: VERSION,
      links: { docs: '/docs', openapi: '/openapi.json', health: '/healthz', sdk: '/sdk/sharecart.js', shop: '/shop/' },
    });
  });

  it('needs no key, and every link it gives to the worker answers', async () => {
    const { body } = await call('/v1/');
    for (const path of ['docs', 'openapi', 'health'] as const) {
      expect((await call(body.links[path])).status, path).toBe(200);
    }
  });

  it('is in the OpenAPI document with an operation id', async () => {
    const doc = await call('/openapi.json');
    expect(doc.body.paths['/v1']?.get?.operationId).toBe('getApiIndex');
    expect(doc.body.components.schemas.ApiIndex).toBeDefined();
  });

  it('does not swallow other /v1 routes: an unknown one is still a JSON 404', async () => {
    const res = await call('/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });
});
