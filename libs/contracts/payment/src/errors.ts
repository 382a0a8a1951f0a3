/**
 * Error name `ChargePayment` fails with when the provider declines the token. A business failure:
 * the saga's Catch releases the stock and cancels the order `PAYMENT_DECLINED`; never retried.
 */
export const PAYMENT_DECLINED_ERROR = 'PaymentDeclinedError';

/**
 * Error name of a transient provider failure (timeout, 5xx). The saga retries it with backoff;
 * nothing was charged when it is thrown.
 */
export const PAYMENT_PROVIDER_UNAVAILABLE_ERROR = 'PaymentProviderUnavailableError';

/** The provider declined the payment. `name` is {@link PAYMENT_DECLINED_ERROR} (matched by the saga's Catch). */
export class PaymentDeclinedError extends Error {
  constructor(message = 'The payment was declined.', options?: ErrorOptions) {
    super(message, options);
    this.name = PAYMENT_DECLINED_ERROR;
  }
}

/**
 * The provider is temporarily unavailable; nothing was charged. `name` is
 * {@link PAYMENT_PROVIDER_UNAVAILABLE_ERROR} (matched by the saga's Retry).
 */
export class PaymentProviderUnavailableError extends Error {
  constructor(message = 'The payment provider is temporarily unavailable.', options?: ErrorOptions) {
    super(message, options);
    this.name = PAYMENT_PROVIDER_UNAVAILABLE_ERROR;
  }
}

/**
 * Error name of a charge for an order that already has a payment of another amount: the caller is
 * wrong, not the payment, so the saga never retries it.
 */
export const PAYMENT_CONFLICT_ERROR = 'PaymentConflictError';

/**
 * Error name of a charge or refund that lost the race for the order's payment to concurrent calls
 * for the same order. Transient: nothing inconsistent was written, so the saga retries it.
 */
export const PAYMENT_CONTENTION_ERROR = 'PaymentContentionError';

/**
 * The payment of an order kept changing under a charge or refund (concurrent calls for the same
 * order). Nothing inconsistent was written; calling again is safe. `name` is
 * {@link PAYMENT_CONTENTION_ERROR} (matched by the saga's Retry).
 */
export class PaymentContentionError extends Error {
  /** The order whose payment kept changing. */
  readonly orderId: string;

  constructor(orderId: string, options?: ErrorOptions) {
    super(`The payment of order ${orderId} kept changing; try again.`, options);
    this.name = PAYMENT_CONTENTION_ERROR;
    this.orderId = orderId;
  }
}
