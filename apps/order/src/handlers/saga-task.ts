import { createSagaCommand } from '@shop/messaging/saga-command';
import type { LogSink, MetricSink } from '@shop/observability';
import type * as z from 'zod/mini';
import type { TransitionResult } from '../domain/order';
import type { Clock, OrderRepository } from '../domain/ports';
import type { OrderTaskResult } from '../domain/saga-tasks';

/** What an order saga task's status change may use: the status writes, and the clock. */
export interface SagaTaskPorts {
  readonly orders: Pick<OrderRepository, 'changeStatus' | 'fence'>;
  readonly clock: Clock;
}

/** What an order saga task function needs; tests pass fakes. */
export interface SagaTaskDeps extends SagaTaskPorts {
  readonly logger: Pick<LogSink, 'info' | 'warn' | 'error'>;
  readonly metrics: MetricSink;
}

/** How one order saga task parses its payload and which status change it makes. */
export interface SagaTaskDefinition<S extends z.core.$ZodType> {
  /** The payload the state machine sends (see `infra/order-saga.ts`). */
  readonly schema: S;
  /** The status change, from the parsed payload. */
  readonly run: (deps: SagaTaskPorts, task: z.output<S>) => Promise<TransitionResult>;
  /** Metric counted once per order when the change is made (not on a repeated task). */
  readonly metric: string;
  /** Extra log fields of the parsed payload. @default none */
  readonly logFields?: (task: z.output<S>) => Record<string, unknown>;
}

/**
 * Builds a Step Functions Task function of the order saga, a {@link createSagaCommand}: it
 * validates the payload (a bad one fails with `ValidationError`, which the saga does not retry),
 * applies the status change idempotently and returns `{ orderId, status, changed }`, counting the
 * metric only when the change is made. Errors keep their `name`, which the Lambda runtime reports
 * as the error type the state machine's Retry and Catch match on.
 */
export const createSagaTask = <S extends z.core.$ZodType<{ orderId: string; correlationId: string }>>(
  definition: SagaTaskDefinition<S>,
  deps: SagaTaskDeps,
) =>
  createSagaCommand<S, OrderTaskResult>(
    {
      payload: 'saga task',
      schema: definition.schema,
      run: async (task) => {
        const { order, changed } = await definition.run(deps, task);
        return { orderId: order.orderId, status: order.status, changed };
      },
      report: (result, task) => ({
        ...(result.changed && { metric: definition.metric }),
        message: result.changed ? `Order ${result.status}` : `Order already ${result.status}`,
        fields: { ...result, ...definition.logFields?.(task) },
      }),
    },
    deps,
  );
