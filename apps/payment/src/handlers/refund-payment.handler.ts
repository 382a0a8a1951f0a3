import { documentClient } from '@shop/dynamodb';
import { createSagaCommand } from '@shop/messaging/saga-command';
import { coldStart, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { RefundPaymentInputSchema } from '@shop/payment-contracts';
import { DynamoPaymentRepository } from '../adapters/payment.repository';
import { SimulatedPaymentProvider } from '../adapters/simulated-payment-provider';
import { PAYMENT_ENV } from '../config/env';
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
export const createRefundPaymentCommand = (deps: RefundPaymentCommandDeps) =>
  createSagaCommand(
    {
      payload: 'RefundPayment',
      schema: RefundPaymentInputSchema,
      run: (input) => refundPayment(deps, input),
      report: (result, input) => ({
        ...(result.refunded && { metric: 'PaymentRefunded' }),
        message: result.refunded ? 'Payment refunded' : 'Nothing to refund',
        fields: { orderId: input.orderId, paymentId: result.paymentId },
      }),
    },
    deps,
  );

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(PAYMENT_ENV, 'tableName'),
  clients: { db: documentClient },
});

/** Lambda entry point: RefundPayment with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createRefundPaymentCommand({
    payments: new DynamoPaymentRepository(clients.db, env.tableName),
    provider: new SimulatedPaymentProvider(clients.db, env.tableName, systemClock),
    clock: systemClock,
    logger,
    metrics,
  }),
  { observability },
);
