import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createDocumentClient } from './client';
import { encodeCursor, type CursorShape } from './cursor';
import { DynamoDbError, InvalidPageCursorError } from './errors';
import { queryIndexPartition, queryPage } from './query-page';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ clientConfig: { region: 'eu-west-1' } });

const cursorShape: CursorShape = { attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], fixed: { gsi1pk: 'CAT#mugs' } };
const query = {
  TableName: 'things',
  IndexName: 'gsi1',
  KeyConditionExpression: 'gsi1pk = :pk',
  ExpressionAttributeValues: { ':pk': 'CAT#mugs' },
};
const item = (n: number) => ({ pk: `P#${n}`, sk: 'P', gsi1pk: 'CAT#mugs', gsi1sk: `${n}`, name: `thing ${n}` });

beforeEach(() => {
  ddb.reset();
});

describe('queryPage', () => {
  it('asks for one item more than the page and returns a cursor after the last item of the page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(1), item(2), item(3)], LastEvaluatedKey: { pk: 'P#3' } });

    const page = await queryPage(client, { query, limit: 2, cursorShape });

    expect(page.items).toEqual([item(1), item(2)]);
    expect(page.nextCursor).toBe(encodeCursor({ pk: 'P#2', sk: 'P', gsi1pk: 'CAT#mugs', gsi1sk: '2' }));
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ...query, Limit: 3, ExclusiveStartKey: undefined });
  });

  it('gives no cursor on the last page, even when it is exactly full', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(1), item(2)] });

    await expect(queryPage(client, { query, limit: 2, cursorShape })).resolves.toEqual({ items: [item(1), item(2)] });
  });

  it('continues from the cursor', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(3)] });
    const cursor = encodeCursor({ pk: 'P#2', sk: 'P', gsi1pk: 'CAT#mugs', gsi1sk: '2' });

    await queryPage(client, { query, limit: 2, cursor, cursorShape });

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExclusiveStartKey: { pk: 'P#2', sk: 'P', gsi1pk: 'CAT#mugs', gsi1sk: '2' },
    });
  });

  it("passes on DynamoDB's own LastEvaluatedKey when a read stopped short of the page", async () => {
    const lastEvaluatedKey = { pk: 'P#9', sk: 'P', gsi1pk: 'CAT#mugs', gsi1sk: '9' };
    ddb.on(QueryCommand).resolves({ Items: [item(1)], LastEvaluatedKey: lastEvaluatedKey });

    const page = await queryPage(client, { query, limit: 5, cursorShape });

    expect(page).toEqual({ items: [item(1)], nextCursor: encodeCursor(lastEvaluatedKey) });
  });

  it('rejects a tampered cursor before querying', async () => {
    const cursor = encodeCursor({ pk: 'P#2', sk: 'P', gsi1pk: 'CAT#secret', gsi1sk: '2' });

    await expect(queryPage(client, { query, limit: 2, cursor, cursorShape })).rejects.toBeInstanceOf(InvalidPageCursorError);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });

  it.each([0, -1, 1.5])('rejects a page limit of %p', async (limit) => {
    await expect(queryPage(client, { query, limit, cursorShape })).rejects.toBeInstanceOf(DynamoDbError);
  });
});

describe('queryIndexPartition', () => {
  const input = {
    tableName: 'things',
    indexName: 'gsi1',
    partition: 'CAT#mugs',
    limit: 2,
    parse: (stored: Record<string, unknown>) => stored.name,
  };

  it('queries one partition of the index, parses each item and bounds the cursor to the index key', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(1), item(2), item(3)] });

    const page = await queryIndexPartition(client, input);

    expect(page).toEqual({
      items: ['thing 1', 'thing 2'],
      nextCursor: encodeCursor({ pk: 'P#2', sk: 'P', gsi1pk: 'CAT#mugs', gsi1sk: '2' }),
    });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 'things',
      IndexName: 'gsi1',
      KeyConditionExpression: '#partition = :partition',
      ExpressionAttributeNames: { '#partition': 'gsi1pk' },
      ExpressionAttributeValues: { ':partition': 'CAT#mugs' },
      Limit: 3,
    });
  });

  it('lists highest sort key first when descending, and leaves nextCursor out on the last page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(2), item(1)] });

    await expect(queryIndexPartition(client, { ...input, descending: true })).resolves.toEqual({ items: ['thing 2', 'thing 1'] });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ScanIndexForward: false });
  });

  it("refuses another partition's cursor without querying", async () => {
    const other = encodeCursor({ pk: 'P#9', sk: 'P', gsi1pk: 'CAT#cups', gsi1sk: '9' });

    await expect(queryIndexPartition(client, { ...input, cursor: other })).rejects.toBeInstanceOf(InvalidPageCursorError);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });
});
