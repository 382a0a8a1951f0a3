import { IdempotencyKeySchema, ValidationError } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  correlationIdOf,
  createRestRouter,
  etagOf,
  parseIfMatch,
  parsePathParam,
  registerRoutes,
  resolveRestRequest,
  type ProxyFunction,
} from '@shop/http';
import { coldStart, MetricUnit, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { DynamoStockRepository } from '../adapters/stock.repository';
import { api } from '../api/routes';
import { INVENTORY_ENV } from '../config/env';
import { adjustStock } from '../domain/adjust-stock.use-case';
import { getStock } from '../domain/get-stock.use-case';
import { systemClock, type Clock, type StockRepository } from '../domain/ports';
import { setStock } from '../domain/set-stock.use-case';
import type { StockLevel, StockPrecondition } from '../domain/stock';

/** Request header that makes an adjustment idempotent (required). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Response header set when an adjustment answers from an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * The precondition of `PUT /{sku}`: `If-Match: "<version>"` (update at that version) or
 * `If-None-Match: *` (create); `undefined` when there is neither (the use case refuses it with 428).
 * @throws ValidationError naming the header that is malformed, or both when both are sent.
 */
const parseStockPrecondition = (ifMatch: string | null, ifNoneMatch: string | null): StockPrecondition | undefined => {
  if (ifMatch !== null && ifNoneMatch !== null) {
    throw new ValidationError([
      { field: 'If-None-Match', message: 'Send either If-Match (update at a version) or If-None-Match: * (create), not both.' },
    ]);
  }
  if (ifNoneMatch !== null) {
    if (ifNoneMatch.trim() !== '*') {
      throw new ValidationError([{ field: 'If-None-Match', message: 'If-None-Match must be * (create only if the sku has no stock).' }]);
    }
    return { kind: 'create' };
  }
  const expectedVersion = parseIfMatch(ifMatch, 'stock');
  return expectedVersion === undefined ? undefined : { kind: 'update', expectedVersion };
};

/** What the inventory API needs; tests pass in-memory fakes. */
export interface InventoryApiDeps {
  readonly stock: StockRepository;
  readonly clock: Clock;
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
  readonly metrics: MetricSink;
}

const stockResponse = (level: StockLevel, status = 200, headers: Record<string, string> = {}): Response =>
  Response.json(level, { status, headers: { ...headers, ETag: etagOf(level) } });

/**
 * The inventory API (routes relative to the service root, declared in api/routes.ts, every one for administrators only):
 * - `GET /{sku}`: the stock of a sku `{ sku, available, reserved, version, updatedAt }`, version as `ETag`; 404 when none;
 * - `PUT /{sku}` `{ available }`: sets the units that can be reserved (what is reserved is kept),
 *   never blindly: `If-Match: "<version>"` updates (200; 412 when stale, 404 when the sku has none),
 *   `If-None-Match: *` creates (201; 412 when the sku has stock), neither is a 428;
 * - `POST /{sku}/adjustments` `{ delta, reason }` + `Idempotency-Key`: adds `delta` to `available`
 *   atomically, once per key (201 `{ stock, adjustment }`; the same key and body again: 200 with the
 *   adjustment recorded first and `Idempotent-Replayed: true`; another body: 422); 404 for a sku
 *   without stock; 409 when `available` would go below 0.
 * Bad input gets a 400 naming every bad field (headers included) and writes nothing.
 */
export const createInventoryApi = (deps: InventoryApiDeps): ProxyFunction => {
  const { stock, clock, metrics } = deps;
  const router = createRestRouter({ logger: deps.logger });
  registerRoutes(router, api, {
    getStock: async ({ input }) => {
      const { params } = await input();
      return stockResponse(await getStock({ stock }, params.sku));
    },

    setStock: async ({ reqCtx, input }) => {
      const { headers } = reqCtx.req;
      const { params, precondition, body } = await input({
        precondition: () => parseStockPrecondition(headers.get('if-match'), headers.get('if-none-match')),
      });
      const result = await setStock(
        { stock, clock },
        { sku: params.sku, available: body.available, ...(precondition && { precondition }) },
        { correlationId: correlationIdOf(reqCtx) },
      );
      metrics.addMetric(result.created ? 'StockCreated' : 'StockSet', MetricUnit.Count, 1);
      return stockResponse(result.stock, result.created ? 201 : 200);
    },

    adjustStock: async ({ reqCtx, input }) => {
      const { params, idempotencyKey, body } = await input({
        idempotencyKey: () =>
          parsePathParam(IdempotencyKeySchema, reqCtx.req.headers.get(IDEMPOTENCY_KEY_HEADER) ?? undefined, IDEMPOTENCY_KEY_HEADER),
      });
      const result = await adjustStock(
        { stock, clock },
        { sku: params.sku, idempotencyKey, delta: body.delta, reason: body.reason },
        { correlationId: correlationIdOf(reqCtx) },
      );
      metrics.addMetric(result.replayed ? 'StockAdjustmentReplayed' : 'StockAdjusted', MetricUnit.Count, 1);
      return Response.json(
        { stock: result.stock, adjustment: result.adjustment },
        {
          status: result.replayed ? 200 : 201,
          headers: { ETag: etagOf(result.stock), ...(result.replayed && { [IDEMPOTENT_REPLAYED_HEADER]: 'true' }) },
        },
      );
    },
  });

  return (event, context) => resolveRestRequest(router, event, context);
};

// Cold start: configuration, clients and the router are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({ env: INVENTORY_ENV, clients: { db: documentClient } });

/** Lambda entry point: the inventory API with the shop's observability. */
export const handler = withObservability(
  createInventoryApi({ stock: new DynamoStockRepository(clients.db, env.tableName), clock: systemClock, logger, metrics }),
  { observability },
);
