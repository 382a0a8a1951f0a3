import { documentClient } from '@shop/dynamodb';
import {
  clientPath,
  correlationIdOf,
  createRestRouter,
  etagOf,
  parseIfMatch,
  registerRoutes,
  resolveRestRequest,
  type ProxyFunction,
} from '@shop/http';
import { coldStart, MetricUnit, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { DynamoProductRepository } from '../adapters/product.repository';
import { api } from '../api/routes';
import { PRODUCT_ENV } from '../config/env';
import { createProduct } from '../domain/create-product.use-case';
import { deleteProduct } from '../domain/delete-product.use-case';
import { getProduct } from '../domain/get-product.use-case';
import { listProductsByCategory } from '../domain/list-products.use-case';
import { systemClock, type Clock, type ProductRepository } from '../domain/ports';
import type { Product } from '../domain/product';
import { updateProduct } from '../domain/update-product.use-case';

/** What the product API needs; tests pass in-memory fakes. */
export interface ProductApiDeps {
  readonly products: ProductRepository;
  readonly clock: Clock;
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
  readonly metrics: MetricSink;
}

const productResponse = (product: Product, status: number, headers: Record<string, string> = {}): Response =>
  Response.json(product, { status, headers: { ...headers, ETag: etagOf(product) } });

/**
 * The product catalog API (routes relative to the service root, declared in api/routes.ts):
 * - `GET /?category=&limit=&cursor=`: one page of a category, `{ items, nextCursor }`;
 * - `GET /{sku}`: one product, with its version as `ETag`;
 * - `POST /` (admin): create, 201 with `Location` and `ETag`;
 * - `PUT /{sku}` (admin, `If-Match: <version>`): replace, 200, or 412 when stale, 428 without If-Match;
 * - `DELETE /{sku}` (admin): 204.
 * Bad input gets a 400 naming every bad field and writes nothing.
 */
export const createProductApi = (deps: ProductApiDeps): ProxyFunction => {
  const { products, clock, metrics } = deps;
  const router = createRestRouter({ logger: deps.logger });

  registerRoutes(router, api, {
    listProducts: async ({ input }) => {
      const { query } = await input();
      const page = await listProductsByCategory({ products }, query);
      return Response.json(page.nextCursor ? { items: page.items, nextCursor: page.nextCursor } : { items: page.items });
    },

    getProduct: async ({ input }) => {
      const { params } = await input();
      return productResponse(await getProduct({ products }, params.sku), 200);
    },

    createProduct: async ({ reqCtx, input }) => {
      const { body } = await input();
      const product = await createProduct({ products, clock }, body, { correlationId: correlationIdOf(reqCtx) });
      metrics.addMetric('ProductCreated', MetricUnit.Count, 1);
      return productResponse(product, 201, { Location: clientPath(reqCtx.event, `/${product.sku}`) });
    },

    replaceProduct: async ({ reqCtx, input }) => {
      const { params, expectedVersion, body } = await input({
        expectedVersion: () => parseIfMatch(reqCtx.req.headers.get('if-match'), 'product'),
      });
      const product = await updateProduct(
        { products, clock },
        { sku: params.sku, expectedVersion, changes: body },
        { correlationId: correlationIdOf(reqCtx) },
      );
      metrics.addMetric('ProductUpdated', MetricUnit.Count, 1);
      return productResponse(product, 200);
    },

    deleteProduct: async ({ reqCtx, input }) => {
      const { params } = await input();
      await deleteProduct({ products }, params.sku, { correlationId: correlationIdOf(reqCtx) });
      metrics.addMetric('ProductDeleted', MetricUnit.Count, 1);
      return new Response(null, { status: 204 });
    },
  });

  return (event, context) => resolveRestRequest(router, event, context);
};

// Cold start: configuration, clients and the router are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(PRODUCT_ENV, 'tableName'),
  clients: { db: documentClient },
});

/** Lambda entry point: the product API with the shop's observability. */
export const handler = withObservability(
  createProductApi({ products: new DynamoProductRepository(clients.db, env.tableName), clock: systemClock, logger, metrics }),
  { observability },
);
