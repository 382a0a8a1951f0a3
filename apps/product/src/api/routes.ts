import { SkuSchema } from '@shop/domain';
import { defineApi } from '@shop/http/api';
import * as z from 'zod/mini';
import { CreateProductInputSchema, ListProductsQuerySchema, ProductSchema, UpdateProductInputSchema } from '../domain/product';

/** One page of a category listing: `nextCursor` is there when there is a next page. */
export const ProductPageSchema = z.object({ items: z.array(ProductSchema), nextCursor: z.optional(z.string()) });

/**
 * The product catalog API (`/products` on the API domain): its routes, bodies and answers, the
 * one source of the router (handlers/router.handler.ts) and of `dist/apps/product/openapi.json`.
 */
export const api = defineApi({
  info: {
    service: 'product',
    title: 'Product API',
    version: '1.0.0',
    description: 'The catalog: anyone reads products by sku or by category; administrators create, replace and delete them.',
    basePath: '/products',
  },
  schemas: {
    Product: ProductSchema,
    ProductPage: ProductPageSchema,
    CreateProductInput: CreateProductInputSchema,
    UpdateProductInput: UpdateProductInputSchema,
  },
  routes: {
    listProducts: {
      method: 'GET',
      path: '/',
      summary: 'One page of a category',
      description: 'Products of one category (a Query on the category index, never a Scan), page by page with `cursor`.',
      auth: 'public',
      query: ListProductsQuerySchema,
      responses: { 200: { description: 'The page', body: 'ProductPage' } },
    },
    getProduct: {
      method: 'GET',
      path: '/{sku}',
      summary: 'One product',
      auth: 'public',
      params: { sku: SkuSchema },
      responses: { 200: { description: 'The product, its version as ETag', body: 'Product', headers: ['ETag'] } },
      problems: [404],
    },
    createProduct: {
      method: 'POST',
      path: '/',
      summary: 'Create a product',
      auth: 'admin',
      body: 'CreateProductInput',
      responses: { 201: { description: 'Created at version 1', body: 'Product', headers: ['ETag', 'Location'] } },
      problems: [409],
    },
    replaceProduct: {
      method: 'PUT',
      path: '/{sku}',
      summary: 'Replace the editable fields of a product',
      description: 'Never blind: `If-Match` carries the version it is based on (428 without it, 412 when stale).',
      auth: 'admin',
      params: { sku: SkuSchema },
      headers: { 'If-Match': { description: 'The ETag of the product as read, e.g. `"3"`.', required: true } },
      body: 'UpdateProductInput',
      responses: { 200: { description: 'Replaced, version bumped', body: 'Product', headers: ['ETag'] } },
      problems: [404, 412, 428],
    },
    deleteProduct: {
      method: 'DELETE',
      path: '/{sku}',
      summary: 'Delete a product',
      auth: 'admin',
      params: { sku: SkuSchema },
      responses: { 204: { description: 'Deleted' } },
      problems: [404],
    },
  },
});
