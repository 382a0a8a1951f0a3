import { unmarshallDynamoDB } from '@aws-lambda-powertools/commons/utils/unmarshallDynamoDB';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A DynamoDB key or LastEvaluatedKey: attribute name to native value. */
export type ItemKey = Readonly<Record<string, unknown>>;

/** Base class of every error raised by `@shop/dynamodb`. Adapters translate these into domain errors. */
export class DynamoDbError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDbError';
  }
}

/** A conditional create found an item with the same key already stored. */
export class ItemAlreadyExistsError extends DynamoDbError {
  constructor(
    /** Table written to. */
    readonly tableName: string,
    /** Key of the existing item. */
    readonly key: ItemKey,
    options?: ErrorOptions,
  ) {
    super(`An item with key ${JSON.stringify(key)} already exists in table ${tableName}.`, options);
    this.name = 'ItemAlreadyExistsError';
  }
}

/** A conditional write or delete addressed an item that is not stored. */
export class ItemNotFoundError extends DynamoDbError {
  constructor(
    /** Table written to. */
    readonly tableName: string,
    /** Key of the missing item. */
    readonly key: ItemKey,
    options?: ErrorOptions,
  ) {
    super(`No item with key ${JSON.stringify(key)} in table ${tableName}.`, options);
    this.name = 'ItemNotFoundError';
  }
}

/** Optimistic locking failed: the stored item's `version` is not the expected one. */
export class ItemVersionConflictError extends DynamoDbError {
  constructor(
    /** Table written to. */
    readonly tableName: string,
    /** Key of the item. */
    readonly key: ItemKey,
    /** The version the writer based its change on. */
    readonly expectedVersion: number,
    /** The version stored now, when DynamoDB returned it. */
    readonly actualVersion: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `Item ${JSON.stringify(key)} in table ${tableName} is at version ${actualVersion ?? 'unknown'}, not the expected ${expectedVersion}.`,
      options,
    );
    this.name = 'ItemVersionConflictError';
  }
}

/** A pagination cursor that was not issued for this query (malformed or tampered with). */
export class InvalidPageCursorError extends DynamoDbError {
  constructor(
    /** Why it was rejected (for logs; never echo the cursor back to callers verbatim). */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid pagination cursor: ${reason}.`, options);
    this.name = 'InvalidPageCursorError';
  }
}

/** A key part is empty or contains the key separator, which would make keys ambiguous. */
export class InvalidKeyPartError extends DynamoDbError {
  constructor(
    /** The offending part. */
    readonly part: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid key part ${JSON.stringify(part)}: it must be non-empty and must not contain "#".`, options);
    this.name = 'InvalidKeyPartError';
  }
}

/**
 * A DynamoDB `ConditionalCheckFailedException`. `Item` is the stored item when the write asked for
 * it (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`) and one was stored, in raw AttributeValue
 * form: read it with {@link conditionCheckFailureItem}.
 */
export type ConditionalCheckFailure = Error & { Item?: Record<string, unknown> };

/** Is `error` a DynamoDB `ConditionalCheckFailedException` (by name, so duplicate SDK copies still match)? */
export const isConditionalCheckFailed = (error: unknown): error is ConditionalCheckFailure =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The stored item a failed conditional write found, as native values (like the document client's
 * results, which it translates, unlike errors; a number beyond the safe integer range comes back as
 * a `bigint`). Ask for it with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` to decide from one round trip why the condition
 * failed, instead of reading the item again.
 * @returns the item, or `undefined` when no item has the key (or the write did not ask for it).
 */
export const conditionCheckFailureItem = (failure: ConditionalCheckFailure): Record<string, unknown> | undefined =>
  failure.Item === undefined ? undefined : (unmarshallDynamoDB(failure.Item as Record<string, AttributeValue>) as Record<string, unknown>);
