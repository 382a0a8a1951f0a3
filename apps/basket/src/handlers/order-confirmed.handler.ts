import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { createSqsConsumer, type MessageLogger } from '@shop/messaging';
import { createMessageIdempotency, ServiceTableIdempotencyStore, type MessageIdempotency } from '@shop/messaging/idempotency';
import { createObservability, MetricUnit, requireEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { OrderConfirmedSchema } from '@shop/order-contracts';
import { DynamoBasketRepository } from '../adapters/basket.repository';
import { systemClock, type BasketRepository, type Clock } from '../domain/ports';
import { removeOrderedLines } from '../domain/remove-ordered-lines.use-case';

/** Name of this consumer in its idempotency records. */
export const ORDER_CONFIRMED_CONSUMER = 'basket.order-confirmed';

/** What the OrderConfirmed consumer needs; tests pass fakes. */
export interface OrderConfirmedConsumerDeps {
  readonly baskets: BasketRepository;
  readonly clock: Clock;
  readonly logger: MessageLogger & Pick<LogSink, 'info'>;
  readonly metrics: MetricSink;
  /**
   * Once per order: without it a late redelivery could remove a line the customer added again
   * after the order was confirmed.
   * @default - none (unit tests)
   */
  readonly idempotency?: MessageIdempotency;
}

/**
 * Empties the basket of what was ordered when the order service confirms an order (subscription
 * of basket's own queue to the order topic, filter `type = OrderConfirmed`): the order's skus are
 * removed from the customer's basket, once per order id.
 */
export const createOrderConfirmedConsumer = (deps: OrderConfirmedConsumerDeps) =>
  createSqsConsumer({
    schema: OrderConfirmedSchema,
    logger: deps.logger,
    metrics: deps.metrics,
    ...(deps.idempotency && { idempotency: deps.idempotency }),
    handle: async (event) => {
      const { orderId, customerId, lines } = event.data;
      const removed = await removeOrderedLines(
        { baskets: deps.baskets, clock: deps.clock },
        { orderId, customerId, skus: lines.map((line) => line.sku) },
      );
      deps.metrics.addMetric('BasketLinesRemovedOnConfirmation', MetricUnit.Count, removed);
      deps.logger.info('Removed the ordered lines from the basket', { orderId, removed });
      return { orderId, removed };
    },
  });

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const dynamodb = observability.tracer.captureAWSv3Client(new DynamoDBClient({}));

/** Lambda entry point: the OrderConfirmed consumer with the shop's observability. */
export const handler = withObservability(
  createOrderConfirmedConsumer({
    baskets: new DynamoBasketRepository(createDocumentClient({ client: dynamodb }), tableName),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
    idempotency: createMessageIdempotency({
      store: new ServiceTableIdempotencyStore({ tableName, client: dynamodb }),
      consumer: ORDER_CONFIRMED_CONSUMER,
      keyPath: 'data.orderId',
    }),
  }),
  // A batch has no single correlation id: the consumer sets each event's own.
  { observability, correlationId: () => undefined },
);
