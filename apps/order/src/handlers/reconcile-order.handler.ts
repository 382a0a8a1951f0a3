import { LambdaClient } from '@aws-sdk/client-lambda';
import { parseOrThrow } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import { awsClient, coldStart, pickEnv, withObservability } from '@shop/observability';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { LambdaSagaCompensations } from '../adapters/saga-compensations';
import { ORDER_ENV } from '../config/env';
import { systemClock } from '../domain/ports';
import type { ReconcileOutcome } from '../domain/reconcile-order.use-case';
import { createOrderReconciler, type ReconcilerDeps } from './order-reconciler';
import { RECONCILED_STATUSES } from './reconciler-contract';
import { SagaStatusChangeSchema } from './saga-status-change';

/** What the reconciler answers: the order and what was done (`ignored` for a status it does not act on). */
export type ReconcileAnswer = { readonly orderId: string } & (ReconcileOutcome | { readonly action: 'ignored'; readonly status: string });

/**
 * The reconciler (EventBridge rule on the saga's status changes FAILED, TIMED_OUT, ABORTED,
 * delivered asynchronously with retries and an alarmed dead-letter queue): parses the event and
 * reconciles the order the execution is named after. A status it does not act on is ignored.
 * @throws ValidationError for an event that is not a saga status change (retried, then dead-lettered).
 */
export const createReconcileOrderHandler = (deps: ReconcilerDeps) => {
  const reconcile = createOrderReconciler(deps);
  return async (event: unknown): Promise<ReconcileAnswer> => {
    const { detail } = parseOrThrow(
      SagaStatusChangeSchema,
      event,
      'The event is not a Step Functions execution status change of an order.',
    );
    if (!(RECONCILED_STATUSES as readonly string[]).includes(detail.status)) {
      deps.logger.warn('Ignored a saga status change the reconciler does not act on', { orderId: detail.name, status: detail.status });
      return { orderId: detail.name, action: 'ignored', status: detail.status };
    }
    const stoppedAt = typeof detail.stopDate === 'number' ? new Date(detail.stopDate) : undefined;
    const execution = { status: detail.status, ...(stoppedAt && { stoppedAt }) };
    return { orderId: detail.name, ...(await reconcile({ orderId: detail.name, execution })) };
  };
};

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(ORDER_ENV, 'tableName', 'refundPaymentFunctionArn', 'releaseStockFunctionArn', 'inFlightGraceMs'),
  clients: { db: documentClient, lambda: awsClient(LambdaClient) },
});

/** Lambda entry point: the reconciler with the shop's observability. */
export const handler = withObservability(
  createReconcileOrderHandler({
    orders: new DynamoOrderRepository(clients.db, env.tableName),
    compensations: new LambdaSagaCompensations(clients.lambda, {
      refundPayment: env.refundPaymentFunctionArn,
      releaseStock: env.releaseStockFunctionArn,
    }),
    clock: systemClock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    inFlightGraceMs: env.inFlightGraceMs,
    logger,
    metrics,
  }),
  { observability },
);
