import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { compositeKey, createItem, ItemAlreadyExistsError, type DocumentClient } from '@shop/dynamodb';
import { OrderIdSchema, PlaceOrderSchema } from '@shop/order-contracts';
import * as z from 'zod';
import { emptyBasket } from '../domain/basket';
import { CheckoutAlreadyClaimedError } from '../domain/errors';
import type { CheckoutContext, CheckoutRecord, CheckoutRepository, Clock } from '../domain/ports';
import { basketKey, fromBasketItem } from './basket.repository';
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
  customerId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  fingerprint: z.string().min(1),
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

/**
 * Checkout records on DynamoDB, one item per customer and Idempotency-Key, claimed with a
 * conditional put, never updated, and remembered for at least a day (TTL `expiresAt`: DynamoDB
 * deletes an expired item some time later; until then the key still answers with its order). They
 * share the table with the baskets, so a checkout reads its record and the basket in one
 * BatchGetItem.
 */
export class DynamoCheckoutRepository implements CheckoutRepository {
  /**
   * @param docClient a document client, built once per module.
   * @param tableName the basket table.
   * @param clock the TTL of a claimed record counts from its `now`.
   * @param retryDelayMs pause before asking again for unprocessed keys (doubles each round).
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = { now: () => new Date() },
    private readonly retryDelayMs = 50,
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

  async claim(record: CheckoutRecord): Promise<void> {
    try {
      await createItem(this.docClient, {
        tableName: this.tableName,
        key: checkoutKey(record.customerId, record.idempotencyKey),
        item: toCheckoutItem(record, this.clock.now()),
      });
    } catch (error) {
      if (error instanceof ItemAlreadyExistsError) {
        throw new CheckoutAlreadyClaimedError(record.customerId, record.idempotencyKey, { cause: error });
      }
      throw error;
    }
  }
}
