import type { RefundPaymentInput, RefundPaymentResult } from '@shop/payment-contracts';
import { PaymentContentionError } from './errors';
import type { Clock, PaymentProvider, PaymentRepository, WriteContext } from './ports';

/** What {@link refundPayment} needs. */
export interface RefundPaymentDeps {
  readonly payments: Pick<PaymentRepository, 'get' | 'transition'>;
  readonly provider: Pick<PaymentProvider, 'refund' | 'voidAuthorization'>;
  readonly clock: Clock;
}

/** Rounds of read-then-step before giving up; a lost round means a concurrent call moved the payment. */
const MAX_ROUNDS = 4;

/**
 * The `RefundPayment` compensation: gives the order's captured money back, once.
 * - CAPTURED: refunded at the provider, then REFUNDED (conditional on still being CAPTURED);
 * - AUTHORIZED (a charge stopped before capture): the authorization is released, then REFUNDED;
 * - REFUNDED: nothing changes, the first refund's result is returned;
 * - no payment, PENDING or DECLINED: nothing was taken, a no-op success (`refunded: false`).
 * @throws PaymentProviderUnavailableError when the provider fails transiently (the saga retries).
 */
export const refundPayment = async (deps: RefundPaymentDeps, input: RefundPaymentInput): Promise<RefundPaymentResult> => {
  const { payments, provider, clock } = deps;
  const { orderId } = input;
  const context: WriteContext = { correlationId: input.correlationId };

  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const payment = await payments.get(orderId);
    const now = clock.now().toISOString();
    if (!payment || payment.status === 'PENDING' || payment.status === 'DECLINED') {
      return { orderId, refunded: false, ...(payment && { paymentId: payment.paymentId }), refundedAt: now };
    }
    if (payment.status === 'REFUNDED') {
      return { orderId, refunded: true, paymentId: payment.paymentId, refundedAt: payment.refundedAt ?? payment.updatedAt };
    }
    if (payment.status === 'CAPTURED') {
      const { refundId } = await provider.refund({ orderId, captureId: payment.captureId ?? '', amount: payment.amount });
      if (await payments.transition(orderId, 'CAPTURED', { status: 'REFUNDED', refundId, refundedAt: now }, context)) {
        return { orderId, refunded: true, paymentId: payment.paymentId, refundedAt: now };
      }
    } else {
      await provider.voidAuthorization({ orderId, authorizationId: payment.authorizationId ?? '' });
      if (await payments.transition(orderId, 'AUTHORIZED', { status: 'REFUNDED', refundedAt: now }, context)) {
        return { orderId, refunded: true, paymentId: payment.paymentId, refundedAt: now };
      }
    }
  }
  throw new PaymentContentionError(orderId);
};
