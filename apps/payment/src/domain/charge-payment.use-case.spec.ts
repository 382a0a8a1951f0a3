import { chargePayment } from './charge-payment.use-case';
import { PaymentConflictError, PaymentContentionError, PaymentDeclinedError, PaymentProviderUnavailableError } from './errors';
import { paymentIdFor } from './payment';
import type { PaymentRepository } from './ports';
import { FakePaymentProvider, fixedClock, InMemoryPaymentRepository } from './testing/in-memory-payments';
import { capturedPayment, chargeInput, ORDER_1 } from './testing/payment-fixtures';

const NOW = '2025-03-01T10:00:00.000Z';

const setup = (provider = new FakePaymentProvider(), payments = new InMemoryPaymentRepository()) => ({
  payments,
  provider,
  charge: (input = chargeInput()) => chargePayment({ payments, provider, clock: fixedClock(NOW) }, input),
});

describe('chargePayment', () => {
  it('authorizes then captures, returning the captured payment for the saga', async () => {
    const { charge, payments, provider } = setup();

    await expect(charge()).resolves.toEqual({
      orderId: ORDER_1,
      paymentId: paymentIdFor(ORDER_1),
      status: 'CAPTURED',
      amount: { amount: 2598, currency: 'EUR' },
      chargedAt: NOW,
    });
    expect(provider.calls).toEqual([`authorize ${ORDER_1} tok_approve 2598`, `capture auth-${ORDER_1}`]);
    expect(payments.items.get(ORDER_1)).toEqual({
      orderId: ORDER_1,
      paymentId: paymentIdFor(ORDER_1),
      customerId: chargeInput().customerId,
      status: 'CAPTURED',
      amount: { amount: 2598, currency: 'EUR' },
      attempts: 1,
      createdAt: NOW,
      updatedAt: NOW,
      authorizationId: `auth-${ORDER_1}`,
      authorizedAt: NOW,
      captureId: `cap-${ORDER_1}`,
      capturedAt: NOW,
    });
    expect(payments.writtenBy.get(ORDER_1)).toBe('corr-saga-1');
  });

  it('charges once per order: a repeated charge returns the first result and calls the provider no more', async () => {
    const { charge, provider } = setup();
    const first = await charge();

    await expect(charge()).resolves.toEqual(first);
    expect(provider.calls).toHaveLength(2);
  });

  it('records a decline and throws PaymentDeclinedError, again on every retry, without asking twice', async () => {
    const { charge, payments, provider } = setup(new FakePaymentProvider('decline'));

    const error = await charge().catch((e: unknown) => e);
    const again = await charge().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect((error as Error).name).toBe('PaymentDeclinedError');
    expect((error as Error).message).toBe(`The payment of order ${ORDER_1} was declined (card_declined).`);
    expect(again).toEqual(error);
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'DECLINED', declineReason: 'card_declined', attempts: 1 });
    expect(provider.calls).toHaveLength(1);
  });

  it('leaves the payment PENDING on a transient failure, counting attempts, then captures on a retry', async () => {
    const { charge, payments, provider } = setup(new FakePaymentProvider('approve', 2));

    await expect(charge()).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    await expect(charge()).rejects.toHaveProperty('name', 'PaymentProviderUnavailableError');
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'PENDING', attempts: 2 });

    await expect(charge()).resolves.toMatchObject({ status: 'CAPTURED' });
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'CAPTURED', attempts: 3 });
    expect(provider.calls.filter((call) => call.startsWith('capture'))).toHaveLength(1);
  });

  it('finishes a charge that stopped after the authorization: captures without authorizing again', async () => {
    const authorized = capturedPayment({ status: 'AUTHORIZED', captureId: undefined, capturedAt: undefined });
    const { charge, provider, payments } = setup(new FakePaymentProvider(), new InMemoryPaymentRepository([authorized]));

    await expect(charge()).resolves.toMatchObject({ status: 'CAPTURED', chargedAt: NOW });
    expect(provider.calls).toEqual([`capture auth-${ORDER_1}`]);
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'CAPTURED', attempts: 1 });
  });

  it('returns the capture of a payment refunded since, and refuses one cancelled before capture', async () => {
    const refunded = capturedPayment({ status: 'REFUNDED', refundedAt: '2025-01-02T00:00:00.000Z' });
    await expect(setup(new FakePaymentProvider(), new InMemoryPaymentRepository([refunded])).charge()).resolves.toMatchObject({
      status: 'CAPTURED',
      chargedAt: '2025-01-01T00:00:01.000Z',
    });

    const voided = capturedPayment({ status: 'REFUNDED', captureId: undefined, capturedAt: undefined });
    await expect(setup(new FakePaymentProvider(), new InMemoryPaymentRepository([voided])).charge()).rejects.toBeInstanceOf(PaymentDeclinedError);
  });

  it('refuses a charge of another amount for an already paid order, calling no provider', async () => {
    const { charge, provider } = setup(new FakePaymentProvider(), new InMemoryPaymentRepository([capturedPayment()]));

    await expect(charge(chargeInput({ amount: { amount: 1, currency: 'EUR' } }))).rejects.toEqual(new PaymentConflictError(ORDER_1));
    expect(provider.calls).toEqual([]);
  });

  it('continues from what a concurrent charge stored when it loses a step', async () => {
    const inner = new InMemoryPaymentRepository();
    const provider = new FakePaymentProvider();
    // Another call completes the whole charge while this one is between authorize and its write.
    const racing: PaymentRepository = {
      get: (orderId) => inner.get(orderId),
      recordAttempt: (attempt, context) => inner.recordAttempt(attempt, context),
      transition: async (orderId, from, transition, context) => {
        if (from === 'PENDING' && (await inner.get(orderId))?.status === 'PENDING') {
          await inner.transition(orderId, 'PENDING', { status: 'AUTHORIZED', authorizationId: 'auth-other', authorizedAt: NOW }, { correlationId: 'other' });
          await inner.transition(orderId, 'AUTHORIZED', { status: 'CAPTURED', captureId: 'cap-other', capturedAt: '2025-03-01T09:59:59.000Z' }, { correlationId: 'other' });
        }
        return inner.transition(orderId, from, transition, context);
      },
    };

    const result = await chargePayment({ payments: racing, provider, clock: fixedClock(NOW) }, chargeInput());

    expect(result.chargedAt).toBe('2025-03-01T09:59:59.000Z');
    expect(provider.calls.filter((call) => call.startsWith('capture'))).toEqual([]);
  });

  it('gives up with a transient PaymentContentionError when the payment keeps changing', async () => {
    const payments = new InMemoryPaymentRepository();
    payments.recordAttempt = async () => undefined;

    await expect(setup(new FakePaymentProvider(), payments).charge()).rejects.toEqual(new PaymentContentionError(ORDER_1));
  });
});
