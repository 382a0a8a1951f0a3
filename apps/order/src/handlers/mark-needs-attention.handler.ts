import { documentClient } from '@shop/dynamodb';
import { coldStart, pickEnv, withObservability } from '@shop/observability';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { ORDER_ENV } from '../config/env';
import { fenceOrder } from '../domain/fence-order.use-case';
import { markOrderNeedsAttention } from '../domain/mark-needs-attention.use-case';
import { systemClock } from '../domain/ports';
import { MarkNeedsAttentionTaskSchema, NEEDS_ATTENTION_METRIC } from '../domain/saga-tasks';
import { createSagaTask, type SagaTaskDeps } from './saga-task';

/**
 * The saga's MarkNeedsAttention task: a step or a compensation failed after its retries. It flags
 * the order NEEDS_ATTENTION with the caught error's name (idempotent), logs the error's cause for
 * the operator and counts {@link NEEDS_ATTENTION_METRIC}. The saga fails right after it.
 * With `onlyIfPending` it is the saga's FenceOrder task: only a PENDING order is flagged; any other
 * is left as it is and its status answered (CONFIRMED: the confirmation landed, nothing is undone).
 */
export const createMarkNeedsAttentionTask = (deps: SagaTaskDeps) =>
  createSagaTask(
    {
      schema: MarkNeedsAttentionTaskSchema,
      run: (ports, task) => {
        deps.logger.error('An order saga step failed for good; the order needs an operator', {
          orderId: task.orderId,
          error: task.error.Error,
          cause: task.error.Cause,
          ...(task.onlyIfPending && { onlyIfPending: true }),
        });
        const target = { status: 'NEEDS_ATTENTION', reason: task.error.Error } as const;
        const context = { correlationId: task.correlationId };
        return task.onlyIfPending
          ? fenceOrder(ports, task.orderId, target, context)
          : markOrderNeedsAttention(ports, task.orderId, task.error.Error, context);
      },
      metric: NEEDS_ATTENTION_METRIC,
      logFields: (task) => ({ error: task.error.Error, ...(task.onlyIfPending && { onlyIfPending: true }) }),
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
  createMarkNeedsAttentionTask({ orders: new DynamoOrderRepository(clients.db, env.tableName), clock: systemClock, logger, metrics }),
  { observability },
);
