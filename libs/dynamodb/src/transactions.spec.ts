import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { cancellationCodes, DEFAULT_TRANSACTION_RETRY, isRetryableCancellation } from './transactions';

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('cancellationCodes', () => {
  it('lists the reason code of each item in request order', () => {
    expect(cancellationCodes(canceled('None', 'ConditionalCheckFailed'))).toEqual(['None', 'ConditionalCheckFailed']);
  });

  it('is undefined for any other error', () => {
    expect(cancellationCodes(new Error('boom'))).toBeUndefined();
    expect(cancellationCodes('TransactionCanceledException')).toBeUndefined();
  });
});

describe('isRetryableCancellation', () => {
  it.each([
    [['None', 'TransactionConflict'], true],
    [['ThrottlingError', 'None'], true],
    [['None', 'ConditionalCheckFailed'], false],
    [['TransactionConflict', 'ConditionalCheckFailed'], false],
    [['ValidationError'], false],
  ])('%j -> %s', (codes, expected) => {
    expect(isRetryableCancellation(codes)).toBe(expected);
  });
});

describe('DEFAULT_TRANSACTION_RETRY', () => {
  it('waits a random time below an exponential cap of at most 500 ms', () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const delay = DEFAULT_TRANSACTION_RETRY.delayMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(500, 10 * 2 ** (attempt - 1)));
    }
  });
});
