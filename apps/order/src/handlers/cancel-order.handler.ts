import { documentClient } from '@shop/dynamodb';
import { coldStart, pickEnv, withObservability } from '@shop/observability';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { ORDER_ENV } from '../config/env';
import { cancelOrder } from '../domain/cancel-order.use-case';
import { systemClock } from '../domain/ports';
import { CancelOrderTaskSchema } from '../domain/saga-tasks';
import { createSagaTask, type SagaTaskDeps } from './saga-task';

/**
 * The saga's CancelOrder task: sets the order CANCELLED with the reason the saga's path gave it
 * (idempotent). OrderCancelled is then published by `publish-events` from the table stream.
 */
export const createCancelOrderTask = (deps: SagaTaskDeps) =>
  createSagaTask(
    {
      schema: CancelOrderTaskSchema,
      run: (ports, task) => cancelOrder(ports, task.orderId, task.reason, { correlationId: task.correlationId }),
      metric: 'OrderCancelled',
      logFields: (task) => ({ reason: task.reason }),
    },
    deps,
  );

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(ORDER_ENV, 'tableName'),
  clients: { db: documentClient },
});

/** Lambda entry point (the correlation id comes from the payload's `correlationId`). */
export const handler = withObservability(
  createCancelOrderTask({ orders: new DynamoOrderRepository(clients.db, env.tableName), clock: systemClock, logger, metrics }),
  { observability },
);
