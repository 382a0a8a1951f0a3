import type { Context } from 'aws-lambda';
import { createObservability } from './observability';
import { withObservability } from './with-observability';

const context = {
  functionName: 'product-router',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:product-router',
  memoryLimitInMB: '256',
  awsRequestId: 'aws-req-1',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

/** Captures the JSON lines Powertools writes to stdout. */
const captureStdout = () => {
  const lines: Record<string, unknown>[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  });
  return lines;
};

describe('withObservability', () => {
  const observability = createObservability({
    env: { POWERTOOLS_SERVICE_NAME: 'product', POWERTOOLS_METRICS_NAMESPACE: 'ServerlessShop' },
  });
  const handler = withObservability(
    async (event: { headers?: Record<string, string>; name: string }) => {
      observability.logger.info('handling', { name: event.name });
      return `hello ${event.name}`;
    },
    { observability },
  );

  it('returns what the plain function returns', async () => {
    captureStdout();
    await expect(handler({ name: 'ada' }, context)).resolves.toBe('hello ada');
  });

  it('puts the service, Lambda context and correlation id on every log line, fresh per invocation', async () => {
    const lines = captureStdout();

    await handler({ name: 'ada', headers: { 'x-correlation-id': 'corr-1' } }, context);
    await handler({ name: 'bob', headers: { 'x-correlation-id': 'corr-2' } }, context);

    const logs = lines.filter((line) => line.message === 'handling');
    expect(logs.map((line) => [line.name, line.correlation_id, line.service, line.function_request_id])).toEqual([
      ['ada', 'corr-1', 'product', 'aws-req-1'],
      ['bob', 'corr-2', 'product', 'aws-req-1'],
    ]);
  });

  it('flushes metrics with a cold start metric in the service namespace', async () => {
    const lines = captureStdout();
    // Powertools counts a cold start only in an on-demand Lambda environment, read at construction.
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const fresh = createObservability({ env: { POWERTOOLS_SERVICE_NAME: 'product' }, namespace: 'ServerlessShop' });
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    const wrapped = withObservability(async () => 'ok', { observability: fresh });

    await wrapped({}, context);

    const emf = lines.find((line) => line.ColdStart !== undefined);
    expect(emf).toMatchObject({ ColdStart: 1, service: 'product', function_name: 'product-router' });
    expect((emf?._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace).toBe('ServerlessShop');
  });
});
