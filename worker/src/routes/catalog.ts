/** The catalogue (secret key): `/v1/program` and `/v1/products`. Prices live here, not in the page. */
import { z } from '@hono/zod-openapi';
import { PageQuery, Sku, errorResponses, listOf } from '../contract/common.js';
import { ProductSchema, ProductUpdateSchema } from '../contract/products.js';
import { ProgramSchema, ProgramUpdateSchema } from '../contract/program.js';
import { changeProgram, listProducts, putProduct, readProgram } from '../services/catalog.js';
import { createRouter, shopRoute, secretRoute } from './router.js';

export const program = createRouter();
export const products = createRouter();

const ProgramResult = z.object({ program: ProgramSchema }).openapi('ProgramResult');
const ProductResult = z.object({ product: ProductSchema }).openapi('ProductResult');

program.openapi(
  shopRoute({
    method: 'get',
    path: '/',
    operationId: 'getProgram',
    tags: ['Catalog'],
    summary: 'The commission program',
    responses: {
      200: { description: 'The program.', content: { 'application/json': { schema: ProgramResult } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json(await readProgram(c.env.DB, c.get('shop').id), 200),
);

program.openapi(
  shopRoute({
    method: 'put',
    path: '/',
    operationId: 'updateProgram',
    tags: ['Catalog'],
    summary: 'Change the commission program (applies to orders reported from now on)',
    request: { body: { content: { 'application/json': { schema: ProgramUpdateSchema } }, required: true } },
    responses: {
      200: { description: 'The program.', content: { 'application/json': { schema: ProgramResult } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await changeProgram(c.env, c.get('shop').id, c.req.valid('json'), c.get('now')), 200),
);

products.openapi(
  secretRoute({
    method: 'get',
    path: '/',
    operationId: 'listProducts',
    tags: ['Catalog'],
    summary: 'Products in sku order, with what one sale earns a referrer',
    request: { query: PageQuery },
    responses: {
      200: { description: 'A page of products.', content: { 'application/json': { schema: listOf(ProductSchema) } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await listProducts(c.env.DB, c.get('shop').id, c.req.valid('query')), 200),
);

products.openapi(
  secretRoute({
    method: 'put',
    path: '/{sku}',
    operationId: 'putProduct',
    tags: ['Catalog'],
    summary: 'Create or replace a product (price, names, per-product commission override)',
    request: {
      params: z.object({ sku: Sku }),
      body: { content: { 'application/json': { schema: ProductUpdateSchema } }, required: true },
    },
    responses: {
      200: { description: 'The product.', content: { 'application/json': { schema: ProductResult } } },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => c.json(await putProduct(c.env, c.get('shop'), c.req.valid('param').sku, c.req.valid('json'), c.get('now')), 200),
);
