import type { ChargePaymentInput, ChargePaymentResult } from '@shop/payment-contracts';
import { PaymentConflictError, PaymentContentionError, PaymentDeclinedError } from './errors';
import { paymentIdFor, sameMoney, type Payment } from './payment';
import type { Clock, PaymentProvider, PaymentRepository, WriteContext } from './ports';

/** What {@link chargePayment} needs: no read of the payment (the attempt write answers with it). */
export interface ChargePaymentDeps {
  readonly payments: Pick<PaymentRepository, 'recordAttempt' | 'transition'>;
  readonly provider: Pick<PaymentProvider, 'authorize' | 'capture'>;
  readonly clock: Clock;
}

/** Rounds of attempt-then-step before giving up; a lost round means a concurrent call moved the payment. */
const MAX_ROUNDS = 5;

const chargeResult = (payment: Payment & { capturedAt: string }): ChargePaymentResult => ({
  orderId: payment.orderId,
  paymentId: payment.paymentId,
  status: 'CAPTURED',
  amount: payment.amount,
  chargedAt: payment.capturedAt,
});

const declined = (payment: Payment): PaymentDeclinedError =>
  new PaymentDeclinedError(
    `The payment of order ${payment.orderId} was declined (${payment.declineReason ?? 'cancelled before capture'}).`,
  );

/**
 * The `ChargePayment` saga command: one payment per order, authorized then captured.
 * Idempotent per order id: each step is a conditional move of the stored payment
 * (none/PENDING -> AUTHORIZED -> CAPTURED), so a retry continues where the last call stopped and a
 * charge after success returns the first result without a second charge. A round starts with the
 * attempt write, not a read: it counts the attempt when there is no payment yet or a PENDING one of
 * this amount, and otherwise answers with the stored payment, which decides the rest.
 * @throws PaymentDeclinedError when the provider declines (also on a retry of a declined charge).
 * @throws PaymentProviderUnavailableError when the provider fails transiently (the saga retries;
 * the attempt is counted, nothing is charged).
 * @throws PaymentConflictError when the order already has a payment of another amount (nothing
 * written, the provider not called).
 */
export const chargePayment = async (deps: ChargePaymentDeps, input: ChargePaymentInput): Promise<ChargePaymentResult> => {
  const { payments, provider, clock } = deps;
  const { orderId, amount } = input;
  const context: WriteContext = { correlationId: input.correlationId };

  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const attempt = { orderId, paymentId: paymentIdFor(orderId), customerId: input.customerId, amount, at: clock.now().toISOString() };
    const outcome = await payments.recordAttempt(attempt, context);
    let payment: Payment | undefined = outcome.payment;
    // Only a write refused for the amount hands back other money: nothing was written or asked.
    if (!sameMoney(payment.amount, amount)) throw new PaymentConflictError(orderId);

    if (outcome.recorded) {
      // Throws PaymentProviderUnavailableError on a transient failure: the payment stays PENDING.
      const authorization = await provider.authorize({ orderId, paymentToken: input.paymentToken, amount });
      const at = clock.now().toISOString();
      if (authorization.outcome === 'declined') {
        const stored = await payments.transition(
          orderId,
          'PENDING',
          { status: 'DECLINED', declineReason: authorization.reason, declinedAt: at },
          context,
        );
        if (stored) throw declined(stored);
        continue;
      }
      payment = await payments.transition(
        orderId,
        'PENDING',
        { status: 'AUTHORIZED', authorizationId: authorization.authorizationId, authorizedAt: at },
        context,
      );
      if (!payment) continue;
    }

    switch (payment.status) {
      case 'AUTHORIZED': {
        const authorizationId = payment.authorizationId ?? '';
        const { captureId } = await provider.capture({ orderId, authorizationId, amount });
        const captured = await payments.transition(
          orderId,
          'AUTHORIZED',
          { status: 'CAPTURED', captureId, capturedAt: clock.now().toISOString() },
          context,
        );
        if (captured?.capturedAt) return chargeResult({ ...captured, capturedAt: captured.capturedAt });
        continue;
      }
      case 'CAPTURED':
      case 'REFUNDED':
        // The first charge's result; a refunded payment without a capture was cancelled before it.
        if (payment.capturedAt) return chargeResult({ ...payment, capturedAt: payment.capturedAt });
        throw declined(payment);
      case 'DECLINED':
        throw declined(payment);
      case 'PENDING':
        continue;
    }
  }
  throw new PaymentContentionError(orderId);
};
