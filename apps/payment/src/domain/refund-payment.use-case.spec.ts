import { PaymentContentionError, PaymentProviderUnavailableError } from './errors';
import { paymentIdFor } from './payment';
import { refundPayment } from './refund-payment.use-case';
import { FakePaymentProvider, fixedClock, InMemoryPaymentRepository } from './testing/in-memory-payments';
import { capturedPayment, ORDER_1, ORDER_2 } from './testing/payment-fixtures';

const NOW = '2025-03-01T10:05:00.000Z';

const setup = (seed = [capturedPayment()], provider = new FakePaymentProvider()) => {
  const payments = new InMemoryPaymentRepository(seed);
  return {
    payments,
    provider,
    refund: (orderId = ORDER_1) => refundPayment({ payments, provider, clock: fixedClock(NOW) }, { orderId, correlationId: 'corr-refund' }),
  };
};

describe('refundPayment', () => {
  it('refunds a captured payment at the provider and marks it REFUNDED', async () => {
    const { refund, payments, provider } = setup();

    await expect(refund()).resolves.toEqual({ orderId: ORDER_1, refunded: true, paymentId: paymentIdFor(ORDER_1), refundedAt: NOW });
    expect(provider.calls).toEqual([`refund cap-${ORDER_1}`]);
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'REFUNDED', refundId: `ref-${ORDER_1}`, refundedAt: NOW });
    expect(payments.writtenBy.get(ORDER_1)).toBe('corr-refund');
  });

  it('refunds once: a repeated refund returns the first result without calling the provider', async () => {
    const { refund, provider } = setup();
    const first = await refund();

    await expect(refund()).resolves.toEqual(first);
    expect(provider.calls).toHaveLength(1);
  });

  it('releases an authorization that was never captured', async () => {
    const { refund, payments, provider } = setup([capturedPayment({ status: 'AUTHORIZED', captureId: undefined, capturedAt: undefined })]);

    await expect(refund()).resolves.toMatchObject({ refunded: true });
    expect(provider.calls).toEqual([`void auth-${ORDER_1}`]);
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'REFUNDED', refundedAt: NOW });
  });

  it.each([
    ['no payment', []],
    [
      'a declined payment',
      [
        capturedPayment({
          orderId: ORDER_2,
          status: 'DECLINED',
          captureId: undefined,
          capturedAt: undefined,
          declineReason: 'card_declined',
        }),
      ],
    ],
    ['a pending payment', [capturedPayment({ orderId: ORDER_2, status: 'PENDING', captureId: undefined, capturedAt: undefined })]],
  ])('is a no-op success for %s', async (_label, seed) => {
    const { refund, payments, provider } = setup(seed);

    const result = await refund(ORDER_2);

    expect(result).toMatchObject({ orderId: ORDER_2, refunded: false, refundedAt: NOW });
    expect(provider.calls).toEqual([]);
    expect([...payments.items.values()]).toEqual(seed);
  });

  it('passes a transient provider failure on for the saga to retry, leaving the payment CAPTURED', async () => {
    const provider = new FakePaymentProvider();
    provider.refund = async () => {
      throw new PaymentProviderUnavailableError();
    };
    const { refund, payments } = setup([capturedPayment()], provider);

    await expect(refund()).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    expect(payments.items.get(ORDER_1)?.status).toBe('CAPTURED');
  });

  it('gives up with PaymentContentionError when the payment keeps changing', async () => {
    const { refund, payments } = setup();
    payments.transition = async () => undefined;

    await expect(refund()).rejects.toEqual(new PaymentContentionError(ORDER_1));
  });
});
