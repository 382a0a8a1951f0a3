import { SQSClient } from '@aws-sdk/client-sqs';
import { IdempotencyKeySchema, newId } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  correlationIdOf,
  createRestRouter,
  parsePathParam,
  registerRoutes,
  requireCaller,
  resolveRestRequest,
  type ProxyFunction,
} from '@shop/http';
import { SqsCommandSender } from '@shop/messaging';
import { awsClient, coldStart, MetricUnit, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import type { PlaceOrder } from '@shop/order-contracts';
import { DynamoBasketRepository } from '../adapters/basket.repository';
import { DynamoCheckoutRepository } from '../adapters/checkout.repository';
import { DynamoLineChangeReader } from '../adapters/line-change.reader';
import { DynamoPriceCatalog } from '../adapters/price-catalog.repository';
import { api } from '../api/routes';
import { BASKET_ENV } from '../config/env';
import { checkout } from '../domain/checkout.use-case';
import { OrderPendingError } from '../domain/errors';
import { getBasket } from '../domain/get-basket.use-case';
import {
  systemClock,
  type BasketRepository,
  type CheckoutRepository,
  type Clock,
  type IdSource,
  type LineChangeReader,
  type OrderCommandSender,
  type PriceCatalog,
} from '../domain/ports';
import { removeItem, setItemQuantity } from '../domain/set-item-quantity.use-case';

/** Request header that makes a checkout idempotent (required). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Response header set when a checkout answers from an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** What the basket API needs; tests pass in-memory fakes. */
export interface BasketApiDeps {
  readonly baskets: BasketRepository;
  readonly catalog: Pick<PriceCatalog, 'getMany'>;
  /** Reads a line change's basket and prices together. @default `baskets`, then `catalog` */
  readonly lineChanges?: LineChangeReader;
  readonly checkouts: CheckoutRepository;
  readonly orders: OrderCommandSender;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
  readonly metrics: MetricSink;
}

// The customer is always the authenticated caller (the token's `sub`), never a path or body field.
const customerOf = (reqCtx: { event: unknown }): string => requireCaller(reqCtx.event).sub;

/**
 * The signed-in customer's basket API (routes relative to the service root, `/basket` on the
 * shop's API domain; declared in api/routes.ts). Every route needs an authenticated caller (401 otherwise):
 * - `GET /`: the basket at current prices, `{ lines, total, unavailable, pendingOrderId? }`;
 * - `PUT /items/{sku}` `{ quantity }` (0 to 99, 0 removes): 200 with the basket; 422 when the sku
 *   is not for sale (unknown or deleted), priced in another currency, or one line too many;
 * - `DELETE /items/{sku}`: 200 with the basket;
 * - `POST /checkout` `{ paymentToken, shippingAddress }` + `Idempotency-Key`: 202 `{ orderId }`;
 *   the same key again answers with the same order (header `Idempotent-Replayed: true`); 409
 *   (`urn:shop:problem:order-pending`, `orderId`) while another order from the basket is in flight;
 *   422 for an empty basket, unavailable lines or a key reused for another body.
 * Bad input gets a 400 naming every bad field (the header included) and writes nothing.
 */
export const createBasketApi = (deps: BasketApiDeps): ProxyFunction => {
  const { baskets, catalog, lineChanges, metrics } = deps;
  const router = createRestRouter({ logger: deps.logger });

  registerRoutes(router, api, {
    getBasket: async ({ reqCtx }) => Response.json(await getBasket({ baskets, catalog, clock: deps.clock }, customerOf(reqCtx))),

    setItemQuantity: async ({ reqCtx, input }) => {
      const customerId = customerOf(reqCtx);
      const { params, body } = await input();
      const basket = await setItemQuantity(
        { baskets, catalog, lineChanges, clock: deps.clock },
        { customerId, sku: params.sku, quantity: body.quantity },
      );
      metrics.addMetric(body.quantity === 0 ? 'BasketItemRemoved' : 'BasketItemSet', MetricUnit.Count, 1);
      return Response.json(basket);
    },

    removeItem: async ({ reqCtx, input }) => {
      const customerId = customerOf(reqCtx);
      const { params } = await input();
      const basket = await removeItem({ baskets, catalog, lineChanges, clock: deps.clock }, { customerId, sku: params.sku });
      metrics.addMetric('BasketItemRemoved', MetricUnit.Count, 1);
      return Response.json(basket);
    },

    checkout: async ({ reqCtx, input }) => {
      const customerId = customerOf(reqCtx);
      const { idempotencyKey, body } = await input({
        idempotencyKey: () =>
          parsePathParam(IdempotencyKeySchema, reqCtx.req.headers.get(IDEMPOTENCY_KEY_HEADER) ?? undefined, IDEMPOTENCY_KEY_HEADER),
      });
      let result;
      try {
        result = await checkout(
          { catalog, checkouts: deps.checkouts, orders: deps.orders, clock: deps.clock, ids: deps.ids },
          { customerId, idempotencyKey, input: body, correlationId: correlationIdOf(reqCtx) },
        );
      } catch (error) {
        // The shared problem mapper answers it (409, its own type, the pending orderId); counted here.
        if (error instanceof OrderPendingError) metrics.addMetric('CheckoutRefusedOrderPending', MetricUnit.Count, 1);
        throw error;
      }
      metrics.addMetric(result.replayed ? 'CheckoutReplayed' : 'CheckoutAccepted', MetricUnit.Count, 1);
      return Response.json(
        { orderId: result.orderId },
        { status: 202, headers: result.replayed ? { [IDEMPOTENT_REPLAYED_HEADER]: 'true' } : {} },
      );
    },
  });

  return (event, context) => resolveRestRequest(router, event, context);
};

// Cold start: configuration, clients and the router are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: BASKET_ENV,
  clients: { db: documentClient, sqs: awsClient(SQSClient) },
});
const { db } = clients;

/** Lambda entry point: the basket API with the shop's observability. */
export const handler = withObservability(
  createBasketApi({
    baskets: new DynamoBasketRepository(db, env.tableName),
    catalog: new DynamoPriceCatalog(db, env.tableName),
    lineChanges: new DynamoLineChangeReader(db, env.tableName),
    checkouts: new DynamoCheckoutRepository(db, env.tableName),
    orders: new SqsCommandSender<PlaceOrder>(clients.sqs, env.orderIntakeQueueUrl),
    clock: systemClock,
    ids: { newId },
    logger,
    metrics,
  }),
  { observability },
);
