import { documentClient } from '@shop/dynamodb';
import { createSqsConsumer, type MessageLogger } from '@shop/messaging';
import { coldStart, MetricUnit, pickEnv, withObservability, type MetricSink } from '@shop/observability';
import { OrderConfirmedSchema, type OrderConfirmed } from '@shop/order-contracts';
import { DynamoShipmentRepository } from '../adapters/shipment.repository';
import { SHIPPING_ENV } from '../config/env';
import { createShipmentForOrder } from '../domain/create-shipment.use-case';
import { systemClock, type Clock, type ShipmentRepository } from '../domain/ports';

/** What the OrderConfirmed consumer needs; tests pass fakes. */
export interface OnOrderConfirmedDeps {
  readonly shipments: Pick<ShipmentRepository, 'createOnce'>;
  readonly clock: Clock;
  readonly logger: MessageLogger;
  readonly metrics: MetricSink;
}

/**
 * Consumes `OrderConfirmed` from shipping's own queue (subscribed to the order topic, filter
 * `type = OrderConfirmed`): creates the order's one shipment. Idempotent by order id through the
 * repository's conditional put, so a redelivered event is acknowledged without a second shipment.
 * Messages that break the contract, and failures, are reported per record: retried, then dead-lettered.
 */
export const createOrderConfirmedConsumer = (deps: OnOrderConfirmedDeps) =>
  createSqsConsumer({
    schema: OrderConfirmedSchema,
    logger: deps.logger,
    metrics: deps.metrics,
    handle: async (event: OrderConfirmed) => {
      const { shipment, created } = await createShipmentForOrder(deps, event.data, { correlationId: event.correlationId });
      if (created) {
        deps.metrics.addMetric('ShipmentCreated', MetricUnit.Count, 1);
        deps.logger.info('Created the shipment of a confirmed order', { orderId: shipment.orderId, shipmentId: shipment.shipmentId });
      } else {
        deps.logger.info('The order already has its shipment; nothing to do', { orderId: shipment.orderId, eventId: event.id });
      }
    },
  });

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(SHIPPING_ENV, 'tableName'),
  clients: { db: documentClient },
});

/** Lambda entry point: the OrderConfirmed consumer with the shop's observability. */
export const handler = withObservability(
  createOrderConfirmedConsumer({ shipments: new DynamoShipmentRepository(clients.db, env.tableName), clock: systemClock, logger, metrics }),
  // A batch has no single correlation id: each message's envelope carries its own.
  { observability, correlationId: () => undefined },
);
