import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { StockNotFoundError, StockVersionConflictError } from '../domain/errors';
import { stockLevel } from '../domain/testing/inventory-fixtures';
import { DynamoStockRepository } from './stock.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const repository = new DynamoStockRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'inventory');
const key = { pk: 'STOCK#MUG-001', sk: 'STOCK' };
const item = { ...key, ...stockLevel(), correlationId: 'corr-0' };
const context = { correlationId: 'corr-1' };

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

  it('sets the available units in one update that keeps what is reserved and bumps the version', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...item, available: 7, version: 2 } });

    const level = await repository.setAvailable({ sku: 'MUG-001', available: 7 }, '2025-03-01T10:00:00.000Z', context);

    expect(level).toEqual(stockLevel({ available: 7, version: 2 }));
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'inventory',
      Key: key,
      ReturnValues: 'ALL_NEW',
      ExpressionAttributeValues: { ':available': 7, ':sku': 'MUG-001', ':updatedAt': '2025-03-01T10:00:00.000Z', ':correlationId': 'corr-1' },
    });
    expect(input?.UpdateExpression).toContain('#reserved = if_not_exists(#reserved, :zero)');
    expect(input?.ConditionExpression).toBeUndefined();
  });

  it('makes the update conditional on the expected version', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...item, version: 4 } });

    await repository.setAvailable({ sku: 'MUG-001', available: 10, expectedVersion: 3 }, '2025-03-01T10:00:00.000Z', context);

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: expect.objectContaining({ ':expected': 3 }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('tells a stale version (the stored item comes back) from a missing sku (nothing comes back)', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {}, Item: { version: { N: '5' } } }))
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    const command = { sku: 'MUG-001', available: 1, expectedVersion: 3 };

    await expect(repository.setAvailable(command, '2025-03-01T10:00:00.000Z', context)).rejects.toBeInstanceOf(StockVersionConflictError);
    await expect(repository.setAvailable(command, '2025-03-01T10:00:00.000Z', context)).rejects.toEqual(new StockNotFoundError('MUG-001'));
  });

  it('passes other failures through', async () => {
    const failure = new Error('ProvisionedThroughputExceededException');
    ddb.on(UpdateCommand).rejects(failure);
    await expect(repository.setAvailable({ sku: 'MUG-001', available: 1 }, '2025-03-01T10:00:00.000Z', context)).rejects.toBe(failure);
  });
});
