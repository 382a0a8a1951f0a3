import type { Context } from 'aws-lambda';

/**
 * A Lambda context for unit tests: fixed names and ids, a generous remaining time, no-op
 * legacy callbacks. Override what a test cares about.
 */
export const fakeLambdaContext = (overrides: Partial<Context> = {}): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'test-function',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test-function',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/test-function',
  logStreamName: '2025/01/01/[$LATEST]abcdef0123456789',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
  ...overrides,
});
