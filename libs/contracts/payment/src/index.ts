/**
 * @shop/payment-contracts: the payment service's saga commands (`ChargePayment`, `RefundPayment`:
 * inputs and results) and the typed error names the saga routes on: `PaymentDeclinedError`
 * (business, caught), `PaymentProviderUnavailableError` and `PaymentContentionError` (transient, retried).
 */
export * from './payment-commands';
export * from './errors';
