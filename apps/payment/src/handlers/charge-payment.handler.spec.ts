import './testing/lambda-env';
import { ValidationError } from '@shop/domain';
import { fakeLambdaContext } from '@shop/testing';
import { PaymentDeclinedError, PaymentProviderUnavailableError } from '../domain/errors';
import { paymentIdFor } from '../domain/payment';
import { FakePaymentProvider, fixedClock, InMemoryPaymentRepository } from '../domain/testing/in-memory-payments';
import { chargeInput, ORDER_1 } from '../domain/testing/payment-fixtures';
import { createChargePaymentCommand, handler } from './charge-payment.handler';

const NOW = '2025-03-01T10:00:00.000Z';

const setup = (provider = new FakePaymentProvider()) => {
  const payments = new InMemoryPaymentRepository();
  const metrics: string[] = [];
  const logger = { info: jest.fn(), warn: jest.fn() };
  const command = createChargePaymentCommand({
    payments,
    provider,
    clock: fixedClock(NOW),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { payments, metrics, logger, command };
};

describe('ChargePayment command', () => {
  it('returns the contract result for the saga and counts the capture', async () => {
    const { command, metrics } = setup();

    await expect(command(chargeInput())).resolves.toEqual({
      orderId: ORDER_1,
      paymentId: paymentIdFor(ORDER_1),
      status: 'CAPTURED',
      amount: { amount: 2598, currency: 'EUR' },
      chargedAt: NOW,
    });
    expect(metrics).toEqual(['PaymentCaptured']);
  });

  it('throws an error named PaymentDeclinedError (what the saga Catch matches)', async () => {
    const { command, metrics } = setup(new FakePaymentProvider('decline'));

    const error = await command(chargeInput({ paymentToken: 'tok_decline' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect((error as Error).name).toBe('PaymentDeclinedError');
    expect(metrics).toEqual(['PaymentDeclined']);
  });

  it('throws an error named PaymentProviderUnavailableError (what the saga Retry matches) and warns', async () => {
    const { command, metrics, logger } = setup(new FakePaymentProvider('approve', 1));

    const error = await command(chargeInput()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
    expect((error as Error).name).toBe('PaymentProviderUnavailableError');
    expect(metrics).toEqual(['PaymentProviderUnavailable']);
    expect(logger.warn).toHaveBeenCalledWith('Payment provider unavailable; the saga retries', {
      orderId: ORDER_1,
      reason: 'The provider timed out.',
    });
  });

  it('refuses a payload that breaks the contract, naming the fields, and charges nothing', async () => {
    const { command, payments } = setup();

    const error = await command({ ...chargeInput(), amount: { amount: 10.5, currency: 'EUR' }, paymentToken: '' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['amount.amount', 'paymentToken']);
    expect(payments.items.size).toBe(0);
  });
});

describe('handler', () => {
  it('is wrapped with observability and validates before touching the table or the provider', async () => {
    await expect(handler({ orderId: ORDER_1 }, fakeLambdaContext())).rejects.toBeInstanceOf(ValidationError);
  });
});
