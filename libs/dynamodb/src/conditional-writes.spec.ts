import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createDocumentClient } from './client';
import { createItem, deleteItem, replaceItem } from './conditional-writes';
import { ItemAlreadyExistsError, ItemNotFoundError, ItemVersionConflictError } from './errors';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ clientConfig: { region: 'eu-west-1' } });
const key = { pk: 'THING#1', sk: 'THING' };

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item && { Item: item as never }) });

beforeEach(() => {
  ddb.reset();
});

describe('createItem', () => {
  it('puts the item with its key, only if the key is absent', async () => {
    ddb.on(PutCommand).resolves({});

    await createItem(client, { tableName: 'things', key, item: { name: 'one', version: 1 } });

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'things',
      Item: { name: 'one', version: 1, pk: 'THING#1', sk: 'THING' },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'pk' },
    });
  });

  it('turns a failed condition into ItemAlreadyExistsError with the cause', async () => {
    const failure = conditionFailed();
    ddb.on(PutCommand).rejects(failure);

    const error = await createItem(client, { tableName: 'things', key, item: {} }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ItemAlreadyExistsError);
    expect(error).toMatchObject({ name: 'ItemAlreadyExistsError', tableName: 'things', key, cause: failure });
  });

  it('lets other failures through unchanged', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    ddb.on(PutCommand).rejects(throttled);

    await expect(createItem(client, { tableName: 'things', key, item: {} })).rejects.toBe(throttled);
  });
});

describe('replaceItem', () => {
  it('replaces the item at the expected version and stores the next version', async () => {
    ddb.on(PutCommand).resolves({});

    const stored = await replaceItem(client, { tableName: 'things', key, item: { name: 'two' }, expectedVersion: 3 });

    expect(stored).toEqual({ name: 'two', pk: 'THING#1', sk: 'THING', version: 4 });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'things',
      Item: stored,
      ConditionExpression: 'attribute_exists(#key) AND #version = :expected',
      ExpressionAttributeNames: { '#key': 'pk', '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 3 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reports a stored item at another version as ItemVersionConflictError with both versions', async () => {
    ddb.on(PutCommand).rejects(conditionFailed({ pk: { S: 'THING#1' }, version: { N: '5' } }));

    const error = await replaceItem(client, { tableName: 'things', key, item: {}, expectedVersion: 3 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ItemVersionConflictError);
    expect(error).toMatchObject({ name: 'ItemVersionConflictError', key, expectedVersion: 3, actualVersion: 5 });
  });

  it('reports a missing item as ItemNotFoundError, not as a conflict', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());

    await expect(replaceItem(client, { tableName: 'things', key, item: {}, expectedVersion: 3 })).rejects.toBeInstanceOf(ItemNotFoundError);
  });
});

describe('deleteItem', () => {
  it('deletes an existing item and returns it', async () => {
    ddb.on(DeleteCommand).resolves({ Attributes: { ...key, version: 2 } });

    await expect(deleteItem(client, { tableName: 'things', key })).resolves.toEqual({ ...key, version: 2 });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: 'things',
      Key: key,
      ConditionExpression: 'attribute_exists(#key)',
      ExpressionAttributeNames: { '#key': 'pk' },
      ReturnValues: 'ALL_OLD',
    });
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input.ExpressionAttributeValues).toBeUndefined();
  });

  it('checks the version when one is expected', async () => {
    ddb.on(DeleteCommand).resolves({ Attributes: { ...key, version: 2 } });

    await deleteItem(client, { tableName: 'things', key, expectedVersion: 2 });

    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      ConditionExpression: 'attribute_exists(#key) AND #version = :expected',
      ExpressionAttributeNames: { '#key': 'pk', '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 2 },
    });
  });

  it('reports a missing item as ItemNotFoundError', async () => {
    ddb.on(DeleteCommand).rejects(conditionFailed());

    await expect(deleteItem(client, { tableName: 'things', key })).rejects.toBeInstanceOf(ItemNotFoundError);
  });

  it('reports a stale expected version as ItemVersionConflictError', async () => {
    ddb.on(DeleteCommand).rejects(conditionFailed({ version: { N: '7' } }));

    await expect(deleteItem(client, { tableName: 'things', key, expectedVersion: 6 })).rejects.toMatchObject({
      name: 'ItemVersionConflictError',
      expectedVersion: 6,
      actualVersion: 7,
    });
  });
});
