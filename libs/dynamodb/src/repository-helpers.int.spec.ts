import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useTestTable } from '@shop/testing';
import { createDocumentClient } from './client';
import { createItem, deleteItem, replaceItem } from './conditional-writes';
import { encodeCursor, type CursorShape } from './cursor';
import {
  conditionCheckFailureItem,
  InvalidPageCursorError,
  isConditionalCheckFailed,
  ItemAlreadyExistsError,
  ItemNotFoundError,
  ItemVersionConflictError,
} from './errors';
import { compositeKey } from './keys';
import { queryPage } from './query-page';

// The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB, exported by the DynamoDB Local global setup.
const client = createDocumentClient();
const table = useTestTable();

afterAll(() => client.destroy());

const keyOf = (id: string) => ({ pk: compositeKey('THING', id), sk: 'THING' });
const read = async (id: string) =>
  (await client.send(new GetCommand({ TableName: table.tableName, Key: keyOf(id), ConsistentRead: true }))).Item;

describe('conditional writes on DynamoDB Local', () => {
  it('creates an item once and reports the duplicate', async () => {
    await createItem(client, { tableName: table.tableName, key: keyOf('c1'), item: { name: 'first', version: 1 } });

    await expect(
      createItem(client, { tableName: table.tableName, key: keyOf('c1'), item: { name: 'second', version: 1 } }),
    ).rejects.toBeInstanceOf(ItemAlreadyExistsError);
    await expect(read('c1')).resolves.toEqual({ ...keyOf('c1'), name: 'first', version: 1 });
  });

  it('replaces at the expected version and bumps it', async () => {
    await createItem(client, { tableName: table.tableName, key: keyOf('r1'), item: { name: 'v1', version: 1 } });

    await replaceItem(client, { tableName: table.tableName, key: keyOf('r1'), item: { name: 'v2' }, expectedVersion: 1 });

    await expect(read('r1')).resolves.toEqual({ ...keyOf('r1'), name: 'v2', version: 2 });
  });

  it('rejects a stale version, naming the stored one, and keeps the stored item', async () => {
    await createItem(client, { tableName: table.tableName, key: keyOf('r2'), item: { name: 'v1', version: 1 } });
    await replaceItem(client, { tableName: table.tableName, key: keyOf('r2'), item: { name: 'v2' }, expectedVersion: 1 });

    const error = await replaceItem(client, {
      tableName: table.tableName,
      key: keyOf('r2'),
      item: { name: 'lost update' },
      expectedVersion: 1,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ItemVersionConflictError);
    expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    await expect(read('r2')).resolves.toMatchObject({ name: 'v2', version: 2 });
  });

  it('tells a missing item from a stale version', async () => {
    await expect(
      replaceItem(client, { tableName: table.tableName, key: keyOf('nobody'), item: {}, expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(ItemNotFoundError);
    await expect(read('nobody')).resolves.toBeUndefined();
  });

  it('deletes only at the expected version, then reports the item gone', async () => {
    await createItem(client, { tableName: table.tableName, key: keyOf('d1'), item: { name: 'x', version: 3 } });

    await expect(deleteItem(client, { tableName: table.tableName, key: keyOf('d1'), expectedVersion: 2 })).rejects.toMatchObject({
      name: 'ItemVersionConflictError',
      actualVersion: 3,
    });
    await expect(deleteItem(client, { tableName: table.tableName, key: keyOf('d1'), expectedVersion: 3 })).resolves.toEqual({
      ...keyOf('d1'),
      name: 'x',
      version: 3,
    });
    await expect(read('d1')).resolves.toBeUndefined();
    await expect(deleteItem(client, { tableName: table.tableName, key: keyOf('d1') })).rejects.toBeInstanceOf(ItemNotFoundError);
  });
});

describe('a failed condition on DynamoDB Local', () => {
  const closeIfOpen = (id: string) =>
    client
      .send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: keyOf(id),
          UpdateExpression: 'SET #state = :closed',
          ConditionExpression: 'attribute_exists(#pk) AND #state = :open',
          ExpressionAttributeNames: { '#pk': 'pk', '#state': 'state' },
          ExpressionAttributeValues: { ':open': 'OPEN', ':closed': 'CLOSED' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .then(
        () => 'updated',
        (error: unknown) => {
          if (!isConditionalCheckFailed(error)) throw error;
          return { stored: conditionCheckFailureItem(error) };
        },
      );

  it('carries the stored item, read back as native values', async () => {
    const item = { ...keyOf('f1'), state: 'CLOSED', version: 2, history: [{ state: 'OPEN', at: '2025-03-01T10:00:00.000Z' }] };
    await client.send(new PutCommand({ TableName: table.tableName, Item: item }));

    await expect(closeIfOpen('f1')).resolves.toEqual({ stored: item });
  });

  it('carries no item when none is stored', async () => {
    await expect(closeIfOpen('nobody')).resolves.toEqual({ stored: undefined });
  });
});

describe('queryPage on DynamoDB Local', () => {
  const shapeFor = (group: string): CursorShape => ({
    attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    fixed: { gsi1pk: compositeKey('GROUP', group) },
  });
  const queryFor = (group: string) => ({
    TableName: table.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :group',
    ExpressionAttributeValues: { ':group': compositeKey('GROUP', group) },
  });
  const collect = async (group: string, limit: number) => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await queryPage<{ gsi1sk: string }>(client, { query: queryFor(group), limit, cursor, cursorShape: shapeFor(group) });
      pages.push(page.items.map((item) => item.gsi1sk));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 20);
    return pages;
  };

  beforeAll(async () => {
    const put = (group: string, id: string) =>
      client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...keyOf(`${group}-${id}`), gsi1pk: compositeKey('GROUP', group), gsi1sk: id, version: 1 },
        }),
      );
    await Promise.all(['07', '01', '05', '03', '02', '06', '04'].map((id) => put('a', id)));
    await Promise.all(['1', '2', '3', '4', '5', '6'].map((id) => put('b', id)));
  });

  it('walks a group page by page in index order; the last page has no cursor', async () => {
    await expect(collect('a', 3)).resolves.toEqual([['01', '02', '03'], ['04', '05', '06'], ['07']]);
  });

  it('ends without an empty extra page when the last page is exactly full', async () => {
    await expect(collect('b', 3)).resolves.toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('returns an empty page for an empty group', async () => {
    await expect(collect('none', 3)).resolves.toEqual([[]]);
  });

  it("rejects another group's cursor and a tampered cursor", async () => {
    const first = await queryPage(client, { query: queryFor('a'), limit: 2, cursorShape: shapeFor('a') });
    expect(first.nextCursor).toBeDefined();
    const tampered = encodeCursor({ pk: 'THING#x', sk: 'THING', gsi1pk: compositeKey('GROUP', 'a'), gsi1sk: '02', extra: 'x' });

    await expect(
      queryPage(client, { query: queryFor('b'), limit: 2, cursor: first.nextCursor, cursorShape: shapeFor('b') }),
    ).rejects.toBeInstanceOf(InvalidPageCursorError);
    await expect(
      queryPage(client, { query: queryFor('a'), limit: 2, cursor: tampered, cursorShape: shapeFor('a') }),
    ).rejects.toBeInstanceOf(InvalidPageCursorError);
    await expect(
      queryPage(client, { query: queryFor('a'), limit: 2, cursor: 'bm90LWpzb24', cursorShape: shapeFor('a') }),
    ).rejects.toBeInstanceOf(InvalidPageCursorError);
  });
});
