import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { conditionCheckFailureItem, isConditionalCheckFailed } from './errors';

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item && { Item: item as never }) });

describe('isConditionalCheckFailed', () => {
  it('recognises the exception by name, and nothing else', () => {
    expect(isConditionalCheckFailed(conditionFailed())).toBe(true);
    expect(isConditionalCheckFailed(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(true);
    expect(isConditionalCheckFailed(Object.assign(new Error('x'), { name: 'TransactionCanceledException' }))).toBe(false);
    expect(isConditionalCheckFailed('ConditionalCheckFailedException')).toBe(false);
  });
});

describe('conditionCheckFailureItem', () => {
  it('gives the stored item the failure carries as native values', () => {
    const failure = conditionFailed({
      pk: { S: 'THING#1' },
      version: { N: '3' },
      active: { BOOL: true },
      tags: { L: [{ S: 'a' }, { M: { at: { S: '2025-03-01T10:00:00.000Z' }, n: { N: '1.5' } } }] },
      note: { NULL: true },
    });

    expect(conditionCheckFailureItem(failure)).toEqual({
      pk: 'THING#1',
      version: 3,
      active: true,
      tags: ['a', { at: '2025-03-01T10:00:00.000Z', n: 1.5 }],
      note: null,
    });
  });

  it('gives undefined when no item was stored (or none was asked for)', () => {
    expect(conditionCheckFailureItem(conditionFailed())).toBeUndefined();
  });
});
