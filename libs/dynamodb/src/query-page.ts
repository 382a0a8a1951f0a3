import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DocumentClient, Item } from './conditional-writes';
import { decodeCursor, encodeCursor, type CursorShape } from './cursor';
import { DynamoDbError } from './errors';

/** Input of {@link queryPage}. */
export interface QueryPageInput {
  /** The Query, without `Limit` and `ExclusiveStartKey` (set from `limit` and `cursor`). */
  readonly query: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>;
  /** Page size, a positive integer. */
  readonly limit: number;
  /** A `nextCursor` of the previous page of the same query. */
  readonly cursor?: string;
  /** What this query's cursors look like; used to reject cursors of other queries. */
  readonly cursorShape: CursorShape;
}

/** One page of results; `nextCursor` is absent on the last page. */
export interface QueryPage<T = Item> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/**
 * Runs one page of a Query with an opaque cursor. It asks DynamoDB for one item more than `limit`
 * so the last page carries no `nextCursor` (DynamoDB alone would hand out a cursor to an empty page).
 * @throws InvalidPageCursorError when `cursor` was not issued for this query.
 */
export const queryPage = async <T = Item>(client: DocumentClient, input: QueryPageInput): Promise<QueryPage<T>> => {
  const { query, limit, cursor, cursorShape } = input;
  if (!Number.isInteger(limit) || limit < 1) throw new DynamoDbError(`Page limit must be a positive integer, got ${limit}.`);
  const exclusiveStartKey = cursor === undefined ? undefined : decodeCursor(cursor, cursorShape);

  const output = await client.send(new QueryCommand({ ...query, Limit: limit + 1, ExclusiveStartKey: exclusiveStartKey }));
  const items = (output.Items ?? []) as T[];

  if (items.length > limit) {
    const page = items.slice(0, limit);
    return { items: page, nextCursor: encodeCursor(keyOf(page[limit - 1] as Item, cursorShape)) };
  }
  // Fewer items than asked with a LastEvaluatedKey: a filter or the 1 MB page cap cut the read short.
  return output.LastEvaluatedKey ? { items, nextCursor: encodeCursor(output.LastEvaluatedKey) } : { items };
};

const keyOf = (item: Item, shape: CursorShape): Item => Object.fromEntries(shape.attributes.map((name) => [name, item[name]]));

/** Input of {@link queryIndexPartition}. */
export interface IndexPartitionQuery<T> {
  readonly tableName: string;
  /**
   * A global secondary index of the shop's single-table layout: keyed `<indexName>pk` /
   * `<indexName>sk` on a table keyed `pk` / `sk` (e.g. `gsi1`, as `ServiceTable` of `@shop/cdk` adds it).
   */
  readonly indexName: string;
  /** The value of `<indexName>pk` whose items are listed. */
  readonly partition: string;
  /** Page size, a positive integer. */
  readonly limit: number;
  /** A `nextCursor` of the previous page of the same partition. */
  readonly cursor?: string;
  /**
   * Highest index sort key first (e.g. newest first).
   * @default false
   */
  readonly descending?: boolean;
  /** Turns each stored item into what the caller returns (validate it here). */
  readonly parse: (item: Item) => T;
}

/**
 * One page of one partition of a global secondary index (see {@link IndexPartitionQuery}), with
 * {@link queryPage}'s cursors bound to that partition: a cursor of another partition is refused.
 * A Query, never a Scan.
 * @throws InvalidPageCursorError when `cursor` was not issued for this partition (adapters turn it into their domain's error).
 */
export const queryIndexPartition = async <T>(client: DocumentClient, input: IndexPartitionQuery<T>): Promise<QueryPage<T>> => {
  const { tableName, indexName, partition, limit, cursor, descending, parse } = input;
  const partitionKey = `${indexName}pk`;
  const page = await queryPage(client, {
    query: {
      TableName: tableName,
      IndexName: indexName,
      KeyConditionExpression: '#partition = :partition',
      ExpressionAttributeNames: { '#partition': partitionKey },
      ExpressionAttributeValues: { ':partition': partition },
      ...(descending && { ScanIndexForward: false }),
    },
    limit,
    cursor,
    cursorShape: { attributes: ['pk', 'sk', partitionKey, `${indexName}sk`], fixed: { [partitionKey]: partition } },
  });
  const items = page.items.map(parse);
  return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
};
