import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DynamoDbError,
  isConditionalCheckFailed,
  ItemAlreadyExistsError,
  ItemNotFoundError,
  ItemVersionConflictError,
  type ItemKey,
} from './errors';

/** The smallest client the helpers need: anything with the document client's `send`. */
export type DocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

/** Name of the numeric attribute used for optimistic locking. */
export const VERSION_ATTRIBUTE = 'version';

/** A stored item: attribute name to native value. */
export type Item = Record<string, unknown>;

/** Input of {@link createItem}. */
export interface CreateItemInput {
  readonly tableName: string;
  /** The item's primary key; it is merged into the stored item. */
  readonly key: ItemKey;
  /** The attributes to store (the key attributes may be left out). */
  readonly item: Item;
}

/**
 * Stores a new item only if no item has its key (`attribute_not_exists`).
 * @throws ItemAlreadyExistsError when the key is taken.
 */
export const createItem = async (client: DocumentClient, input: CreateItemInput): Promise<void> => {
  const { tableName, key, item } = input;
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...item, ...key },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': firstAttribute(key) },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new ItemAlreadyExistsError(tableName, key, { cause: error });
    throw error;
  }
};

/** Input of {@link replaceItem}. */
export interface ReplaceItemInput extends CreateItemInput {
  /** The version the caller read; the stored item must still carry it. */
  readonly expectedVersion: number;
}

/**
 * Replaces a stored item only if its {@link VERSION_ATTRIBUTE} is still `expectedVersion`
 * (optimistic locking), storing it with version `expectedVersion + 1`. One round trip: on failure
 * DynamoDB returns the stored item, which tells "gone" from "changed".
 * @returns the item as stored.
 * @throws ItemNotFoundError when no item has the key.
 * @throws ItemVersionConflictError when the stored version differs.
 */
export const replaceItem = async (client: DocumentClient, input: ReplaceItemInput): Promise<Item> => {
  const { tableName, key, item, expectedVersion } = input;
  const stored = { ...item, ...key, [VERSION_ATTRIBUTE]: expectedVersion + 1 };
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: stored,
        ConditionExpression: 'attribute_exists(#key) AND #version = :expected',
        ExpressionAttributeNames: { '#key': firstAttribute(key), '#version': VERSION_ATTRIBUTE },
        ExpressionAttributeValues: { ':expected': expectedVersion },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    throw translateVersionedFailure(error, tableName, key, expectedVersion);
  }
  return stored;
};

/** Input of {@link deleteItem}. */
export interface DeleteItemInput {
  readonly tableName: string;
  readonly key: ItemKey;
  /** When given, delete only if the stored item is still at this version. */
  readonly expectedVersion?: number;
}

/**
 * Deletes a stored item, only if it exists (and, with `expectedVersion`, only if it is still at
 * that version).
 * @returns the deleted item.
 * @throws ItemNotFoundError when no item has the key.
 * @throws ItemVersionConflictError when `expectedVersion` is given and the stored version differs.
 */
export const deleteItem = async (client: DocumentClient, input: DeleteItemInput): Promise<Item> => {
  const { tableName, key, expectedVersion } = input;
  const versioned = expectedVersion !== undefined;
  try {
    const output = await client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: key,
        ConditionExpression: versioned ? 'attribute_exists(#key) AND #version = :expected' : 'attribute_exists(#key)',
        ExpressionAttributeNames: { '#key': firstAttribute(key), ...(versioned && { '#version': VERSION_ATTRIBUTE }) },
        ...(versioned && { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return output.Attributes ?? {};
  } catch (error) {
    throw translateVersionedFailure(error, tableName, key, expectedVersion);
  }
};

const firstAttribute = (key: ItemKey): string => {
  const [name] = Object.keys(key);
  if (name === undefined) throw new DynamoDbError('A key needs at least one attribute.');
  return name;
};

const translateVersionedFailure = (error: unknown, tableName: string, key: ItemKey, expectedVersion: number | undefined): unknown => {
  if (!isConditionalCheckFailed(error)) return error;
  // The exception carries the stored item in raw AttributeValue form (the document client does not
  // translate errors); its absence means there is no item.
  if (error.Item === undefined || expectedVersion === undefined) return new ItemNotFoundError(tableName, key, { cause: error });
  return new ItemVersionConflictError(tableName, key, expectedVersion, storedVersion(error.Item), { cause: error });
};

const storedVersion = (item: Record<string, unknown>): number | undefined => {
  const raw = item[VERSION_ATTRIBUTE];
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'object' && raw !== null && 'N' in raw && typeof raw.N === 'string') return Number(raw.N);
  return undefined;
};
