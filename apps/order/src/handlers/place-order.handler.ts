import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createDocumentClient } from '@shop/dynamodb';
import { createSqsConsumer, type MessageLogger } from '@shop/messaging';
import { createObservability, MetricUnit, requireEnv, withObservability, type MetricSink } from '@shop/observability';
import { PlaceOrderSchema } from '@shop/order-contracts';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { SfnOrderSaga } from '../adapters/order-saga.starter';
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
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const stateMachineArn = requireEnv('STATE_MACHINE_ARN');
const documentClient = createDocumentClient({ client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})) });
const sfn = observability.tracer.captureAWSv3Client(new SFNClient({}));

/** Lambda entry point: the intake queue consumer with the shop's observability. */
export const handler = withObservability(
  createPlaceOrderIntake({
    orders: new DynamoOrderRepository(documentClient, tableName),
    saga: new SfnOrderSaga(sfn, stateMachineArn),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  // A batch has no single correlation id: the consumer sets each command's own on the logger.
  { observability, correlationId: () => undefined },
);
