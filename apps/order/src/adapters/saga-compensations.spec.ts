import { InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ORDER_ID } from '../domain/testing/order-fixtures';
import { isRetryable, LambdaSagaCompensations, ParticipantContractError, ParticipantFunctionError } from './saga-compensations';

const lambda = mockClient(LambdaClient);
const functions = {
  refundPayment: 'arn:aws:lambda:eu-west-1:123456789012:function:refund-payment',
  releaseStock: 'arn:aws:lambda:eu-west-1:123456789012:function:release-stock',
};
const NOW = '2025-03-01T10:30:00.000Z';

const answer = (body: unknown, functionError?: string) => ({
  StatusCode: 200,
  Payload: new TextEncoder().encode(JSON.stringify(body)) as never,
  ...(functionError && { FunctionError: functionError }),
});
const failed = (errorType: string) => answer({ errorType, errorMessage: `${errorType} (simulated)` }, 'Unhandled');
const refunded = answer({ orderId: ORDER_ID, refunded: true, paymentId: 'pay-1', refundedAt: NOW });
const released = answer({ orderId: ORDER_ID, released: false, lines: [], releasedAt: NOW });

const setup = () => {
  const waits: number[] = [];
  const compensations = new LambdaSagaCompensations(new LambdaClient({ region: 'eu-west-1' }), functions, undefined, async (ms) => {
    waits.push(ms);
  });
  return { waits, compensations };
};

beforeEach(() => {
  lambda.reset();
});

describe('LambdaSagaCompensations', () => {
  it("invokes payment's refund with the saga's payload and reads whether it refunded", async () => {
    lambda.on(InvokeCommand).resolves(refunded);

    await expect(setup().compensations.refundPayment(ORDER_ID, 'corr-1')).resolves.toEqual({ undone: true });
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: functions.refundPayment,
      InvocationType: 'RequestResponse',
      Payload: JSON.stringify({ orderId: ORDER_ID, correlationId: 'corr-1' }),
    });
  });

  it("invokes inventory's release and reads whether it released (false: nothing was reserved)", async () => {
    lambda.on(InvokeCommand).resolves(released);
    await expect(setup().compensations.releaseStock(ORDER_ID, 'corr-1')).resolves.toEqual({ undone: false });
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: functions.releaseStock });
  });

  it('retries a transient participant error with exponential backoff, then succeeds', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce(failed('PaymentContentionError'))
      .resolvesOnce(failed('PaymentProviderUnavailableError'))
      .resolves(refunded);
    const { waits, compensations } = setup();

    await expect(compensations.refundPayment(ORDER_ID, 'corr-1')).resolves.toEqual({ undone: true });
    expect(waits).toEqual([200, 400]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 3);
  });

  it('gives up after 4 calls with the participant error, named as the participant named it', async () => {
    lambda.on(InvokeCommand).resolves(failed('StockContentionError'));
    const { waits, compensations } = setup();

    const error = await compensations.releaseStock(ORDER_ID, 'corr-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ParticipantFunctionError);
    expect(error).toMatchObject({ name: 'StockContentionError', functionArn: functions.releaseStock });
    expect(waits).toEqual([200, 400, 800]);
  });

  it('never retries a payload the participant refuses (a bug, not a blip)', async () => {
    lambda.on(InvokeCommand).resolves(failed('ValidationError'));
    const { waits, compensations } = setup();

    await expect(compensations.refundPayment(ORDER_ID, 'corr-1')).rejects.toMatchObject({ name: 'ValidationError' });
    expect(waits).toEqual([]);
  });

  it('treats a crash that reports no error type as the function error Lambda names', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('Task timed out') as never });
    const { compensations } = setup();
    await expect(compensations.refundPayment(ORDER_ID, 'corr-1')).rejects.toMatchObject({ name: 'Unhandled' });
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 4);
  });

  it('refuses an answer its contract does not allow, without retrying', async () => {
    lambda.on(InvokeCommand).resolves(answer({ orderId: ORDER_ID, refunded: 'yes' }));
    const { compensations } = setup();
    await expect(compensations.refundPayment(ORDER_ID, 'corr-1')).rejects.toBeInstanceOf(ParticipantContractError);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });

  it('retries Lambda throttling but not a function that does not exist', async () => {
    lambda
      .on(InvokeCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(refunded);
    await expect(setup().compensations.refundPayment(ORDER_ID, 'corr-1')).resolves.toEqual({ undone: true });

    lambda.reset();
    lambda.on(InvokeCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
    await expect(setup().compensations.refundPayment(ORDER_ID, 'corr-1')).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });
});

describe('isRetryable', () => {
  it('retries network failures, not values that are not errors', () => {
    expect(isRetryable(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryable('boom')).toBe(false);
  });
});
