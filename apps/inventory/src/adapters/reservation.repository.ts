import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  cancellationCodes,
  DEFAULT_TRANSACTION_RETRY,
  isConditionalCheckFailed,
  isRetryableCancellation,
  RETRYABLE_CANCELLATION_CODES,
  type DocumentClient,
  type TransactionRetryPolicy,
} from '@shop/dynamodb';
import type { StockLine } from '@shop/inventory-contracts';
import { StockContentionError } from '../domain/errors';
import type { ReleaseOutcome, ReservationRepository, ReserveOutcome, WriteContext } from '../domain/ports';
import type { Reservation } from '../domain/reservation';
import { fromReservationItem, reservationKey, stockKey, toReservationItem } from './inventory-items';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** DynamoDB's limit of items per transaction: the reservation plus 99 skus. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * The {@link ReservationRepository} on DynamoDB. Reserving and releasing are each ONE
 * `TransactWriteItems`: the reservation item of the order (first, so its condition decides
 * idempotency) and one update per sku whose condition keeps stock from going negative. A
 * transaction cancelled only by concurrent transactions (`TransactionConflict`) is retried with
 * jittered backoff; nothing of a cancelled transaction was written.
 */
export class DynamoReservationRepository implements ReservationRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the inventory table.
   * @param retry how transactions cancelled by conflicts are retried.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
    private readonly retry: TransactionRetryPolicy = DEFAULT_TRANSACTION_RETRY,
  ) {}

  /** Strongly consistent: it decides what a release gives back. */
  async get(orderId: string): Promise<Reservation | undefined> {
    const { Item } = await this.docClient.send(
      new GetCommand({ TableName: this.tableName, Key: reservationKey(orderId), ConsistentRead: true }),
    );
    return Item ? fromReservationItem(Item) : undefined;
  }

  /**
   * Item 0 puts the reservation if the order has none; item i (1..n) takes line i from its sku if
   * the sku has stock and `available >= quantity`. The cancellation reasons tell the outcomes
   * apart: item 0 failed = the order already has a reservation; a sku item failed = short.
   */
  async reserve(reservation: Reservation, context: WriteContext): Promise<ReserveOutcome> {
    const { orderId, lines } = reservation;
    if (lines.length + 1 > MAX_TRANSACTION_ITEMS) {
      throw new RangeError(`An order can reserve at most ${MAX_TRANSACTION_ITEMS - 1} skus at once, not ${lines.length}.`);
    }
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: toReservationItem(reservation, context.correlationId),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        },
      },
      ...lines.map((line) => moveStockUnits(this.tableName, line, 'reserve', reservation.createdAt, context.correlationId)),
    ];

    const codes = await this.transact(orderId, items);
    if (codes === undefined) return { outcome: 'reserved', reservation };
    if (codes[0] === 'ConditionalCheckFailed') {
      const stored = await this.get(orderId);
      if (!stored) throw new Error(`The reservation of order ${orderId} exists per DynamoDB, yet could not be read.`);
      return { outcome: 'duplicate', reservation: stored };
    }
    return {
      outcome: 'short',
      skus: lines.filter((_line, index) => codes[index + 1] === 'ConditionalCheckFailed').map((line) => line.sku),
    };
  }

  /**
   * Item 0 marks the reservation released if it is still reserved; item i (1..n) gives line i back
   * to its sku. Only item 0 can fail a condition in a consistent table (a released reservation's
   * units were added to a sku that still exists): that is `not-reserved`.
   */
  async release(reservation: Reservation, releasedAt: string, context: WriteContext): Promise<ReleaseOutcome> {
    const { orderId, lines } = reservation;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: reservationKey(orderId),
          UpdateExpression: 'SET #status = :released, #releasedAt = :at, #correlationId = :correlationId',
          ConditionExpression: '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status', '#releasedAt': 'releasedAt', '#correlationId': 'correlationId' },
          ExpressionAttributeValues: {
            ':released': 'RELEASED',
            ':reserved': 'RESERVED',
            ':at': releasedAt,
            ':correlationId': context.correlationId,
          },
        },
      },
      ...lines.map((line) => moveStockUnits(this.tableName, line, 'release', releasedAt, context.correlationId)),
    ];

    const codes = await this.transact(orderId, items);
    if (codes === undefined) return 'released';
    if (codes[0] === 'ConditionalCheckFailed') return 'not-reserved';
    const broken = lines.filter((_line, index) => codes[index + 1] === 'ConditionalCheckFailed').map((line) => line.sku);
    throw new Error(`Cannot give back the reservation of order ${orderId}: the stock of ${broken.join(', ')} does not hold it.`);
  }

  async storeReleaseMarker(marker: Reservation, context: WriteContext): Promise<boolean> {
    try {
      await this.docClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toReservationItem(marker, context.correlationId),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Runs the transaction, retrying cancellations caused only by concurrency.
   * @returns `undefined` when it was written, else the cancellation code of each item (some condition failed).
   * @throws StockContentionError when every attempt met a conflict.
   */
  private async transact(orderId: string, items: TransactItem[]): Promise<string[] | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.docClient.send(new TransactWriteCommand({ TransactItems: items }));
        return undefined;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw error;
        // Item 0 is the order's own item: a conflict there means a concurrent call for the same
        // order, whose outcome decides ours, so it is retried whatever the other items say.
        const retryable = isRetryableCancellation(codes) || RETRYABLE_CANCELLATION_CODES.has(codes[0] ?? 'None');
        if (!retryable) {
          if (codes.includes('ConditionalCheckFailed')) return codes;
          throw error;
        }
        if (attempt >= this.retry.maxAttempts) throw new StockContentionError(orderId, attempt, { cause: error });
        await this.retry.sleep(this.retry.delayMs(attempt));
      }
    }
  }
}

const stockNames = {
  '#pk': 'pk',
  '#available': 'available',
  '#reserved': 'reserved',
  '#version': 'version',
  '#updatedAt': 'updatedAt',
  '#correlationId': 'correlationId',
};

/**
 * The update of one sku's stock within a transaction: `reserve` moves the line's units from
 * `available` to `reserved`, `release` moves them back. The units leave a counter only if it holds
 * them, and never a vanished sku: stock never goes negative, and a missing sku is never recreated.
 */
const moveStockUnits = (
  tableName: string,
  line: StockLine,
  direction: 'reserve' | 'release',
  at: string,
  correlationId: string,
): TransactItem => {
  const [available, reserved, from] = direction === 'reserve' ? ['-', '+', '#available'] : ['+', '-', '#reserved'];
  return {
    Update: {
      TableName: tableName,
      Key: stockKey(line.sku),
      UpdateExpression:
        `SET #available = #available ${available} :quantity, #reserved = #reserved ${reserved} :quantity, #version = #version + :one, ` +
        '#updatedAt = :at, #correlationId = :correlationId',
      ConditionExpression: `attribute_exists(#pk) AND ${from} >= :quantity`,
      ExpressionAttributeNames: stockNames,
      ExpressionAttributeValues: { ':quantity': line.quantity, ':one': 1, ':at': at, ':correlationId': correlationId },
    },
  };
};
