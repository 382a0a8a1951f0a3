import { SkuSchema } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  clientPath,
  correlationIdOf,
  createRestRouter,
  etagOf,
  parseIfMatch,
  parseJsonBody,
  parsePathParam,
  parseQuery,
  requireGroup,
  resolveRestRequest,
  validateAll,
  type ProxyFunction,
} from '@shop/http';
import { coldStart, MetricUnit, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { DynamoProductRepository } from '../adapters/product.repository';
import { PRODUCT_ENV } from '../config/env';
import { createProduct } from '../domain/create-product.use-case';
import { deleteProduct } from '../domain/delete-product.use-case';
import { getProduct } from '../domain/get-product.use-case';
import { listProductsByCategory } from '../domain/list-products.use-case';
import { systemClock, type Clock, type ProductRepository } from '../domain/ports';
import { CreateProductInputSchema, ListProductsQuerySchema, UpdateProductInputSchema, type Product } from '../domain/product';
import { updateProduct } from '../domain/update-product.use-case';

/** Group whose members may create, update and delete products. */
export const ADMIN_GROUP = 'admin';

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
 * The product catalog API (routes relative to the service root):
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
  const admin = [requireGroup(ADMIN_GROUP)];

  router.get('/', async (reqCtx) => {
    const query = parseQuery(ListProductsQuerySchema, new URL(reqCtx.req.url).searchParams);
    const page = await listProductsByCategory({ products }, query);
    return Response.json(page.nextCursor ? { items: page.items, nextCursor: page.nextCursor } : { items: page.items });
  });

  router.get('/:sku', async (reqCtx) => {
    const sku = parsePathParam(SkuSchema, reqCtx.params.sku, 'sku');
    return productResponse(await getProduct({ products }, sku), 200);
  });

  router.post('/', admin, async (reqCtx) => {
    const input = await parseJsonBody(CreateProductInputSchema, reqCtx.req);
    const product = await createProduct({ products, clock }, input, { correlationId: correlationIdOf(reqCtx) });
    metrics.addMetric('ProductCreated', MetricUnit.Count, 1);
    return productResponse(product, 201, { Location: clientPath(reqCtx.event, `/${product.sku}`) });
  });

  router.put('/:sku', admin, async (reqCtx) => {
    const { sku, expectedVersion, changes } = await validateAll({
      sku: () => parsePathParam(SkuSchema, reqCtx.params.sku, 'sku'),
      expectedVersion: () => parseIfMatch(reqCtx.req.headers.get('if-match'), 'product'),
      changes: () => parseJsonBody(UpdateProductInputSchema, reqCtx.req),
    });
    const product = await updateProduct({ products, clock }, { sku, expectedVersion, changes }, { correlationId: correlationIdOf(reqCtx) });
    metrics.addMetric('ProductUpdated', MetricUnit.Count, 1);
    return productResponse(product, 200);
  });

  router.delete('/:sku', admin, async (reqCtx) => {
    const sku = parsePathParam(SkuSchema, reqCtx.params.sku, 'sku');
    await deleteProduct({ products }, sku, { correlationId: correlationIdOf(reqCtx) });
    metrics.addMetric('ProductDeleted', MetricUnit.Count, 1);
    return new Response(null, { status: 204 });
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
