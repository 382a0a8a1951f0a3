import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { batchGetConsistent, MAX_BATCH_GET_ROUNDS } from './batch-get';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ clientConfig: { region: 'eu-west-1' } });
const key = (n: number) => ({ pk: `K#${n}`, sk: 'S' });

beforeEach(() => {
  ddb.reset();
});

describe('batchGetConsistent', () => {
  it('reads the keys in one strongly consistent call and returns the items found', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [{ ...key(2), a: 2 }] } });

    await expect(batchGetConsistent(client, { tableName: 't', keys: [key(1), key(2)], retryDelayMs: 0 })).resolves.toEqual([
      { ...key(2), a: 2 },
    ]);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, { RequestItems: { t: { Keys: [key(1), key(2)], ConsistentRead: true } } });
  });

  it('asks again, after a pause, for the keys left unprocessed', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [key(1)] }, UnprocessedKeys: { t: { Keys: [key(2)] } } })
      .resolvesOnce({ Responses: { t: [key(2)] } });

    await expect(batchGetConsistent(client, { tableName: 't', keys: [key(1), key(2)], retryDelayMs: 1 })).resolves.toEqual([
      key(1),
      key(2),
    ]);
    expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems).toEqual({ t: { Keys: [key(2)], ConsistentRead: true } });
  });

  it('gives up when keys stay unprocessed', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { t: { Keys: [key(1)] } } });

    await expect(batchGetConsistent(client, { tableName: 't', keys: [key(1)], retryDelayMs: 0 })).rejects.toThrow(
      `DynamoDB left 1 keys unprocessed after ${MAX_BATCH_GET_ROUNDS} rounds.`,
    );
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, MAX_BATCH_GET_ROUNDS);
  });

  it('asks nothing for no keys', async () => {
    await expect(batchGetConsistent(client, { tableName: 't', keys: [], retryDelayMs: 0 })).resolves.toEqual([]);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 0);
  });
});
