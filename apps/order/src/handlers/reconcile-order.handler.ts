import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { parseOrThrow } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import { createObservability, requireEnv, withObservability } from '@shop/observability';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { LambdaSagaCompensations } from '../adapters/saga-compensations';
import { systemClock } from '../domain/ports';
import type { ReconcileOutcome } from '../domain/reconcile-order.use-case';
import { createOrderReconciler, requireSecondsAsMs, type ReconcilerDeps } from './order-reconciler';
import { RECONCILED_STATUSES, RECONCILER_ENV } from './reconciler-contract';
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
    const { detail } = parseOrThrow(SagaStatusChangeSchema, event, 'The event is not a Step Functions execution status change of an order.');
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
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const functions = {
  refundPayment: requireEnv(RECONCILER_ENV.refundPaymentFunctionArn),
  releaseStock: requireEnv(RECONCILER_ENV.releaseStockFunctionArn),
};
const inFlightGraceMs = requireSecondsAsMs(RECONCILER_ENV.inFlightGraceSeconds);
const documentClient = createDocumentClient({ client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})) });
const lambda = observability.tracer.captureAWSv3Client(new LambdaClient({}));

/** Lambda entry point: the reconciler with the shop's observability. */
export const handler = withObservability(
  createReconcileOrderHandler({
    orders: new DynamoOrderRepository(documentClient, tableName),
    compensations: new LambdaSagaCompensations(lambda, functions),
    clock: systemClock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    inFlightGraceMs,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  { observability },
);
