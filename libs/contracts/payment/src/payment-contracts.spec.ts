import {
  PAYMENT_CONTENTION_ERROR,
  PAYMENT_DECLINED_ERROR,
  PAYMENT_PROVIDER_UNAVAILABLE_ERROR,
  PaymentContentionError,
  PaymentDeclinedError,
  PaymentProviderUnavailableError,
} from './errors';
import {
  ChargePaymentInputSchema,
  ChargePaymentResultSchema,
  RefundPaymentInputSchema,
  RefundPaymentResultSchema,
} from './payment-commands';

const orderId = '7d1f3c2a-5b4e-4f6a-8c9d-0e1f2a3b4c5d';

describe('ChargePaymentInputSchema', () => {
  const input = {
    orderId,
    customerId: 'user-1',
    correlationId: 'corr-1',
    amount: { amount: 2598, currency: 'EUR' },
    paymentToken: 'tok_approve',
  };

  it('accepts an order amount and a token', () => {
    expect(ChargePaymentInputSchema.parse(input)).toEqual(input);
  });

  it('rejects a fractional amount or a missing token', () => {
    expect(ChargePaymentInputSchema.safeParse({ ...input, amount: { amount: 1.5, currency: 'EUR' } }).success).toBe(false);
    expect(ChargePaymentInputSchema.safeParse({ ...input, paymentToken: '' }).success).toBe(false);
  });
});

describe('payment results and refund', () => {
  it('parse the documented shapes', () => {
    const charged = {
      orderId,
      paymentId: 'pay-1',
      status: 'CAPTURED',
      amount: { amount: 1, currency: 'EUR' },
      chargedAt: '2025-01-01T00:00:00.000Z',
    };
    expect(ChargePaymentResultSchema.parse(charged)).toEqual(charged);
    expect(ChargePaymentResultSchema.safeParse({ ...charged, status: 'REFUNDED' }).success).toBe(false);
    expect(RefundPaymentInputSchema.parse({ orderId, correlationId: 'c' })).toEqual({ orderId, correlationId: 'c' });
    const refunded = { orderId, refunded: true, paymentId: 'pay-1', refundedAt: '2025-01-01T00:00:00.000Z' };
    expect(RefundPaymentResultSchema.parse(refunded)).toEqual(refunded);
  });
});

describe('payment errors', () => {
  it('carry the names the saga routes on', () => {
    expect(new PaymentDeclinedError().name).toBe('PaymentDeclinedError');
    expect(PAYMENT_DECLINED_ERROR).toBe('PaymentDeclinedError');
    expect(new PaymentProviderUnavailableError().name).toBe('PaymentProviderUnavailableError');
    expect(PAYMENT_PROVIDER_UNAVAILABLE_ERROR).toBe('PaymentProviderUnavailableError');
    const cause = new Error('timeout');
    expect(new PaymentProviderUnavailableError('down', { cause }).cause).toBe(cause);
  });

  it('name the transient contention the saga retries, with the order', () => {
    const error = new PaymentContentionError(orderId);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(PAYMENT_CONTENTION_ERROR);
    expect(PAYMENT_CONTENTION_ERROR).toBe('PaymentContentionError');
    expect(error.orderId).toBe(orderId);
    expect(error.message).toBe(`The payment of order ${orderId} kept changing; try again.`);
  });
});
