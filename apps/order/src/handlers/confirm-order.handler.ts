import { documentClient } from '@shop/dynamodb';
import { coldStart, pickEnv, withObservability } from '@shop/observability';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { ORDER_ENV } from '../config/env';
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
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(ORDER_ENV, 'tableName'),
  clients: { db: documentClient },
});

/** Lambda entry point (the correlation id comes from the payload's `correlationId`). */
export const handler = withObservability(
  createConfirmOrderTask({ orders: new DynamoOrderRepository(clients.db, env.tableName), clock: systemClock, logger, metrics }),
  { observability },
);
