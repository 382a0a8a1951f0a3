import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SkuSchema } from '@shop/domain';
import {
  compositeKey,
  createItem,
  ItemAlreadyExistsError,
  ItemNotFoundError,
  ItemVersionConflictError,
  replaceItem,
  type DocumentClient,
} from '@shop/dynamodb';
import { OrderIdSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';
import { emptyBasket, type Basket } from '../domain/basket';
import { BasketChangedError } from '../domain/errors';
import type { BasketRepository } from '../domain/ports';

/** Primary key of a basket item (a type alias, so it is assignable to the lib's key records). */
export type BasketKey = {
  /** `BASKET#<customerId>` */
  readonly pk: string;
  /** Always `BASKET`. */
  readonly sk: string;
};

/** The key of the customer's basket. */
export const basketKey = (customerId: string): BasketKey => ({ pk: compositeKey('BASKET', customerId), sk: 'BASKET' });

// One map entry per line, keyed by sku: a basket is one item, read and written whole.
// `changedAt` is absent from lines written before it existed: they count as set when added.
const StoredLineSchema = z.object({
  quantity: z.int().check(z.minimum(1)),
  addedAt: z.iso.datetime(),
  changedAt: z.optional(z.iso.datetime()),
});
const BasketItemSchema = z.object({
  customerId: z.string().check(z.minLength(1)),
  lines: z.record(SkuSchema, StoredLineSchema),
  // Order id → when its OrderConfirmed was applied. Absent from items written before it existed.
  confirmedOrders: z._default(z.record(OrderIdSchema, z.iso.datetime()), {}),
  // The order in flight from this basket. Compared in condition expressions as strings: the
  // timestamps are always `toISOString()`'s fixed format, so text order is time order.
  pendingOrder: z.optional(
    z.object({
      orderId: OrderIdSchema,
      idempotencyKey: z.string().check(z.minLength(1)),
      placedAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
    }),
  ),
  version: z.int().check(z.positive()),
  updatedAt: z.iso.datetime(),
});

/**
 * The item that stores `basket` (without `version`, which the conditional write sets). It is
 * written whole, so a basket without a pending order is stored without one.
 */
export const toBasketItem = (basket: Basket): Record<string, unknown> => ({
  ...basketKey(basket.customerId),
  customerId: basket.customerId,
  lines: Object.fromEntries(
    basket.lines.map((line) => [line.sku, { quantity: line.quantity, addedAt: line.addedAt, changedAt: line.changedAt }]),
  ),
  confirmedOrders: { ...basket.confirmedOrders },
  ...(basket.pendingOrder ? { pendingOrder: { ...basket.pendingOrder } } : {}),
  updatedAt: basket.updatedAt ?? new Date().toISOString(),
});

/** The basket held by a stored item, lines in the order they were added; a corrupt item fails loudly. */
export const fromBasketItem = (item: Record<string, unknown>): Basket => {
  const stored = BasketItemSchema.parse(item);
  const lines = Object.entries(stored.lines)
    .map(([sku, line]) => ({ sku, quantity: line.quantity, addedAt: line.addedAt, changedAt: line.changedAt ?? line.addedAt }))
    .sort((a, b) => (a.addedAt === b.addedAt ? (a.sku < b.sku ? -1 : 1) : a.addedAt < b.addedAt ? -1 : 1));
  return {
    customerId: stored.customerId,
    lines,
    confirmedOrders: stored.confirmedOrders,
    ...(stored.pendingOrder ? { pendingOrder: stored.pendingOrder } : {}),
    version: stored.version,
    updatedAt: stored.updatedAt,
  };
};

/**
 * The {@link BasketRepository} on DynamoDB: one item per basket (`BASKET#<customerId>` / `BASKET`),
 * its lines and its applied order confirmations in maps, its pending order in a third, written
 * whole with optimistic locking on `version` (create only if absent, replace only at the version
 * read). Every write of the item bumps `version`, the checkout's lock included (see
 * `DynamoCheckoutRepository.claim`), so a write from an older read is always refused.
 */
export class DynamoBasketRepository implements BasketRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the basket table.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
  ) {}

  /** Strongly consistent: a customer sees their own last change. */
  async get(customerId: string): Promise<Basket> {
    const { Item } = await this.docClient.send(
      new GetCommand({ TableName: this.tableName, Key: basketKey(customerId), ConsistentRead: true }),
    );
    return Item ? fromBasketItem(Item) : emptyBasket(customerId);
  }

  async save(basket: Basket, expectedVersion: number): Promise<void> {
    const key = basketKey(basket.customerId);
    const item = toBasketItem(basket);
    try {
      if (expectedVersion === 0) {
        await createItem(this.docClient, { tableName: this.tableName, key, item: { ...item, version: 1 } });
      } else {
        await replaceItem(this.docClient, { tableName: this.tableName, key, item, expectedVersion });
      }
    } catch (error) {
      if (error instanceof ItemAlreadyExistsError || error instanceof ItemNotFoundError || error instanceof ItemVersionConflictError) {
        throw new BasketChangedError(basket.customerId, { cause: error });
      }
      throw error;
    }
  }
}
