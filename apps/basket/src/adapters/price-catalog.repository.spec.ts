import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { entry } from '../domain/testing/fixtures';
import { MAX_BATCH_GET_ROUNDS } from './batch-get';
import { DynamoPriceCatalog, priceKey, toPriceItem } from './price-catalog.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const catalog = new DynamoPriceCatalog(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'baskets', 0);

beforeEach(() => {
  ddb.reset();
});

describe('DynamoPriceCatalog.getMany', () => {
  it('reads all skus in one strongly consistent BatchGetItem, once per sku', async () => {
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { baskets: [toPriceItem(entry()), toPriceItem(entry({ sku: 'TEA-001', deleted: true }))] } });

    const found = await catalog.getMany(['MUG-001', 'TEA-001', 'MUG-001', 'NEVER-1']);

    expect([...found.values()]).toEqual([entry(), entry({ sku: 'TEA-001', deleted: true })]);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: { baskets: { Keys: [priceKey('MUG-001'), priceKey('TEA-001'), priceKey('NEVER-1')], ConsistentRead: true } },
    });
  });

  it('asks nothing for no skus', async () => {
    await expect(catalog.getMany([])).resolves.toEqual(new Map());
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 0);
  });

  it('asks again for unprocessed keys', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { baskets: [toPriceItem(entry())] }, UnprocessedKeys: { baskets: { Keys: [priceKey('TEA-001')] } } })
      .resolvesOnce({ Responses: { baskets: [toPriceItem(entry({ sku: 'TEA-001' }))] } });

    const found = await catalog.getMany(['MUG-001', 'TEA-001']);

    expect([...found.keys()]).toEqual(['MUG-001', 'TEA-001']);
    expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems).toEqual({
      baskets: { Keys: [priceKey('TEA-001')], ConsistentRead: true },
    });
  });

  it('gives up when keys stay unprocessed', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { baskets: { Keys: [priceKey('MUG-001')] } } });
    await expect(catalog.getMany(['MUG-001'])).rejects.toThrow('unprocessed');
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, MAX_BATCH_GET_ROUNDS);
  });

  it('splits more than 100 skus into several batches', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { baskets: [] } });
    await catalog.getMany(Array.from({ length: 150 }, (_, i) => `SKU-${i}`));
    expect(ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.baskets?.Keys?.length)).toEqual([100, 50]);
  });
});

describe('DynamoPriceCatalog.apply', () => {
  it('puts a live entry only if it is newer than the stored one (or replaces a tombstone it is newer than)', async () => {
    ddb.on(PutCommand).resolves({});

    await expect(catalog.apply(entry({ version: 2 }))).resolves.toBe(true);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'baskets',
      Item: { pk: 'PRODUCT#MUG-001', sk: 'PRICE', ...entry({ version: 2 }) },
      ConditionExpression:
        'attribute_not_exists(#pk) OR (#deleted = :false AND #version < :version) OR (#deleted = :true AND (#version < :version OR #changedAt < :changedAt))',
      ExpressionAttributeValues: { ':version': 2, ':changedAt': '2025-01-01T00:00:00.000Z', ':false': false, ':true': true },
    });
  });

  it('puts a tombstone only over a live entry at most as new', async () => {
    ddb.on(PutCommand).resolves({});

    await catalog.apply(entry({ version: 3, deleted: true }));

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(#pk) OR (#deleted = :false AND #version <= :version AND #changedAt <= :changedAt)',
      ExpressionAttributeValues: { ':version': 3, ':changedAt': '2025-01-01T00:00:00.000Z', ':false': false },
    });
  });

  it('reports a stale event as not applied', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(catalog.apply(entry())).resolves.toBe(false);
  });

  it('lets other failures through', async () => {
    ddb.on(PutCommand).rejects(new Error('throttled'));
    await expect(catalog.apply(entry())).rejects.toThrow('throttled');
  });
});
