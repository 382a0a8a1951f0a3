import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseOrThrow } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import {
  createObservability,
  MetricUnit,
  requireEnv,
  withObservability,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import { RefundPaymentInputSchema, type RefundPaymentResult } from '@shop/payment-contracts';
import { DynamoPaymentRepository } from '../adapters/payment.repository';
import { SimulatedPaymentProvider } from '../adapters/simulated-payment-provider';
import { systemClock } from '../domain/ports';
import { refundPayment, type RefundPaymentDeps } from '../domain/refund-payment.use-case';

/** What the RefundPayment command needs; tests pass in-memory fakes. */
export interface RefundPaymentCommandDeps extends RefundPaymentDeps {
  readonly logger: Pick<LogSink, 'info'>;
  readonly metrics: MetricSink;
}

/**
 * The `RefundPayment` compensation, invoked by the order saga (payload `RefundPaymentInput`, result
 * `RefundPaymentResult`). Never fails for business reasons: an order that was not charged (or was
 * declined, or already refunded) is a no-op success. `PaymentProviderUnavailableError` is transient.
 */
export const createRefundPaymentCommand =
  (deps: RefundPaymentCommandDeps) =>
  async (event: unknown): Promise<RefundPaymentResult> => {
    const input = parseOrThrow(RefundPaymentInputSchema, event, 'The RefundPayment payload is not valid.');
    const result = await refundPayment(deps, input);
    if (result.refunded) deps.metrics.addMetric('PaymentRefunded', MetricUnit.Count, 1);
    deps.logger.info(result.refunded ? 'Payment refunded' : 'Nothing to refund', { orderId: input.orderId, paymentId: result.paymentId });
    return result;
  };

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const documentClient = createDocumentClient({
  client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})),
});

/** Lambda entry point: RefundPayment with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createRefundPaymentCommand({
    payments: new DynamoPaymentRepository(documentClient, tableName),
    provider: new SimulatedPaymentProvider(documentClient, tableName, systemClock),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  { observability },
);
