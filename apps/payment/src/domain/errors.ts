import { ConflictError, NotFoundError } from '@shop/domain';
import { PAYMENT_CONFLICT_ERROR } from '@shop/payment-contracts';

export {
  PAYMENT_CONFLICT_ERROR,
  PAYMENT_CONTENTION_ERROR,
  PAYMENT_DECLINED_ERROR,
  PAYMENT_PROVIDER_UNAVAILABLE_ERROR,
  PaymentContentionError,
  PaymentDeclinedError,
  PaymentProviderUnavailableError,
} from '@shop/payment-contracts';

/** No payment was ever attempted for this order. */
export class PaymentNotFoundError extends NotFoundError {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`No payment exists for order ${orderId}.`, options);
    this.name = 'PaymentNotFoundError';
  }
}

/**
 * A charge for an order that already has a payment of another amount. Never retried and never
 * charged: one order, one payment; a different amount means the caller is wrong, not the payment.
 */
export class PaymentConflictError extends ConflictError {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Order ${orderId} already has a payment of another amount.`, options);
    this.name = PAYMENT_CONFLICT_ERROR;
  }
}
