import './testing/lambda-env';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import type { ChargePaymentInput } from '@shop/payment-contracts';
import { adminClaims, apiGatewayProxyEvent, fakeLambdaContext, useTestTable } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { DynamoPaymentRepository, paymentKey } from '../adapters/payment.repository';
import type { FailureTokens } from '../adapters/failure-tokens';
import { failureCounterKey, SimulatedPaymentProvider } from '../adapters/simulated-payment-provider';
import { paymentIdFor } from '../domain/payment';
import { systemClock } from '../domain/ports';
import { createChargePaymentCommand } from './charge-payment.handler';
import { createRefundPaymentCommand } from './refund-payment.handler';
import { createPaymentApi } from './router.handler';

// The saga commands' plain functions (what the Lambdas run), through the real repository and the
// simulated provider, against DynamoDB Local. Each call builds its dependencies afresh, as a new
// Lambda execution environment would: only the table carries state between calls.
const docClient = createDocumentClient();
const table = useTestTable();

afterAll(() => docClient.destroy());

const quiet = { logger: { info: () => undefined, warn: () => undefined }, metrics: { addMetric: () => undefined } };
const deps = (failureTokens: FailureTokens = 'enabled') => ({
  payments: new DynamoPaymentRepository(docClient, table.tableName),
  provider: new SimulatedPaymentProvider(docClient, table.tableName, systemClock, failureTokens),
  clock: systemClock,
  ...quiet,
});
const charge = (payload: unknown) => createChargePaymentCommand(deps())(payload);
const refund = (orderId: string) => createRefundPaymentCommand(deps())({ orderId, correlationId: `corr-refund-${orderId}` });
const getPayment = async (orderId: string) => {
  const result = await createPaymentApi({ payments: deps().payments, logger: { debug: () => undefined, error: () => undefined } })(
    apiGatewayProxyEvent({ basePath: '/payments', path: `/${orderId}`, claims: adminClaims() }),
    fakeLambdaContext(),
  );
  return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
};
const storedItem = async (orderId: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: paymentKey(orderId), ConsistentRead: true }))).Item;
const payload = (paymentToken: string, overrides: Partial<ChargePaymentInput> = {}): ChargePaymentInput => {
  const orderId = randomUUID();
  return {
    orderId,
    customerId: 'customer-1',
    correlationId: `corr-${orderId}`,
    amount: { amount: 4200, currency: 'EUR' },
    paymentToken,
    ...overrides,
  };
};
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('payment saga commands on DynamoDB Local', () => {
  it('captures tok_approve once; GET /payments/{orderId} shows it CAPTURED after 1 attempt', async () => {
    const input = payload('tok_approve');

    const result = await charge(input);

    expect(result).toEqual({
      orderId: input.orderId,
      paymentId: paymentIdFor(input.orderId),
      status: 'CAPTURED',
      amount: input.amount,
      chargedAt: expect.any(String),
    });
    await expect(getPayment(input.orderId)).resolves.toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'CAPTURED', amount: input.amount, attempts: 1, customerId: 'customer-1' }),
    });
    await expect(storedItem(input.orderId)).resolves.toMatchObject({ correlationId: input.correlationId });
    await expect(charge(input)).resolves.toEqual(result);
    await expect(storedItem(input.orderId)).resolves.toMatchObject({ attempts: 1 });
  });

  it('declines tok_decline with PaymentDeclinedError, on a retry too, asking the provider once', async () => {
    const input = payload('tok_decline');

    const first = await errorOf(charge(input));
    const again = await errorOf(charge(input));

    expect([first?.name, again?.name]).toEqual(['PaymentDeclinedError', 'PaymentDeclinedError']);
    await expect(getPayment(input.orderId)).resolves.toMatchObject({
      body: { status: 'DECLINED', attempts: 1, declineReason: 'card_declined' },
    });
  });

  it('fails tok_transient_2 twice with PaymentProviderUnavailableError across invocations, then captures exactly once', async () => {
    const input = payload('tok_transient_2');

    const errors = [await errorOf(charge(input)), await errorOf(charge(input))];
    await expect(getPayment(input.orderId)).resolves.toMatchObject({ body: { status: 'PENDING', attempts: 2 } });
    const result = await charge(input);

    expect(errors.map((error) => error?.name)).toEqual(['PaymentProviderUnavailableError', 'PaymentProviderUnavailableError']);
    expect(result.status).toBe('CAPTURED');
    await expect(getPayment(input.orderId)).resolves.toMatchObject({ body: { status: 'CAPTURED', attempts: 3 } });
  });

  it('declines tok_transient_2 where failure tokens are disabled (prod): PaymentDeclinedError, never unavailable, no counter', async () => {
    const input = payload('tok_transient_2');
    const chargeInProd = () => createChargePaymentCommand(deps('disabled'))(input);

    const errors = [await errorOf(chargeInProd()), await errorOf(chargeInProd())];

    expect(errors.map((error) => error?.name)).toEqual(['PaymentDeclinedError', 'PaymentDeclinedError']);
    await expect(getPayment(input.orderId)).resolves.toMatchObject({
      body: { status: 'DECLINED', attempts: 1, declineReason: 'test_token_refused' },
    });
    const counter = await docClient.send(
      new GetCommand({ TableName: table.tableName, Key: failureCounterKey(input.orderId), ConsistentRead: true }),
    );
    expect(counter.Item).toBeUndefined();
  });

  it('charges once when the same charge arrives five times at once', async () => {
    const input = payload('tok_approve');

    const results = await Promise.all(Array.from({ length: 5 }, () => charge(input)));

    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    await expect(storedItem(input.orderId)).resolves.toMatchObject({ status: 'CAPTURED', captureId: `cap_${input.orderId}` });
  });

  it('charges with three conditional writes and no read; a redelivery answers from one failed write', async () => {
    const input = payload('tok_approve');
    const commands: string[] = [];
    const counted = createDocumentClient();
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    const chargeCounted = () =>
      createChargePaymentCommand({ ...deps(), payments: new DynamoPaymentRepository(counted, table.tableName) })(input);

    const first = await chargeCounted();
    const firstCommands = commands.splice(0);
    const again = await chargeCounted();
    counted.destroy();

    expect(firstCommands).toEqual(['UpdateItemCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
    expect(commands).toEqual(['UpdateItemCommand']);
    expect(again).toEqual(first);
    await expect(storedItem(input.orderId)).resolves.toMatchObject({ status: 'CAPTURED', attempts: 1 });
  });

  it('refuses a charge of another amount for a PENDING payment without counting an attempt', async () => {
    const input = payload('tok_transient_1');
    await errorOf(charge(input));

    const errors = [
      await errorOf(charge({ ...input, amount: { amount: 4201, currency: 'EUR' } })),
      await errorOf(charge({ ...input, amount: { amount: 4200, currency: 'USD' } })),
    ];

    expect(errors.map((error) => error?.name)).toEqual(['PaymentConflictError', 'PaymentConflictError']);
    await expect(storedItem(input.orderId)).resolves.toMatchObject({ status: 'PENDING', attempts: 1, amount: input.amount });
  });

  it('refuses a second charge of another amount for the same order', async () => {
    const input = payload('tok_approve');
    await charge(input);

    const error = await errorOf(charge({ ...input, amount: { amount: 1, currency: 'EUR' } }));

    expect(error?.name).toBe('PaymentConflictError');
    await expect(storedItem(input.orderId)).resolves.toMatchObject({ amount: input.amount, status: 'CAPTURED' });
  });

  it('refunds a captured payment once; refunding an uncharged or declined order is a no-op success', async () => {
    const captured = payload('tok_approve');
    await charge(captured);
    const declined = payload('tok_decline');
    await errorOf(charge(declined));
    const never = randomUUID();

    const [first, second] = await Promise.all([refund(captured.orderId), refund(captured.orderId)]);

    expect(first).toEqual({
      orderId: captured.orderId,
      refunded: true,
      paymentId: paymentIdFor(captured.orderId),
      refundedAt: expect.any(String),
    });
    expect(second).toEqual(first);
    await expect(getPayment(captured.orderId)).resolves.toMatchObject({
      body: { status: 'REFUNDED', refundId: `ref_${captured.orderId}` },
    });
    await expect(refund(declined.orderId)).resolves.toMatchObject({ refunded: false });
    await expect(refund(never)).resolves.toMatchObject({ refunded: false });
    await expect(storedItem(never)).resolves.toBeUndefined();
    await expect(getPayment(declined.orderId)).resolves.toMatchObject({ body: { status: 'DECLINED' } });
  });

  it('answers 404 on GET for an order without payment', async () => {
    await expect(getPayment(randomUUID())).resolves.toMatchObject({ status: 404 });
  });
});
