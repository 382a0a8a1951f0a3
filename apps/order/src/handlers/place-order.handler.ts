import { SFNClient } from '@aws-sdk/client-sfn';
import { documentClient } from '@shop/dynamodb';
import { createSqsConsumer, type MessageLogger } from '@shop/messaging';
import { awsClient, coldStart, MetricUnit, pickEnv, withObservability, type MetricSink } from '@shop/observability';
import { PlaceOrderSchema } from '@shop/order-contracts';
import { SfnOrderSaga } from '../adapters/order-saga.starter';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { ORDER_ENV } from '../config/env';
import { placeOrder, type PlaceOrderDeps } from '../domain/place-order.use-case';
import { systemClock } from '../domain/ports';

/** What the intake needs; tests pass fakes. */
export interface PlaceOrderIntakeDeps extends PlaceOrderDeps {
  readonly logger: MessageLogger;
  readonly metrics: MetricSink;
}

/**
 * The order intake: consumes `PlaceOrder` commands from the order service's intake queue, one
 * record at a time, and for each stores the order PENDING and starts its saga (see
 * {@link placeOrder}: idempotent by order id, so a redelivered command changes nothing). A record
 * that is not a valid `PlaceOrder`, or whose handling fails, is reported in `batchItemFailures`:
 * retried, then dead-lettered; the other records of the batch are not affected.
 */
export const createPlaceOrderIntake = (deps: PlaceOrderIntakeDeps) =>
  createSqsConsumer({
    schema: PlaceOrderSchema,
    logger: deps.logger,
    metrics: deps.metrics,
    handle: async (command) => {
      const outcome = await placeOrder(deps, { data: command.data, correlationId: command.correlationId });
      if (outcome.created) deps.metrics.addMetric('OrderPlaced', MetricUnit.Count, 1);
      deps.logger.info(outcome.created ? 'Order placed' : 'PlaceOrder repeated for an existing order', {
        orderId: outcome.order.orderId,
        status: outcome.order.status,
        saga: outcome.saga,
      });
      return outcome;
    },
  });

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(ORDER_ENV, 'tableName', 'stateMachineArn'),
  clients: { db: documentClient, sfn: awsClient(SFNClient) },
});

/** Lambda entry point: the intake queue consumer with the shop's observability. */
export const handler = withObservability(
  createPlaceOrderIntake({
    orders: new DynamoOrderRepository(clients.db, env.tableName),
    saga: new SfnOrderSaga(clients.sfn, env.stateMachineArn),
    clock: systemClock,
    logger,
    metrics,
  }),
  // A batch has no single correlation id: the consumer sets each command's own on the logger.
  { observability, correlationId: () => undefined },
);
