import { ConflictError, NotFoundError } from '@shop/domain';

export {
  PAYMENT_DECLINED_ERROR,
  PAYMENT_PROVIDER_UNAVAILABLE_ERROR,
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
    this.name = 'PaymentConflictError';
  }
}

/**
 * The payment of an order kept changing under a charge or refund (concurrent calls for the same
 * order). Nothing inconsistent was written; calling again is safe (transient).
 */
export class PaymentContentionError extends Error {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`The payment of order ${orderId} kept changing; try again.`, options);
    this.name = 'PaymentContentionError';
  }
}
