import { chargePayment, type ChargePaymentDeps } from './charge-payment.use-case';
import { PaymentConflictError, PaymentContentionError, PaymentDeclinedError, PaymentProviderUnavailableError } from './errors';
import { paymentIdFor } from './payment';
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

  it('reads nothing: one attempt write, then one conditional write per step', async () => {
    const { charge, payments } = setup();

    await charge();

    expect(payments.calls).toEqual(['recordAttempt', 'transition PENDING->AUTHORIZED', 'transition AUTHORIZED->CAPTURED']);
  });

  it('charges once per order: a repeated charge returns the first result from its one failed attempt write, calling the provider no more', async () => {
    const { charge, payments, provider } = setup();
    const first = await charge();
    payments.calls.length = 0;

    await expect(charge()).resolves.toEqual(first);
    expect(provider.calls).toHaveLength(2);
    expect(payments.calls).toEqual(['recordAttempt']);
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'CAPTURED', attempts: 1 });
  });

  it('returns a redelivered charge of a CAPTURED payment from its one failed attempt write: no read, nothing changed, no provider call', async () => {
    const { charge, payments, provider } = setup(new FakePaymentProvider(), new InMemoryPaymentRepository([capturedPayment()]));

    await expect(charge()).resolves.toEqual({
      orderId: ORDER_1,
      paymentId: paymentIdFor(ORDER_1),
      status: 'CAPTURED',
      amount: { amount: 2598, currency: 'EUR' },
      chargedAt: '2025-01-01T00:00:01.000Z',
    });
    expect(payments.calls).toEqual(['recordAttempt']);
    expect(payments.items.get(ORDER_1)).toEqual(capturedPayment());
    expect(provider.calls).toEqual([]);
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
    expect(payments.calls).toEqual(['recordAttempt', 'transition PENDING->DECLINED', 'recordAttempt']);
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

  it('finishes a redelivered charge that stopped after the authorization: captures from the failed attempt write, without a read or a second authorization', async () => {
    const authorized = capturedPayment({ status: 'AUTHORIZED', captureId: undefined, capturedAt: undefined });
    const { charge, provider, payments } = setup(new FakePaymentProvider(), new InMemoryPaymentRepository([authorized]));

    await expect(charge()).resolves.toMatchObject({ status: 'CAPTURED', chargedAt: NOW });
    expect(provider.calls).toEqual([`capture auth-${ORDER_1}`]);
    expect(payments.calls).toEqual(['recordAttempt', 'transition AUTHORIZED->CAPTURED']);
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'CAPTURED', attempts: 1 });
  });

  it('returns the capture of a payment refunded since, and refuses one cancelled before capture', async () => {
    const refunded = capturedPayment({ status: 'REFUNDED', refundedAt: '2025-01-02T00:00:00.000Z' });
    await expect(setup(new FakePaymentProvider(), new InMemoryPaymentRepository([refunded])).charge()).resolves.toMatchObject({
      status: 'CAPTURED',
      chargedAt: '2025-01-01T00:00:01.000Z',
    });

    const voided = capturedPayment({ status: 'REFUNDED', captureId: undefined, capturedAt: undefined });
    await expect(setup(new FakePaymentProvider(), new InMemoryPaymentRepository([voided])).charge()).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );
  });

  it('refuses a charge of another amount for an already paid order on its first write, without a read or a provider call', async () => {
    const { charge, payments, provider } = setup(new FakePaymentProvider(), new InMemoryPaymentRepository([capturedPayment()]));

    await expect(charge(chargeInput({ amount: { amount: 1, currency: 'EUR' } }))).rejects.toEqual(new PaymentConflictError(ORDER_1));
    expect(provider.calls).toEqual([]);
    expect(payments.calls).toEqual(['recordAttempt']);
    expect(payments.items.get(ORDER_1)).toEqual(capturedPayment());
  });

  it('refuses a charge of another amount or currency for a PENDING payment, counting no attempt', async () => {
    const pending = capturedPayment({
      status: 'PENDING',
      authorizationId: undefined,
      authorizedAt: undefined,
      captureId: undefined,
      capturedAt: undefined,
    });
    const { charge, payments, provider } = setup(new FakePaymentProvider(), new InMemoryPaymentRepository([pending]));

    await expect(charge(chargeInput({ amount: { amount: 2599, currency: 'EUR' } }))).rejects.toEqual(new PaymentConflictError(ORDER_1));
    await expect(charge(chargeInput({ amount: { amount: 2598, currency: 'USD' } }))).rejects.toEqual(new PaymentConflictError(ORDER_1));
    expect(provider.calls).toEqual([]);
    expect(payments.items.get(ORDER_1)).toEqual(pending);
  });

  it('continues from what a concurrent charge stored when it loses a step', async () => {
    const inner = new InMemoryPaymentRepository();
    const provider = new FakePaymentProvider();
    // Another call completes the whole charge while this one is between authorize and its write.
    const racing: ChargePaymentDeps['payments'] = {
      recordAttempt: (attempt, context) => inner.recordAttempt(attempt, context),
      transition: async (orderId, from, transition, context) => {
        if (from === 'PENDING' && (await inner.get(orderId))?.status === 'PENDING') {
          await inner.transition(
            orderId,
            'PENDING',
            { status: 'AUTHORIZED', authorizationId: 'auth-other', authorizedAt: NOW },
            { correlationId: 'other' },
          );
          await inner.transition(
            orderId,
            'AUTHORIZED',
            { status: 'CAPTURED', captureId: 'cap-other', capturedAt: '2025-03-01T09:59:59.000Z' },
            { correlationId: 'other' },
          );
        }
        return inner.transition(orderId, from, transition, context);
      },
    };

    const result = await chargePayment({ payments: racing, provider, clock: fixedClock(NOW) }, chargeInput());

    expect(result.chargedAt).toBe('2025-03-01T09:59:59.000Z');
    expect(provider.calls.filter((call) => call.startsWith('capture'))).toEqual([]);
    // The lost step's next round learns the stored state from its failed attempt write.
    expect(inner.calls.slice(-2)).toEqual(['transition PENDING->AUTHORIZED', 'recordAttempt']);
    expect(inner.items.get(ORDER_1)).toMatchObject({ status: 'CAPTURED', captureId: 'cap-other', attempts: 1 });
  });

  it('charges once when two identical charges run at once: the one that loses a step continues from the stored state', async () => {
    const { charge, payments, provider } = setup();

    const [first, second] = await Promise.all([charge(), charge(chargeInput({ correlationId: 'corr-saga-2' }))]);

    expect(second).toEqual(first);
    // Both may ask the provider, always for the one authorization, which it captures once (its
    // idempotency per order); one payment is stored, captured once.
    expect(new Set(provider.calls)).toEqual(new Set([`authorize ${ORDER_1} tok_approve 2598`, `capture auth-${ORDER_1}`]));
    expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'CAPTURED', captureId: `cap-${ORDER_1}`, attempts: 2 });
  });

  it('gives up with a transient PaymentContentionError when the payment keeps changing', async () => {
    // A payment that stays PENDING yet never accepts the attempt: something else keeps moving it.
    const payments = new InMemoryPaymentRepository();
    const pending = capturedPayment({
      status: 'PENDING',
      authorizationId: undefined,
      authorizedAt: undefined,
      captureId: undefined,
      capturedAt: undefined,
    });
    payments.recordAttempt = async () => ({ recorded: false, payment: pending });

    await expect(setup(new FakePaymentProvider(), payments).charge()).rejects.toEqual(new PaymentContentionError(ORDER_1));
  });
});
