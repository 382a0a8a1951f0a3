import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import * as z from 'zod/mini';
import {
  compositeKey,
  conditionCheckFailureItem,
  createItem,
  InvalidPageCursorError,
  isConditionalCheckFailed,
  ItemAlreadyExistsError,
  queryIndexPartition,
  queryPage,
  type DocumentClient,
  type Item,
} from '@shop/dynamodb';
import { OrderAlreadyExistsError, OrderNotFoundError } from '../domain/errors';
import {
  OrderSchema,
  statusChangeWrite,
  transitionNotApplied,
  transitionSources,
  type FenceTarget,
  type Order,
  type OrderStatus,
  type StatusTarget,
  type TransitionResult,
} from '../domain/order';
import type { OrderRepository, Page, StoredOrder, WriteContext } from '../domain/ports';
import {
  pendingPartition,
  settledPartition,
  STATUS_INDEX,
  STATUS_INDEX_PARTITION_KEY,
  STATUS_INDEX_SHARDS,
  STATUS_INDEX_SORT_KEY,
  statusPartitionOf,
  statusShardOf,
  statusSortKeyOf,
} from './status-index';

/** Name of the customer index (GSI) of the order table. */
export const CUSTOMER_INDEX = 'gsi1';

/** Sort key of every order item. */
export const ORDER_SORT_KEY = 'ORDER';

/** Primary key of an order item (a type alias, so it is assignable to the lib's key records). */
export type OrderKey = {
  /** `ORDER#<orderId>` */
  readonly pk: string;
  /** Always `ORDER`. */
  readonly sk: string;
};

/**
 * An order as stored in the table: the order, its keys, and the correlation id of the write that
 * produced it (read by the `publish-events` stream relay to stamp the event it publishes).
 */
export type OrderItem = Order &
  OrderKey & {
    /** `CUSTOMER#<customerId>`: partition of the customer index. */
    readonly gsi1pk: string;
    /** `<placedAt>#<orderId>`: sort key of the customer index, so a customer's orders list by checkout time. */
    readonly gsi1sk: string;
    /** `PENDING#<shard>` or `SETTLED#<shard>`: partition of the status index (see `status-index.ts`). */
    readonly gsi2pk: string;
    /** `<placedAt>#<orderId>`: sort key of the status index. */
    readonly gsi2sk: string;
    /** Correlation id of the last write. */
    readonly correlationId: string;
  };

/** The key of the order with this id. */
export const orderKey = (orderId: string): OrderKey => ({ pk: compositeKey('ORDER', orderId), sk: ORDER_SORT_KEY });

/** The partition value of a customer in the customer index. */
export const customerPartition = (customerId: string): string => compositeKey('CUSTOMER', customerId);

/** The item that stores `order`, written by the request or saga step with this correlation id. */
export const toOrderItem = (order: Order, correlationId: string): OrderItem => ({
  ...orderKey(order.orderId),
  gsi1pk: customerPartition(order.customerId),
  gsi1sk: compositeKey(order.placedAt, order.orderId),
  gsi2pk: statusPartitionOf(order.orderId, order.status, order.cancellationReason),
  gsi2sk: statusSortKeyOf(order.placedAt, order.orderId),
  ...order,
  correlationId,
});

/** Whether a stored item (or stream image) is an order item (other item types share the table). */
export const isOrderItem = (item: Record<string, unknown>): boolean =>
  item.sk === ORDER_SORT_KEY && typeof item.pk === 'string' && item.pk.startsWith('ORDER#');

/**
 * The order held by a stored item (or a stream image): keys and bookkeeping are dropped and the
 * rest is validated, so a corrupt item fails loudly instead of leaking out.
 */
export const fromOrderItem = (item: Record<string, unknown>): Order => OrderSchema.parse(item);

const WriteBookkeepingSchema = z.object({ correlationId: z.string().check(z.minLength(1)) });

/** The order held by a stored item with the correlation id of the item's last write. */
export const fromStoredItem = (item: Record<string, unknown>): StoredOrder => ({
  order: fromOrderItem(item),
  // Every write stores one; an item without it is corrupt, as a bad order would be.
  correlationId: WriteBookkeepingSchema.parse(item).correlationId,
});

/** What a cursor of a status index query holds: the table key and the index key. */
const STATUS_CURSOR_ATTRIBUTES = ['pk', 'sk', STATUS_INDEX_PARTITION_KEY, STATUS_INDEX_SORT_KEY];

/**
 * The {@link OrderRepository} on DynamoDB (single table, see the README for the item layout).
 * Writes are conditional (create only if absent, a status change only from a status the status
 * machine allows) and lib errors become the order domain's typed errors.
 */
export class DynamoOrderRepository implements OrderRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the order table.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
  ) {}

  readonly partitions = STATUS_INDEX_SHARDS;

  /** Strongly consistent: a saga step must see the previous step's write. */
  async get(orderId: string): Promise<Order | undefined> {
    return (await this.getStored(orderId))?.order;
  }

  async getStored(orderId: string): Promise<StoredOrder | undefined> {
    const { Item } = await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId), ConsistentRead: true }));
    return Item ? fromStoredItem(Item) : undefined;
  }

  async create(order: Order, context: WriteContext): Promise<void> {
    try {
      await createItem(this.docClient, {
        tableName: this.tableName,
        key: orderKey(order.orderId),
        item: toOrderItem(order, context.correlationId),
      });
    } catch (error) {
      if (error instanceof ItemAlreadyExistsError) throw new OrderAlreadyExistsError(order.orderId, { cause: error });
      throw error;
    }
  }

  /**
   * One UpdateItem, no read: SET status, history entry (`list_append`), cancellation reason when
   * cancelling, the status index partition (`statusPartitionOf`), `updatedAt`,
   * `correlationId` and `version + 1` (the stored item has exactly the attributes a full write of
   * the changed order would give it, so the stream images, and the events published from them, are
   * the same), on condition that the order exists and its status is one the status machine allows
   * as a source. On a failed condition DynamoDB returns the stored item (`ALL_OLD`), from which the
   * domain decides: no change, or a refusal.
   */
  async changeStatus(orderId: string, target: StatusTarget, at: Date, context: WriteContext): Promise<TransitionResult> {
    return this.update(orderId, target, at, context, transitionSources(target.status), (stored) => transitionNotApplied(stored, target));
  }

  /** The same single UpdateItem as {@link changeStatus}, on condition that the order is PENDING. */
  async fence(orderId: string, target: FenceTarget, at: Date, context: WriteContext): Promise<TransitionResult> {
    return this.update(orderId, target, at, context, ['PENDING'], (stored) => ({ order: stored, changed: false }));
  }

  private async update(
    orderId: string,
    target: StatusTarget,
    at: Date,
    context: WriteContext,
    from: readonly OrderStatus[],
    notApplied: (stored: Order) => TransitionResult,
  ): Promise<TransitionResult> {
    const { status, cancellationReason, historyEntry, updatedAt } = statusChangeWrite(target, at);
    const sources = Object.fromEntries(from.map((source, index) => [`:from${index}`, source]));
    try {
      const { Attributes } = await this.docClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(orderId),
          UpdateExpression: [
            'SET #status = :status',
            '#statusHistory = list_append(#statusHistory, :historyEntry)',
            ...(cancellationReason ? ['#cancellationReason = :cancellationReason'] : []),
            '#statusPartition = :statusPartition',
            '#updatedAt = :updatedAt',
            '#correlationId = :correlationId',
            '#version = #version + :one',
          ].join(', '),
          ConditionExpression: `attribute_exists(#pk) AND #status IN (${Object.keys(sources).join(', ')})`,
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#status': 'status',
            '#statusHistory': 'statusHistory',
            ...(cancellationReason && { '#cancellationReason': 'cancellationReason' }),
            '#statusPartition': STATUS_INDEX_PARTITION_KEY,
            '#updatedAt': 'updatedAt',
            '#correlationId': 'correlationId',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':status': status,
            ':historyEntry': [historyEntry],
            ...(cancellationReason && { ':cancellationReason': cancellationReason }),
            ':statusPartition': statusPartitionOf(orderId, status, cancellationReason),
            ':updatedAt': updatedAt,
            ':correlationId': context.correlationId,
            ':one': 1,
            ...sources,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { order: fromOrderItem(Attributes ?? {}), changed: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const stored = conditionCheckFailureItem(error);
      if (!stored) throw new OrderNotFoundError(orderId, { cause: error });
      return notApplied(fromOrderItem(stored));
    }
  }

  /**
   * One UpdateItem of the status index partition alone (PENDING → SETTLED), on condition that the
   * order is in a PENDING partition and not PENDING itself: a repeat, or an order that moved on,
   * finds nothing to do. No other attribute changes, so the stream relay sees no status change.
   */
  async settle(orderId: string): Promise<void> {
    try {
      await this.docClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(orderId),
          UpdateExpression: 'SET #statusPartition = :settled',
          ConditionExpression: '#statusPartition = :pending AND #status <> :pendingStatus',
          ExpressionAttributeNames: { '#statusPartition': STATUS_INDEX_PARTITION_KEY, '#status': 'status' },
          ExpressionAttributeValues: {
            ':settled': settledPartition(statusShardOf(orderId)),
            ':pending': pendingPartition(statusShardOf(orderId)),
            ':pendingStatus': 'PENDING',
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** A Query on the customer index, newest checkout first; never a Scan. */
  async listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Order>> {
    try {
      return await queryIndexPartition(this.docClient, {
        tableName: this.tableName,
        indexName: CUSTOMER_INDEX,
        partition: customerPartition(customerId),
        limit,
        cursor,
        descending: true,
        parse: fromOrderItem,
      });
    } catch (error) {
      if (error instanceof InvalidPageCursorError) throw new InvalidCursorError('cursor', { cause: error });
      throw error;
    }
  }

  /** A Query of one PENDING partition of the status index, oldest checkout first; never a Scan. */
  async listPending(partition: number, placedBefore: string, limit: number, cursor?: string): Promise<Page<StoredOrder>> {
    return this.queryStatusIndex(pendingPartition(partition), '#sort < :before', { ':before': placedBefore }, limit, cursor);
  }

  /**
   * A Query of one settled partition of the status index, oldest checkout first; never a Scan.
   * `BETWEEN from AND to` is [from, to) here: a sort key `<to>#<orderId>` sorts after `to`.
   */
  async listSettled(partition: number, placedFrom: string, placedTo: string, limit: number, cursor?: string): Promise<Page<StoredOrder>> {
    return this.queryStatusIndex(
      settledPartition(partition),
      '#sort BETWEEN :from AND :to',
      { ':from': placedFrom, ':to': placedTo },
      limit,
      cursor,
    );
  }

  private async queryStatusIndex(
    partition: string,
    sortCondition: string,
    sortValues: Record<string, string>,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<StoredOrder>> {
    try {
      const page = await queryPage<Item>(this.docClient, {
        query: {
          TableName: this.tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: `#partition = :partition AND ${sortCondition}`,
          ExpressionAttributeNames: { '#partition': STATUS_INDEX_PARTITION_KEY, '#sort': STATUS_INDEX_SORT_KEY },
          ExpressionAttributeValues: { ':partition': partition, ...sortValues },
        },
        limit,
        cursor,
        cursorShape: { attributes: STATUS_CURSOR_ATTRIBUTES, fixed: { [STATUS_INDEX_PARTITION_KEY]: partition } },
      });
      const items = page.items.map(fromStoredItem);
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
    } catch (error) {
      if (error instanceof InvalidPageCursorError) throw new InvalidCursorError('cursor', { cause: error });
      throw error;
    }
  }
}
