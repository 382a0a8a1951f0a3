import './testing/lambda-env';
import { ValidationError } from '@shop/domain';
import { fakeLambdaContext } from '@shop/testing';
import { paymentIdFor } from '../domain/payment';
import { FakePaymentProvider, fixedClock, InMemoryPaymentRepository } from '../domain/testing/in-memory-payments';
import { capturedPayment, ORDER_1, ORDER_2 } from '../domain/testing/payment-fixtures';
import { createRefundPaymentCommand, handler } from './refund-payment.handler';

const NOW = '2025-03-01T10:05:00.000Z';

const setup = () => {
  const payments = new InMemoryPaymentRepository([capturedPayment()]);
  const metrics: string[] = [];
  const logger = { info: jest.fn() };
  const command = createRefundPaymentCommand({
    payments,
    provider: new FakePaymentProvider(),
    clock: fixedClock(NOW),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { payments, metrics, logger, command };
};

describe('RefundPayment command', () => {
  it('refunds the captured payment and returns the contract result', async () => {
    const { command, payments, metrics } = setup();

    await expect(command({ orderId: ORDER_1, correlationId: 'corr-saga-1' })).resolves.toEqual({
      orderId: ORDER_1,
      refunded: true,
      paymentId: paymentIdFor(ORDER_1),
      refundedAt: NOW,
    });
    expect(payments.items.get(ORDER_1)?.status).toBe('REFUNDED');
    expect(metrics).toEqual(['PaymentRefunded']);
  });

  it('succeeds without effect for an order that was not charged', async () => {
    const { command, metrics, logger } = setup();

    await expect(command({ orderId: ORDER_2, correlationId: 'corr-saga-2' })).resolves.toEqual({
      orderId: ORDER_2,
      refunded: false,
      refundedAt: NOW,
    });
    expect(metrics).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith('Nothing to refund', { orderId: ORDER_2, paymentId: undefined });
  });

  it('refuses a payload that breaks the contract', async () => {
    const { command } = setup();
    await expect(command({ orderId: 'x', correlationId: 'c' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('handler', () => {
  it('is wrapped with observability and validates before touching the table or the provider', async () => {
    await expect(handler({}, fakeLambdaContext())).rejects.toBeInstanceOf(ValidationError);
  });
});
