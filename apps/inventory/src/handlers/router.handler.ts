import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SkuSchema } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import {
  correlationIdOf,
  createRestRouter,
  etagOf,
  parseIfMatch,
  parseJsonBody,
  parsePathParam,
  requireGroup,
  resolveRestRequest,
  validateAll,
  type ProxyFunction,
} from '@shop/http';
import {
  createObservability,
  MetricUnit,
  requireEnv,
  withObservability,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import { DynamoStockRepository } from '../adapters/stock.repository';
import { getStock } from '../domain/get-stock.use-case';
import { systemClock, type Clock, type StockRepository } from '../domain/ports';
import { setStock } from '../domain/set-stock.use-case';
import { SetStockBodySchema, type StockLevel } from '../domain/stock';

/** Group whose members may read and set stock. */
export const ADMIN_GROUP = 'admin';

/** What the inventory API needs; tests pass in-memory fakes. */
export interface InventoryApiDeps {
  readonly stock: StockRepository;
  readonly clock: Clock;
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
  readonly metrics: MetricSink;
}

const stockResponse = (level: StockLevel): Response => Response.json(level, { status: 200, headers: { ETag: etagOf(level) } });

/**
 * The inventory API (routes relative to the service root, every one for administrators only):
 * - `GET /{sku}`: the stock of a sku `{ sku, available, reserved, version, updatedAt }`, version as `ETag`; 404 when none;
 * - `PUT /{sku}` `{ available }`: sets the units that can be reserved (what is reserved is kept), 200
 *   with the stock; optional `If-Match: <version>` makes it conditional (412 when stale).
 * Bad input gets a 400 naming every bad field and writes nothing.
 */
export const createInventoryApi = (deps: InventoryApiDeps): ProxyFunction => {
  const { stock, clock, metrics } = deps;
  const router = createRestRouter({ logger: deps.logger });
  const admin = [requireGroup(ADMIN_GROUP)];

  router.get('/:sku', admin, async (reqCtx) => {
    const sku = parsePathParam(SkuSchema, reqCtx.params.sku, 'sku');
    return stockResponse(await getStock({ stock }, sku));
  });

  router.put('/:sku', admin, async (reqCtx) => {
    const { sku, expectedVersion, body } = await validateAll({
      sku: () => parsePathParam(SkuSchema, reqCtx.params.sku, 'sku'),
      // Optional on this API: without it the write is unconditional.
      expectedVersion: () => parseIfMatch(reqCtx.req.headers.get('if-match'), 'stock'),
      body: () => parseJsonBody(SetStockBodySchema, reqCtx.req),
    });
    const level = await setStock(
      { stock, clock },
      { sku, available: body.available, ...(expectedVersion !== undefined && { expectedVersion }) },
      { correlationId: correlationIdOf(reqCtx) },
    );
    metrics.addMetric('StockSet', MetricUnit.Count, 1);
    return stockResponse(level);
  });

  return (event, context) => resolveRestRequest(router, event, context);
};

// Cold start: configuration, clients and the router are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const documentClient = createDocumentClient({
  client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})),
});

/** Lambda entry point: the inventory API with the shop's observability. */
export const handler = withObservability(
  createInventoryApi({
    stock: new DynamoStockRepository(documentClient, tableName),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  { observability },
);
