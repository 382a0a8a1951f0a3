import { documentClient } from '@shop/dynamodb';
import { createSqsConsumer, type MessageLogger } from '@shop/messaging';
import { coldStart, MetricUnit, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { OrderCancelledSchema, OrderConfirmedSchema, OrderNeedsAttentionSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';
import { DynamoBasketRepository } from '../adapters/basket.repository';
import { BASKET_ENV } from '../config/env';
import { systemClock, type BasketRepository, type Clock } from '../domain/ports';
import { releasePendingOrder } from '../domain/release-pending-order.use-case';
import { removeOrderedLines } from '../domain/remove-ordered-lines.use-case';

/** The order events basket's order-events queue receives (its subscription's filter), told apart by `type`. */
export const OrderEventSchema = z.discriminatedUnion('type', [OrderConfirmedSchema, OrderCancelledSchema, OrderNeedsAttentionSchema]);

/** One of the order events basket consumes. */
export type OrderEvent = z.infer<typeof OrderEventSchema>;

/** What the order-events consumer needs; tests pass fakes. */
export interface OrderEventsConsumerDeps {
  readonly baskets: BasketRepository;
  readonly clock: Clock;
  readonly logger: MessageLogger & Pick<LogSink, 'info'>;
  readonly metrics: MetricSink;
}

/**
 * Follows the orders placed from baskets to their end (subscription of basket's own queue to the
 * order topic, filter `type` in OrderConfirmed, OrderCancelled, OrderNeedsAttention):
 * - `OrderConfirmed`: removes the ordered lines from the customer's basket, once per order id, and
 *   frees the basket of the order in the same write (`removeOrderedLines`);
 * - `OrderCancelled`, `OrderNeedsAttention`: frees the basket of the order (`releasePendingOrder`),
 *   so the customer can check out again.
 * No idempotency layer: each write is conditional on what the basket holds (its confirmed orders,
 * its pending order), so a repeated or late event changes nothing it should not.
 */
export const createOrderEventsConsumer = (deps: OrderEventsConsumerDeps) => {
  const { baskets, clock, logger, metrics } = deps;
  const handle = async (event: OrderEvent) => {
    const { orderId, customerId } = event.data;
    if (event.type === 'OrderConfirmed') {
      const { lines, placedAt } = event.data;
      const outcome = await removeOrderedLines({ baskets, clock }, { orderId, customerId, skus: lines.map((line) => line.sku), placedAt });
      if (outcome.alreadyApplied) {
        logger.info('The order was removed from the basket already; nothing changed', { orderId });
      } else {
        metrics.addMetric('BasketLinesRemovedOnConfirmation', MetricUnit.Count, outcome.removed);
        if (outcome.released) metrics.addMetric('BasketPendingOrderReleased', MetricUnit.Count, 1);
        logger.info('Removed the ordered lines from the basket', { orderId, removed: outcome.removed, released: outcome.released });
      }
      return { orderId, ...outcome };
    }
    const released = await releasePendingOrder({ baskets, clock }, { orderId, customerId });
    if (released) metrics.addMetric('BasketPendingOrderReleased', MetricUnit.Count, 1);
    logger.info(released ? 'Freed the basket of the ended order' : 'The basket was not held by the ended order; nothing changed', {
      orderId,
      type: event.type,
    });
    return { orderId, released };
  };
  return createSqsConsumer({ schema: OrderEventSchema, logger, metrics, handle });
};

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(BASKET_ENV, 'tableName'),
  clients: { db: documentClient },
});

/** Lambda entry point: the order-events consumer with the shop's observability. */
export const handler = withObservability(
  createOrderEventsConsumer({ baskets: new DynamoBasketRepository(clients.db, env.tableName), clock: systemClock, logger, metrics }),
  // A batch has no single correlation id: the consumer sets each event's own.
  { observability, correlationId: () => undefined },
);
