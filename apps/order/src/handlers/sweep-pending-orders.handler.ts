import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { documentClient } from '@shop/dynamodb';
import { awsClient, coldStart, MetricUnit, pickEnv, withObservability } from '@shop/observability';
import type { Context } from 'aws-lambda';
import { SfnOrderSaga } from '../adapters/order-saga.starter';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { LambdaSagaCompensations } from '../adapters/saga-compensations';
import { ORDER_ENV } from '../config/env';
import { systemClock } from '../domain/ports';
import { sweepPendingOrders, type SweepPendingOrdersDeps, type SweepResult } from '../domain/sweep-pending-orders.use-case';
import { createOrderReconciler, type ReconcilerDeps } from './order-reconciler';

/** Some stale PENDING orders could not be reconciled; they stay PENDING for the next run. */
export class SweepIncompleteError extends Error {
  constructor(readonly result: SweepResult) {
    const ids = result.failures.map((failure) => `${failure.orderId} (${failure.error})`).join(', ');
    super(`The sweep could not reconcile ${result.failures.length} order(s): ${ids}.`);
    this.name = 'SweepIncompleteError';
  }
}

/** What the sweep needs; tests pass fakes. */
export interface PendingOrderSweepDeps extends ReconcilerDeps {
  readonly orders: ReconcilerDeps['orders'] & SweepPendingOrdersDeps['orders'];
  readonly saga: SweepPendingOrdersDeps['saga'];
  readonly staleAfterMs: number;
  /** @default SWEEP_PAGE_SIZE */
  readonly pageSize?: number;
  /** @default SWEEP_TIME_RESERVE_MS */
  readonly timeReserveMs?: number;
}

/**
 * The reconciler's scheduled backstop (an EventBridge schedule, every 5 minutes): runs
 * {@link sweepPendingOrders} until done or until the invocation's time runs short, and answers what
 * it found. The schedule's event carries nothing the sweep needs. Counts `StaleOrdersFound`.
 * @throws SweepIncompleteError after the run when some orders could not be reconciled (the
 * function's error metric and alarm; they stay PENDING and the next run tries again).
 */
export const createPendingOrderSweep = (deps: PendingOrderSweepDeps) => {
  const reconcile = createOrderReconciler(deps);
  return async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SweepResult> => {
    const result = await sweepPendingOrders({
      orders: deps.orders,
      saga: deps.saga,
      reconcile,
      clock: deps.clock,
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
      staleAfterMs: deps.staleAfterMs,
      pageSize: deps.pageSize,
      timeReserveMs: deps.timeReserveMs,
    });
    if (result.examined > 0) deps.metrics.addMetric('StaleOrdersFound', MetricUnit.Count, result.examined);
    const done = result.stoppedBy === 'done';
    deps.logger.info(done ? 'Swept the PENDING orders' : 'Swept part of the PENDING orders: the next run goes on', { ...result });
    if (result.failures.length > 0) throw new SweepIncompleteError(result);
    return result;
  };
};

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(
    ORDER_ENV,
    'tableName',
    'stateMachineArn',
    'refundPaymentFunctionArn',
    'releaseStockFunctionArn',
    'inFlightGraceMs',
    'staleAfterMs',
  ),
  clients: { db: documentClient, lambda: awsClient(LambdaClient), sfn: awsClient(SFNClient) },
});

/** Lambda entry point: the sweep with the shop's observability. */
export const handler = withObservability(
  createPendingOrderSweep({
    orders: new DynamoOrderRepository(clients.db, env.tableName),
    saga: new SfnOrderSaga(clients.sfn, env.stateMachineArn),
    compensations: new LambdaSagaCompensations(clients.lambda, {
      refundPayment: env.refundPaymentFunctionArn,
      releaseStock: env.releaseStockFunctionArn,
    }),
    clock: systemClock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    inFlightGraceMs: env.inFlightGraceMs,
    staleAfterMs: env.staleAfterMs,
    logger,
    metrics,
  }),
  { observability },
);
