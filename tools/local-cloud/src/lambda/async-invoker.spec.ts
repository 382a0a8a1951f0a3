import { memoryLogger } from '../log';
import { AsyncInvoker, FunctionNotFoundError, LAMBDA_ASYNC_DEFAULTS, type AsyncInvokeConfig } from './async-invoker';
import type { InvokeOutcome } from './function-pool';

const ok = (payload: unknown = { done: true }): InvokeOutcome => ({ requestId: 'r', ok: true, payload, durationMs: 1 });
const failed: InvokeOutcome = {
  requestId: 'r',
  ok: false,
  kind: 'handled',
  error: { errorType: 'ReconcileError', errorMessage: 'refund failed' },
  durationMs: 1,
};
const throttled: InvokeOutcome = {
  requestId: 'r',
  ok: false,
  kind: 'throttled',
  error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
  durationMs: 0,
};

function subject(outcomes: InvokeOutcome[], config: Partial<AsyncInvokeConfig> = {}) {
  const invoke = jest.fn();
  for (const outcome of outcomes) invoke.mockResolvedValueOnce(outcome);
  invoke.mockResolvedValue(ok());
  const sendToDestination = jest.fn().mockResolvedValue(undefined);
  const logger = memoryLogger();
  const delays: number[] = [];
  const invoker = new AsyncInvoker({
    invoke,
    exists: (name) => name === 'reconcile',
    configOf: () => ({ ...LAMBDA_ASYNC_DEFAULTS, ...config }),
    sendToDestination,
    logger,
    retryDelayMs: (attempt) => {
      delays.push(attempt);
      return 1;
    },
    throttleDelayMs: 1,
  });
  return { invoker, invoke, sendToDestination, logger, delays };
}

describe('AsyncInvoker (Lambda asynchronous invocation)', () => {
  it('accepts the event at once and runs it; a success with no OnSuccess destination sends nothing', async () => {
    const { invoker, invoke, sendToDestination } = subject([ok()]);
    const { requestId } = invoker.accept('reconcile', { orderId: 'o-1' }, 'events saga-ended');
    await invoker.settle();
    expect(invoke).toHaveBeenCalledWith('reconcile', { orderId: 'o-1' }, { requestId, source: 'events saga-ended' });
    expect(sendToDestination).not.toHaveBeenCalled();
  });

  it('refuses a function that does not exist', () => {
    const { invoker } = subject([]);
    expect(() => invoker.accept('nope', {}, 'x')).toThrow(FunctionNotFoundError);
  });

  it('retries a failed invocation twice by default (Lambda waits 1, then 2 minutes) and succeeds on the third attempt', async () => {
    const { invoker, invoke, sendToDestination, delays } = subject([failed, failed, ok()], {
      onSuccess: 'arn:aws:sqs:us-east-1:000000000000:ok',
    });
    invoker.accept('reconcile', { orderId: 'o-1' }, 'x');
    await invoker.settle();
    expect(invoke).toHaveBeenCalledTimes(3);
    expect(delays).toEqual([1, 2]);
    expect(sendToDestination).toHaveBeenCalledWith(
      'arn:aws:sqs:us-east-1:000000000000:ok',
      expect.objectContaining({ requestContext: expect.objectContaining({ condition: 'Success', approximateInvokeCount: 3 }) }),
    );
  });

  it('sends the invocation record to the OnFailure destination once the retries are exhausted', async () => {
    const { invoker, invoke, sendToDestination } = subject([failed, failed], {
      maximumRetryAttempts: 1,
      onFailure: 'arn:aws:sqs:us-east-1:000000000000:failed',
      deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
    });
    const { requestId } = invoker.accept('reconcile', { orderId: 'o-1' }, 'x');
    await invoker.settle();
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(sendToDestination).toHaveBeenCalledTimes(1);
    expect(sendToDestination).toHaveBeenCalledWith('arn:aws:sqs:us-east-1:000000000000:failed', {
      version: '1.0',
      timestamp: expect.any(String),
      requestContext: {
        requestId,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:reconcile:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 2,
      },
      requestPayload: { orderId: 'o-1' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'ReconcileError', errorMessage: 'refund failed' },
    });
  });

  it('sends the event itself to the dead-letter queue when there is no OnFailure destination', async () => {
    const { invoker, sendToDestination } = subject([failed], {
      maximumRetryAttempts: 0,
      deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
    });
    const { requestId } = invoker.accept('reconcile', { orderId: 'o-1' }, 'x');
    await invoker.settle();
    expect(sendToDestination).toHaveBeenCalledWith(
      'arn:aws:sqs:us-east-1:000000000000:dlq',
      { orderId: 'o-1' },
      { RequestID: requestId, ErrorCode: '200', ErrorMessage: 'refund failed' },
    );
  });

  it('drops the event with a warning when there is nowhere to send it', async () => {
    const { invoker, sendToDestination, logger } = subject([failed, failed, failed]);
    invoker.accept('reconcile', {}, 'x');
    await invoker.settle();
    expect(sendToDestination).not.toHaveBeenCalled();
    expect(logger.lines.some((line) => /warn async reconcile: event .* dropped after 3 attempt\(s\)/.test(line))).toBe(true);
  });

  it('keeps a throttled event without counting it as an attempt', async () => {
    const { invoker, invoke, sendToDestination } = subject([throttled, throttled, throttled, failed, ok()], {
      maximumRetryAttempts: 1,
      onFailure: 'arn:aws:sqs:us-east-1:000000000000:failed',
    });
    invoker.accept('reconcile', {}, 'x');
    await invoker.settle();
    expect(invoke).toHaveBeenCalledTimes(5);
    expect(sendToDestination).not.toHaveBeenCalled();
  });

  it('drops pending retries on stop', async () => {
    const { invoker, invoke } = subject([failed, failed]);
    invoker.accept('reconcile', {}, 'x');
    await new Promise((resolve) => setImmediate(resolve));
    invoker.stop();
    await invoker.settle();
    expect(invoke).toHaveBeenCalledTimes(1);
  });
});
