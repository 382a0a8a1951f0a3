import './testing/lambda-env';
import { ValidationError } from '@shop/domain';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { fakeLambdaContext, withoutEnv } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import type { FailureTokens } from '../adapters/failure-tokens';
import { SimulatedPaymentProvider } from '../adapters/simulated-payment-provider';
import { PaymentDeclinedError, PaymentProviderUnavailableError } from '../domain/errors';
import { paymentIdFor } from '../domain/payment';
import type { PaymentProvider } from '../domain/ports';
import { FakePaymentProvider, fixedClock, InMemoryPaymentRepository } from '../domain/testing/in-memory-payments';
import { chargeInput, ORDER_1 } from '../domain/testing/payment-fixtures';
import { createChargePaymentCommand, handler } from './charge-payment.handler';

const NOW = '2025-03-01T10:00:00.000Z';

const setup = (provider: PaymentProvider = new FakePaymentProvider()) => {
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

  describe('with the simulated provider, by stage setting', () => {
    // The simulator's failure counter is a DynamoDB UpdateItem: answered here without a network.
    const ddb = mockClient(DynamoDBDocumentClient);
    beforeEach(() => {
      ddb.reset();
      ddb.resolves({ Attributes: { attempts: 1 } });
    });
    afterAll(() => ddb.restore());
    const simulated = (failureTokens: FailureTokens) =>
      new SimulatedPaymentProvider(
        createDocumentClient({ clientConfig: { region: 'eu-west-1' } }),
        'payments',
        fixedClock(NOW),
        failureTokens,
      );

    it('refuses tok_transient_<n> as a declined payment where failure tokens are disabled (prod): never transient, so never NEEDS_ATTENTION', async () => {
      const { command, payments, metrics } = setup(simulated('disabled'));

      const first = await command(chargeInput({ paymentToken: 'tok_transient_5' })).catch((e: unknown) => e);
      const retry = await command(chargeInput({ paymentToken: 'tok_transient_5' })).catch((e: unknown) => e);

      expect([first, retry].map((error) => (error as Error).name)).toEqual(['PaymentDeclinedError', 'PaymentDeclinedError']);
      expect((first as Error).message).toContain('test_token_refused');
      expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'DECLINED', declineReason: 'test_token_refused', attempts: 1 });
      expect(metrics).toEqual(['PaymentDeclined', 'PaymentDeclined']);
      expect(ddb.calls()).toHaveLength(0);
    });

    it('fails tok_transient_<n> transiently where failure tokens are enabled (dev, local): the saga retries', async () => {
      const { command, payments } = setup(simulated('enabled'));

      const error = await command(chargeInput({ paymentToken: 'tok_transient_5' })).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentProviderUnavailableError);
      expect(payments.items.get(ORDER_1)).toMatchObject({ status: 'PENDING', attempts: 1 });
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

  it('fails at cold start, with a named error, when SIMULATED_FAILURE_TOKENS is missing or not enabled/disabled', () => {
    withoutEnv('SIMULATED_FAILURE_TOKENS', () =>
      jest.isolateModules(() => {
        expect(() => require('./charge-payment.handler')).toThrow('Environment variable SIMULATED_FAILURE_TOKENS is required but not set.');
      }),
    );
    const previous = process.env.SIMULATED_FAILURE_TOKENS;
    process.env.SIMULATED_FAILURE_TOKENS = 'yes';
    try {
      jest.isolateModules(() => {
        expect(() => require('./charge-payment.handler')).toThrow('must be "enabled" or "disabled", not "yes"');
      });
    } finally {
      process.env.SIMULATED_FAILURE_TOKENS = previous;
    }
  });
});
