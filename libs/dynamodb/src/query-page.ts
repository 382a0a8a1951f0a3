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

const keyOf = (item: Item, shape: CursorShape): Item =>
  Object.fromEntries(shape.attributes.map((name) => [name, item[name]]));
