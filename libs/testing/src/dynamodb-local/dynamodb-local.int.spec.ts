import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '@shop/emulators';
import { dynamoDbLocalEndpoint } from './environment';
import { SINGLE_TABLE, createTestTable, useTestTable } from './test-table';

describe('DynamoDB Local global setup', () => {
  it('exports a loopback endpoint, fake credentials and a region to the test workers', () => {
    expect(dynamoDbLocalEndpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env['AWS_ACCESS_KEY_ID']).toBe('local');
    expect(process.env['AWS_SECRET_ACCESS_KEY']).toBe('local');
    expect(process.env['AWS_REGION']).toBe('eu-west-1');
    expect(process.env['AWS_ENDPOINT_URL_DYNAMODB_STREAMS']).toBe(dynamoDbLocalEndpoint());
  });
});

describe('useTestTable', () => {
  const table = useTestTable(SINGLE_TABLE, { prefix: 'testing-lib' });

  it('creates the single-table layout: pk/sk, gsi1 (ALL), NEW_AND_OLD_IMAGES stream, TTL', async () => {
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));

    expect(table.tableName).toMatch(/^testing-lib-[0-9a-f]{8}$/);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema, index.Projection])).toEqual([
      [
        'gsi1',
        [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        { ProjectionType: 'ALL' },
      ],
    ]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const ttl = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });
});

describe('createTestTable', () => {
  it('creates a table with a unique name and deletes it again', async () => {
    const first = await createTestTable({ partitionKey: 'id' });
    const second = await createTestTable({ partitionKey: 'id' });
    const client = first.client;
    expect(first.tableName).not.toBe(second.tableName);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(expect.arrayContaining([first.tableName, second.tableName]));

    await second.delete();
    const { TableNames: after } = await client.send(new ListTablesCommand({}));
    await first.delete();

    expect(after).toContain(first.tableName);
    expect(after).not.toContain(second.tableName);
  });
});

describe('startDynamoDbLocal', () => {
  it('starts a second, independent instance on another free port and stops it without leaving a process', async () => {
    const instance = await startDynamoDbLocal();
    try {
      expect(instance.endpoint).toBe(`http://127.0.0.1:${instance.port}`);
      expect(instance.endpoint).not.toBe(dynamoDbLocalEndpoint());
      expect(instance.loopbackOnly).toBe(true);
      const response = await fetch(instance.endpoint, { headers: { connection: 'close' } });
      expect(response.status).toBe(400);
    } finally {
      await instance.stop();
    }
    expect(() => process.kill(instance.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  }, 90_000);
});
