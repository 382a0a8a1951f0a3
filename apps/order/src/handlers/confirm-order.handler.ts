import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { createObservability, requireEnv, withObservability } from '@shop/observability';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { confirmOrder } from '../domain/confirm-order.use-case';
import { systemClock } from '../domain/ports';
import { ConfirmOrderTaskSchema } from '../domain/saga-tasks';
import { createSagaTask, type SagaTaskDeps } from './saga-task';

/**
 * The saga's ConfirmOrder task: sets the order CONFIRMED (idempotent). OrderConfirmed is then
 * published by `publish-events` from the table stream.
 */
export const createConfirmOrderTask = (deps: SagaTaskDeps) =>
  createSagaTask(
    {
      schema: ConfirmOrderTaskSchema,
      run: (ports, task) => confirmOrder(ports, task.orderId, { correlationId: task.correlationId }),
      metric: 'OrderConfirmed',
    },
    deps,
  );

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const documentClient = createDocumentClient({ client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})) });

/** Lambda entry point (the correlation id comes from the payload's `correlationId`). */
export const handler = withObservability(
  createConfirmOrderTask({
    orders: new DynamoOrderRepository(documentClient, tableName),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  { observability },
);
