import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { StockAdjustmentContendedError, StockAlreadyExistsError, StockNotFoundError, StockVersionConflictError } from '../domain/errors';
import { MAX_AVAILABLE } from '../domain/stock';
import { stockLevel } from '../domain/testing/inventory-fixtures';
import { ADJUSTMENT_KEY_TTL_SECONDS } from './inventory-items';
import { DynamoStockRepository } from './stock.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const noWait = { maxAttempts: 3, delayMs: () => 0, sleep: async () => undefined };
const repository = new DynamoStockRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'inventory', noWait);
const key = { pk: 'STOCK#MUG-001', sk: 'STOCK' };
const item = { ...key, ...stockLevel(), correlationId: 'corr-0' };
const context = { correlationId: 'corr-1' };
const AT = '2025-03-01T10:00:00.000Z';
const adjustment = { sku: 'MUG-001', idempotencyKey: 'po-1', delta: -2, reason: 'broken', adjustedAt: AT };

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => {
  ddb.reset();
});

describe('DynamoStockRepository', () => {
  it('reads the stock strongly consistently, without keys or bookkeeping', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    await expect(repository.get('MUG-001')).resolves.toEqual(stockLevel());
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'inventory', Key: key, ConsistentRead: true });
  });

  it('returns undefined for a sku without stock', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(repository.get('NOPE-1')).resolves.toBeUndefined();
  });

  describe('create', () => {
    it('puts the stock only where the sku has none', async () => {
      ddb.on(PutCommand).resolves({});
      await repository.create(stockLevel({ updatedAt: AT }), context);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: 'inventory',
        Item: { ...key, ...stockLevel({ updatedAt: AT }), correlationId: 'corr-1' },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'pk' },
      });
    });

    it('throws StockAlreadyExistsError when it has', async () => {
      ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
      await expect(repository.create(stockLevel(), context)).rejects.toEqual(new StockAlreadyExistsError('MUG-001'));
    });
  });

  describe('setAvailable', () => {
    it('sets the available units at the expected version in one update that keeps what is reserved and bumps the version', async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: { ...item, available: 7, version: 2 } });

      const level = await repository.setAvailable({ sku: 'MUG-001', available: 7, expectedVersion: 1 }, AT, context);

      expect(level).toEqual(stockLevel({ available: 7, version: 2 }));
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        TableName: 'inventory',
        Key: key,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeValues: { ':available': 7, ':expected': 1, ':one': 1, ':updatedAt': AT, ':correlationId': 'corr-1' },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(input?.UpdateExpression).not.toContain('#reserved');
    });

    it('tells a stale version (the stored item comes back) from a missing sku (nothing comes back)', async () => {
      ddb
        .on(UpdateCommand)
        .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {}, Item: { version: { N: '5' } } }))
        .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
      const command = { sku: 'MUG-001', available: 1, expectedVersion: 3 };
      await expect(repository.setAvailable(command, AT, context)).rejects.toEqual(new StockVersionConflictError('MUG-001', 3));
      await expect(repository.setAvailable(command, AT, context)).rejects.toEqual(new StockNotFoundError('MUG-001'));
    });

    it('passes other failures through', async () => {
      const failure = new Error('ProvisionedThroughputExceededException');
      ddb.on(UpdateCommand).rejects(failure);
      await expect(repository.setAvailable({ sku: 'MUG-001', available: 1, expectedVersion: 1 }, AT, context)).rejects.toBe(failure);
    });
  });

  describe('adjust', () => {
    it('records the adjustment (new key only, with a TTL) and moves available within its bounds, in one transaction', async () => {
      ddb.on(TransactWriteCommand).resolves({});

      await expect(repository.adjust(adjustment, context)).resolves.toEqual({ outcome: 'applied' });

      expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toEqual([
        {
          Put: {
            TableName: 'inventory',
            Item: {
              pk: 'STOCK#MUG-001',
              sk: 'ADJUSTMENT#po-1',
              ...adjustment,
              correlationId: 'corr-1',
              expiresAt: Date.parse(AT) / 1000 + ADJUSTMENT_KEY_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
          },
        },
        {
          Update: expect.objectContaining({
            TableName: 'inventory',
            Key: key,
            UpdateExpression: expect.stringContaining('#available = #available + :delta, #version = #version + :one'),
            ConditionExpression: 'attribute_exists(#pk) AND #available BETWEEN :low AND :high',
            ExpressionAttributeValues: {
              ':delta': -2,
              ':one': 1,
              ':low': 2,
              ':high': MAX_AVAILABLE,
              ':at': AT,
              ':correlationId': 'corr-1',
            },
          }),
        },
      ]);
    });

    it('bounds a positive delta from above and not below 0', async () => {
      ddb.on(TransactWriteCommand).resolves({});
      await repository.adjust({ ...adjustment, delta: 5 }, context);
      const update = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.Update;
      expect(update?.ExpressionAttributeValues).toMatchObject({ ':low': 0, ':high': MAX_AVAILABLE - 5 });
    });

    it('answers a used key with the adjustment recorded first (read back), even when the stock could not take it now', async () => {
      const recorded = { ...adjustment, adjustedAt: '2025-02-01T00:00:00.000Z' };
      ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'));
      ddb.on(GetCommand).resolves({ Item: { pk: 'STOCK#MUG-001', sk: 'ADJUSTMENT#po-1', ...recorded, correlationId: 'c', expiresAt: 1 } });

      await expect(repository.adjust(adjustment, context)).resolves.toEqual({ outcome: 'duplicate', adjustment: recorded });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'STOCK#MUG-001', sk: 'ADJUSTMENT#po-1' }, ConsistentRead: true });
    });

    it('tells a sku without stock from one whose available units cannot take the delta', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
      ddb
        .on(GetCommand)
        .resolvesOnce({})
        .resolvesOnce({ Item: { ...item, available: 1 } });

      await expect(repository.adjust(adjustment, context)).resolves.toEqual({ outcome: 'no-stock' });
      await expect(repository.adjust(adjustment, context)).resolves.toEqual({
        outcome: 'out-of-range',
        level: stockLevel({ available: 1 }),
      });
    });

    it('retries a transaction cancelled only by conflicts, then applies it', async () => {
      ddb
        .on(TransactWriteCommand)
        .rejectsOnce(cancelled('TransactionConflict', 'None'))
        .rejectsOnce(cancelled('None', 'TransactionConflict'))
        .resolves({});
      await expect(repository.adjust(adjustment, context)).resolves.toEqual({ outcome: 'applied' });
      expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    });

    it('retries a conflict on the key before reading the stock: a concurrent request with the same key makes this one a replay', async () => {
      // The other request took the last units (item 1 fails) while holding the key (item 0 conflicts).
      ddb
        .on(TransactWriteCommand)
        .rejectsOnce(cancelled('TransactionConflict', 'ConditionalCheckFailed'))
        .rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'));
      ddb
        .on(GetCommand)
        .resolves({ Item: { pk: 'STOCK#MUG-001', sk: 'ADJUSTMENT#po-1', ...adjustment, correlationId: 'c', expiresAt: 1 } });

      await expect(repository.adjust(adjustment, context)).resolves.toEqual({ outcome: 'duplicate', adjustment });
      expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'STOCK#MUG-001', sk: 'ADJUSTMENT#po-1' } });
    });

    it('gives up with StockAdjustmentContendedError after the policy attempts', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
      await expect(repository.adjust(adjustment, context)).rejects.toEqual(new StockAdjustmentContendedError('MUG-001'));
      expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    });

    it('passes other failures through', async () => {
      const failure = new Error('InternalServerError');
      ddb.on(TransactWriteCommand).rejects(failure);
      await expect(repository.adjust(adjustment, context)).rejects.toBe(failure);
    });
  });
});
