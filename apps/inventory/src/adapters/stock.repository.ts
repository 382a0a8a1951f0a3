import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, type DocumentClient } from '@shop/dynamodb';
import { StockNotFoundError, StockVersionConflictError } from '../domain/errors';
import type { StockRepository, WriteContext } from '../domain/ports';
import type { SetStockCommand, StockLevel } from '../domain/stock';
import { fromStockItem, stockKey } from './inventory-items';

/**
 * The {@link StockRepository} on DynamoDB. Setting the stock is one `UpdateItem` that replaces
 * `available` and keeps `reserved` (so it never undoes a reservation made meanwhile), optionally
 * conditional on the version the administrator read.
 */
export class DynamoStockRepository implements StockRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the inventory table.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
  ) {}

  /** Strongly consistent, so an administrator sees a reservation made a moment ago. */
  async get(sku: string): Promise<StockLevel | undefined> {
    const { Item } = await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: stockKey(sku), ConsistentRead: true }));
    return Item ? fromStockItem(Item) : undefined;
  }

  async setAvailable(command: SetStockCommand, updatedAt: string, context: WriteContext): Promise<StockLevel> {
    const { sku, available, expectedVersion } = command;
    const conditional = expectedVersion !== undefined;
    try {
      const { Attributes } = await this.docClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: stockKey(sku),
          UpdateExpression:
            'SET #sku = :sku, #available = :available, #reserved = if_not_exists(#reserved, :zero), ' +
            '#version = if_not_exists(#version, :zero) + :one, #updatedAt = :updatedAt, #correlationId = :correlationId',
          ...(conditional && { ConditionExpression: '#version = :expected' }),
          ExpressionAttributeNames: {
            '#sku': 'sku',
            '#available': 'available',
            '#reserved': 'reserved',
            '#version': 'version',
            '#updatedAt': 'updatedAt',
            '#correlationId': 'correlationId',
          },
          ExpressionAttributeValues: {
            ':sku': sku,
            ':available': available,
            ':zero': 0,
            ':one': 1,
            ':updatedAt': updatedAt,
            ':correlationId': context.correlationId,
            ...(conditional && { ':expected': expectedVersion }),
          },
          ReturnValues: 'ALL_NEW',
          ...(conditional && { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
        }),
      );
      return fromStockItem(Attributes ?? {});
    } catch (error) {
      if (conditional && isConditionalCheckFailed(error)) {
        // DynamoDB returns the stored item on failure: none means there is no stock to compare with.
        if (error.Item === undefined) throw new StockNotFoundError(sku, { cause: error });
        throw new StockVersionConflictError(sku, expectedVersion, { cause: error });
      }
      throw error;
    }
  }
}
