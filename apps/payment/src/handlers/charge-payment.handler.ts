import { documentClient } from '@shop/dynamodb';
import { createSagaCommand } from '@shop/messaging/saga-command';
import { coldStart, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { ChargePaymentInputSchema } from '@shop/payment-contracts';
import { DynamoPaymentRepository } from '../adapters/payment.repository';
import { SimulatedPaymentProvider } from '../adapters/simulated-payment-provider';
import { PAYMENT_ENV } from '../config/env';
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
export const createChargePaymentCommand = (deps: ChargePaymentCommandDeps) =>
  createSagaCommand(
    {
      payload: 'ChargePayment',
      schema: ChargePaymentInputSchema,
      run: (input) => chargePayment(deps, input),
      report: (result, input) => ({
        metric: 'PaymentCaptured',
        message: 'Payment captured',
        fields: { orderId: input.orderId, paymentId: result.paymentId, amount: result.amount },
      }),
      refused: (error, input) => {
        if (error instanceof PaymentDeclinedError) {
          return { metric: 'PaymentDeclined', message: 'Payment declined', fields: { orderId: input.orderId, reason: error.message } };
        }
        if (error instanceof PaymentProviderUnavailableError) {
          const fields = { orderId: input.orderId, reason: error.message };
          return { level: 'warn', metric: 'PaymentProviderUnavailable', message: 'Payment provider unavailable; the saga retries', fields };
        }
        return undefined;
      },
    },
    deps,
  );

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({ env: PAYMENT_ENV, clients: { db: documentClient } });

/** Lambda entry point: ChargePayment with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createChargePaymentCommand({
    payments: new DynamoPaymentRepository(clients.db, env.tableName),
    provider: new SimulatedPaymentProvider(clients.db, env.tableName, systemClock, env.failureTokens),
    clock: systemClock,
    logger,
    metrics,
  }),
  { observability },
);
