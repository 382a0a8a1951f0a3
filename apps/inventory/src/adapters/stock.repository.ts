import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  cancellationCodes,
  createItem,
  DEFAULT_TRANSACTION_RETRY,
  isConditionalCheckFailed,
  isRetryableCancellation,
  ItemAlreadyExistsError,
  RETRYABLE_CANCELLATION_CODES,
  type DocumentClient,
  type TransactionRetryPolicy,
} from '@shop/dynamodb';
import { StockAdjustmentContendedError, StockAlreadyExistsError, StockNotFoundError, StockVersionConflictError } from '../domain/errors';
import type { AdjustOutcome, StockRepository, WriteContext } from '../domain/ports';
import { MAX_AVAILABLE, type StockAdjustment, type StockLevel } from '../domain/stock';
import { adjustmentKey, fromAdjustmentItem, fromStockItem, stockKey, toAdjustmentItem } from './inventory-items';

/**
 * The {@link StockRepository} on DynamoDB. Every write is conditional: setting the stock is one
 * `UpdateItem` at the version the administrator read (it keeps `reserved`, so it never undoes a
 * reservation made meanwhile), creating it one `PutItem` only where none exists, and an adjustment
 * one `TransactWriteItems` of its idempotency record and the stock update.
 */
export class DynamoStockRepository implements StockRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the inventory table.
   * @param retry how adjustments cancelled by concurrent transactions are retried.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
    private readonly retry: TransactionRetryPolicy = DEFAULT_TRANSACTION_RETRY,
  ) {}

  /** Strongly consistent, so an administrator sees a reservation made a moment ago. */
  async get(sku: string): Promise<StockLevel | undefined> {
    const { Item } = await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: stockKey(sku), ConsistentRead: true }));
    return Item ? fromStockItem(Item) : undefined;
  }

  async create(level: StockLevel, context: WriteContext): Promise<void> {
    try {
      await createItem(this.docClient, {
        tableName: this.tableName,
        key: stockKey(level.sku),
        item: { ...level, correlationId: context.correlationId },
      });
    } catch (error) {
      if (error instanceof ItemAlreadyExistsError) throw new StockAlreadyExistsError(level.sku, { cause: error });
      throw error;
    }
  }

  async setAvailable(
    command: { sku: string; available: number; expectedVersion: number },
    updatedAt: string,
    context: WriteContext,
  ): Promise<StockLevel> {
    const { sku, available, expectedVersion } = command;
    try {
      const { Attributes } = await this.docClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: stockKey(sku),
          UpdateExpression:
            'SET #available = :available, #version = #version + :one, #updatedAt = :updatedAt, #correlationId = :correlationId',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: {
            '#available': 'available',
            '#version': 'version',
            '#updatedAt': 'updatedAt',
            '#correlationId': 'correlationId',
          },
          ExpressionAttributeValues: {
            ':available': available,
            ':one': 1,
            ':updatedAt': updatedAt,
            ':correlationId': context.correlationId,
            ':expected': expectedVersion,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return fromStockItem(Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        // DynamoDB returns the stored item on failure: none means there is no stock to compare with.
        if (error.Item === undefined) throw new StockNotFoundError(sku, { cause: error });
        throw new StockVersionConflictError(sku, expectedVersion, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Item 0 puts the adjustment record if the key is new for the sku; item 1 adds the delta to the
   * sku's stock if it exists and `available` stays within `0..MAX_AVAILABLE` (a condition cannot
   * add, so the bounds are moved to the other side: `available BETWEEN -delta AND MAX - delta`,
   * clamped). The cancellation reasons tell the outcomes apart; item 0 decides first, so a replay
   * answers as a replay even where the stock could not take the delta any more.
   */
  async adjust(adjustment: StockAdjustment, context: WriteContext): Promise<AdjustOutcome> {
    const { sku, idempotencyKey, delta, adjustedAt } = adjustment;
    const items = [
      {
        Put: {
          TableName: this.tableName,
          Item: toAdjustmentItem(adjustment, context.correlationId),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: stockKey(sku),
          UpdateExpression:
            'SET #available = #available + :delta, #version = #version + :one, #updatedAt = :at, #correlationId = :correlationId',
          ConditionExpression: 'attribute_exists(#pk) AND #available BETWEEN :low AND :high',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#available': 'available',
            '#version': 'version',
            '#updatedAt': 'updatedAt',
            '#correlationId': 'correlationId',
          },
          ExpressionAttributeValues: {
            ':delta': delta,
            ':one': 1,
            ':low': Math.max(0, -delta),
            ':high': Math.min(MAX_AVAILABLE, MAX_AVAILABLE - delta),
            ':at': adjustedAt,
            ':correlationId': context.correlationId,
          },
        },
      },
    ];
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.docClient.send(new TransactWriteCommand({ TransactItems: items }));
        return { outcome: 'applied' };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw error;
        if (codes[0] === 'ConditionalCheckFailed') return this.duplicateOf(sku, idempotencyKey);
        // A conflict on item 0 is a concurrent request with the same key, whose outcome decides ours
        // (a replay), so it is retried before the stock's condition is read: that request may just
        // have taken the units this one would find missing.
        const sameKeyInFlight = RETRYABLE_CANCELLATION_CODES.has(codes[0] ?? 'None');
        if (!sameKeyInFlight && codes[1] === 'ConditionalCheckFailed') {
          const level = await this.get(sku);
          return level ? { outcome: 'out-of-range', level } : { outcome: 'no-stock' };
        }
        if (!sameKeyInFlight && !isRetryableCancellation(codes)) throw error;
        if (attempt >= this.retry.maxAttempts) throw new StockAdjustmentContendedError(sku, { cause: error });
        await this.retry.sleep(this.retry.delayMs(attempt));
      }
    }
  }

  private async duplicateOf(sku: string, idempotencyKey: string): Promise<AdjustOutcome> {
    const { Item } = await this.docClient.send(
      new GetCommand({ TableName: this.tableName, Key: adjustmentKey(sku, idempotencyKey), ConsistentRead: true }),
    );
    if (!Item) throw new Error(`The adjustment ${idempotencyKey} of ${sku} exists per DynamoDB, yet could not be read.`);
    return { outcome: 'duplicate', adjustment: fromAdjustmentItem(Item) };
  }
}
