import { DynamoDbLocalNotConfiguredError } from '../errors';
import { SINGLE_TABLE, createTableInput, createTestTable } from './test-table';

describe('createTableInput', () => {
  it('describes the single-table layout: string keys, gsi1 with projection ALL, a NEW_AND_OLD_IMAGES stream', () => {
    expect(createTableInput('t-1', SINGLE_TABLE)).toEqual({
      TableName: 't-1',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('describes a partition-key-only table without indexes or stream', () => {
    expect(createTableInput('t-2', { partitionKey: 'id' })).toEqual({
      TableName: 't-2',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
  });
});

describe('createTestTable', () => {
  const saved = process.env['AWS_ENDPOINT_URL_DYNAMODB'];
  afterEach(() => {
    if (saved === undefined) delete process.env['AWS_ENDPOINT_URL_DYNAMODB'];
    else process.env['AWS_ENDPOINT_URL_DYNAMODB'] = saved;
  });

  it('refuses to create a table when no DynamoDB Local endpoint is configured', async () => {
    delete process.env['AWS_ENDPOINT_URL_DYNAMODB'];

    await expect(createTestTable()).rejects.toThrow(DynamoDbLocalNotConfiguredError);
  });
});
