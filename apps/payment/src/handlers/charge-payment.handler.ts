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
import { ChargePaymentInputSchema, type ChargePaymentResult } from '@shop/payment-contracts';
import { DynamoPaymentRepository } from '../adapters/payment.repository';
import { FAILURE_TOKENS_ENV, parseFailureTokens } from '../adapters/failure-tokens';
import { SimulatedPaymentProvider } from '../adapters/simulated-payment-provider';
import { chargePayment, type ChargePaymentDeps } from '../domain/charge-payment.use-case';
import { PaymentDeclinedError, PaymentProviderUnavailableError } from '../domain/errors';
import { systemClock } from '../domain/ports';

/** What the ChargePayment command needs; tests pass in-memory fakes. */
export interface ChargePaymentCommandDeps extends ChargePaymentDeps {
  readonly logger: Pick<LogSink, 'info' | 'warn'>;
  readonly metrics: MetricSink;
}

/**
 * The `ChargePayment` saga command, invoked by the order saga (Step Functions `lambda:invoke`; the
 * payload is a `ChargePaymentInput`, the result a `ChargePaymentResult`). Errors reach the saga by
 * their `name`: `PaymentDeclinedError` (business: caught, stock released, order cancelled),
 * `PaymentProviderUnavailableError` and `PaymentContentionError` (transient: retried),
 * `PaymentConflictError` and `ValidationError` (a caller's bug: not retried).
 */
export const createChargePaymentCommand =
  (deps: ChargePaymentCommandDeps) =>
  async (event: unknown): Promise<ChargePaymentResult> => {
    const input = parseOrThrow(ChargePaymentInputSchema, event, 'The ChargePayment payload is not valid.');
    try {
      const result = await chargePayment(deps, input);
      deps.metrics.addMetric('PaymentCaptured', MetricUnit.Count, 1);
      deps.logger.info('Payment captured', { orderId: input.orderId, paymentId: result.paymentId, amount: result.amount });
      return result;
    } catch (error) {
      if (error instanceof PaymentDeclinedError) {
        deps.metrics.addMetric('PaymentDeclined', MetricUnit.Count, 1);
        deps.logger.info('Payment declined', { orderId: input.orderId, reason: error.message });
      } else if (error instanceof PaymentProviderUnavailableError) {
        deps.metrics.addMetric('PaymentProviderUnavailable', MetricUnit.Count, 1);
        deps.logger.warn('Payment provider unavailable; the saga retries', { orderId: input.orderId, reason: error.message });
      }
      throw error;
    }
  };

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const failureTokens = parseFailureTokens(requireEnv(FAILURE_TOKENS_ENV));
const documentClient = createDocumentClient({
  client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})),
});

/** Lambda entry point: ChargePayment with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createChargePaymentCommand({
    payments: new DynamoPaymentRepository(documentClient, tableName),
    provider: new SimulatedPaymentProvider(documentClient, tableName, systemClock, failureTokens),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  { observability },
);
