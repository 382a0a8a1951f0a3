import { unmarshallDynamoDB } from '@aws-lambda-powertools/commons/utils/unmarshallDynamoDB';
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  cancellationCodes,
  compositeKey,
  DEFAULT_TRANSACTION_RETRY,
  isRetryableCancellation,
  RETRYABLE_CANCELLATION_CODES,
  VERSION_ATTRIBUTE,
  type DocumentClient,
  type TransactionRetryPolicy,
} from '@shop/dynamodb';
import { OrderIdSchema, PlaceOrderSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';
import { emptyBasket, type Basket } from '../domain/basket';
import { BasketChangedError, CheckoutAlreadyClaimedError } from '../domain/errors';
import type { CheckoutContext, CheckoutRecord, CheckoutRepository, Clock } from '../domain/ports';
import { basketKey, fromBasketItem, toBasketItem } from './basket.repository';
import { batchGetConsistent } from './batch-get';

/** How long an Idempotency-Key is remembered (TTL of the checkout item): a day, as is usual for such keys. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

/** Primary key of a checkout item. */
export type CheckoutKey = {
  /** `CHECKOUT#<customerId>#<idempotencyKey>` */
  readonly pk: string;
  /** Always `CHECKOUT`. */
  readonly sk: string;
};

/** The key of the customer's checkout with this Idempotency-Key. */
export const checkoutKey = (customerId: string, idempotencyKey: string): CheckoutKey => ({
  pk: compositeKey('CHECKOUT', customerId, idempotencyKey),
  sk: 'CHECKOUT',
});

// Not strict: items written before every request re-sent the command also hold a `status`
// (PENDING/SENT) that nothing reads any more; it is dropped on reading.
const CheckoutItemSchema = z.object({
  customerId: z.string().check(z.minLength(1)),
  idempotencyKey: z.string().check(z.minLength(1)),
  fingerprint: z.string().check(z.minLength(1)),
  orderId: OrderIdSchema,
  command: PlaceOrderSchema,
  createdAt: z.iso.datetime(),
});

/** The item that stores `record`, expiring `IDEMPOTENCY_KEY_TTL_SECONDS` after `now`. */
export const toCheckoutItem = (record: CheckoutRecord, now: Date): Record<string, unknown> => ({
  ...checkoutKey(record.customerId, record.idempotencyKey),
  ...record,
  expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_KEY_TTL_SECONDS,
});

/** The record held by a stored item (validated: a corrupt item fails loudly). */
export const fromCheckoutItem = (item: Record<string, unknown>): CheckoutRecord => CheckoutItemSchema.parse(item);

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

// The stored item a cancelled transaction returned for one of its items (ALL_OLD), as native values.
const storedItem = (reason: CancellationReason | undefined): Record<string, unknown> | undefined =>
  reason?.Item === undefined ? undefined : (unmarshallDynamoDB(reason.Item as Record<string, AttributeValue>) as Record<string, unknown>);

// What the refused write found, if it can be read: a corrupt item must not hide the refusal itself.
const readOrUndefined = <T>(item: Record<string, unknown> | undefined, read: (item: Record<string, unknown>) => T): T | undefined => {
  if (item === undefined) return undefined;
  try {
    return read(item);
  } catch {
    return undefined;
  }
};

/**
 * Checkout records on DynamoDB, one item per customer and Idempotency-Key, claimed with a
 * conditional put in the same transaction that locks the basket for the order, never updated,
 * and remembered for at least a day (TTL `expiresAt`: DynamoDB deletes an expired item some time
 * later; until then the key still answers with its order). They share the table with the
 * baskets, so a checkout reads its record and the basket in one BatchGetItem.
 */
export class DynamoCheckoutRepository implements CheckoutRepository {
  /**
   * @param docClient a document client, built once per module.
   * @param tableName the basket table.
   * @param clock the TTL of a claimed record counts from its `now`.
   * @param retryDelayMs pause before asking again for unprocessed keys (doubles each round).
   * @param retry how a claim cancelled only by concurrent transactions is tried again.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = { now: () => new Date() },
    private readonly retryDelayMs = 50,
    private readonly retry: TransactionRetryPolicy = DEFAULT_TRANSACTION_RETRY,
  ) {}

  /** One strongly consistent BatchGetItem of `CHECKOUT#<customer>#<key>` and `BASKET#<customer>`. */
  async loadContext(customerId: string, idempotencyKey: string): Promise<CheckoutContext> {
    const keys = { checkout: checkoutKey(customerId, idempotencyKey), basket: basketKey(customerId) };
    const items = await batchGetConsistent(this.docClient, {
      tableName: this.tableName,
      keys: [keys.checkout, keys.basket],
      retryDelayMs: this.retryDelayMs,
    });
    const previousItem = items.find((item) => item.pk === keys.checkout.pk);
    const basketItem = items.find((item) => item.pk === keys.basket.pk);
    const basket = basketItem ? fromBasketItem(basketItem) : emptyBasket(customerId);
    return previousItem ? { previous: fromCheckoutItem(previousItem), basket } : { basket };
  }

  async get(customerId: string, idempotencyKey: string): Promise<CheckoutRecord | undefined> {
    const { Item } = await this.docClient.send(
      new GetCommand({ TableName: this.tableName, Key: checkoutKey(customerId, idempotencyKey), ConsistentRead: true }),
    );
    return Item ? fromCheckoutItem(Item) : undefined;
  }

  /**
   * One `TransactWriteItems` of two puts: item 0 the checkout record (`attribute_not_exists`),
   * item 1 the whole basket with its new pending order at version + 1 (only at the version read,
   * and only if no pending order is still in its lease). Both return the stored item when their
   * condition fails (`ALL_OLD`), so the cancellation reasons tell, without another read, the
   * same key claimed first (item 0: replay its record) from a basket held by another order or
   * changed (item 1: the stored basket goes with the error). A cancellation by concurrent
   * transactions only is tried again; one where item 0 met a conflict too, whatever item 1 says,
   * since a concurrent request with the same key decides the outcome.
   */
  async claim(record: CheckoutRecord, lockedBasket: Basket): Promise<void> {
    const { pendingOrder } = lockedBasket;
    if (pendingOrder === undefined) throw new Error('A checkout claims a basket locked for its order (withPendingOrder).');
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: toCheckoutItem(record, this.clock.now()),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...toBasketItem(lockedBasket), [VERSION_ATTRIBUTE]: lockedBasket.version + 1 },
          ConditionExpression: '#version = :expected AND (attribute_not_exists(#pending) OR #pending.#expiresAt <= :placedAt)',
          ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE, '#pending': 'pendingOrder', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':expected': lockedBasket.version, ':placedAt': pendingOrder.placedAt },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    const { customerId, idempotencyKey } = record;

    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.docClient.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw error;
        const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
        if (codes[0] === 'ConditionalCheckFailed') {
          const winner = readOrUndefined(storedItem(reasons[0]), fromCheckoutItem);
          throw new CheckoutAlreadyClaimedError(customerId, idempotencyKey, { cause: error, winner });
        }
        if (isRetryableCancellation(codes) || RETRYABLE_CANCELLATION_CODES.has(codes[0] ?? 'None')) {
          if (attempt >= this.retry.maxAttempts) throw new BasketChangedError(customerId, { cause: error });
          await this.retry.sleep(this.retry.delayMs(attempt));
          continue;
        }
        if (codes[1] === 'ConditionalCheckFailed') {
          throw new BasketChangedError(customerId, { cause: error, current: readOrUndefined(storedItem(reasons[1]), fromBasketItem) });
        }
        throw error;
      }
    }
  }
}
