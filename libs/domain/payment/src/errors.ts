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
