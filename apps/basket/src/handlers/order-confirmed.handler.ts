import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { createSqsConsumer, type MessageLogger } from '@shop/messaging';
import { createObservability, MetricUnit, requireEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { OrderConfirmedSchema } from '@shop/order-contracts';
import { DynamoBasketRepository } from '../adapters/basket.repository';
import { systemClock, type BasketRepository, type Clock } from '../domain/ports';
import { removeOrderedLines } from '../domain/remove-ordered-lines.use-case';

/** What the OrderConfirmed consumer needs; tests pass fakes. */
export interface OrderConfirmedConsumerDeps {
  readonly baskets: BasketRepository;
  readonly clock: Clock;
  readonly logger: MessageLogger & Pick<LogSink, 'info'>;
  readonly metrics: MetricSink;
}

/**
 * Empties the basket of what was ordered when the order service confirms an order (subscription
 * of basket's own queue to the order topic, filter `type = OrderConfirmed`): the order's skus are
 * removed from the customer's basket, once per order id. No idempotency layer: the basket itself
 * records the orders it applied, in the same conditional write (see `removeOrderedLines`).
 */
export const createOrderConfirmedConsumer = (deps: OrderConfirmedConsumerDeps) =>
  createSqsConsumer({
    schema: OrderConfirmedSchema,
    logger: deps.logger,
    metrics: deps.metrics,
    handle: async (event) => {
      const { orderId, customerId, lines, placedAt } = event.data;
      const outcome = await removeOrderedLines(
        { baskets: deps.baskets, clock: deps.clock },
        { orderId, customerId, skus: lines.map((line) => line.sku), placedAt },
      );
      if (outcome.alreadyApplied) {
        deps.logger.info('The order was removed from the basket already; nothing changed', { orderId });
      } else {
        deps.metrics.addMetric('BasketLinesRemovedOnConfirmation', MetricUnit.Count, outcome.removed);
        deps.logger.info('Removed the ordered lines from the basket', { orderId, removed: outcome.removed });
      }
      return { orderId, ...outcome };
    },
  });

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const documentClient = createDocumentClient({
  client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})),
});

/** Lambda entry point: the OrderConfirmed consumer with the shop's observability. */
export const handler = withObservability(
  createOrderConfirmedConsumer({
    baskets: new DynamoBasketRepository(documentClient, tableName),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  // A batch has no single correlation id: the consumer sets each event's own.
  { observability, correlationId: () => undefined },
);
