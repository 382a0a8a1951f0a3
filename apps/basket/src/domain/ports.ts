import type { PlaceOrder } from '@shop/order-contracts';
import type { Basket } from './basket';
import type { CatalogEntry } from './catalog';

/**
 * Basket persistence, implemented by `adapters/basket.repository.ts` (DynamoDB, one item per
 * basket). Use cases ask only for the methods they use (`Pick<BasketRepository, 'get'>`).
 */
export interface BasketRepository {
  /** The customer's basket; an empty one at version 0 when none is stored. */
  get(customerId: string): Promise<Basket>;

  /**
   * Stores `basket` (at `expectedVersion + 1`), only if the stored one is still at `expectedVersion`
   * (0: only if none is stored).
   * @throws BasketChangedError when another write got there first.
   */
  save(basket: Basket, expectedVersion: number): Promise<void>;
}

/**
 * The price read model: what basket knows of the catalog, fed by `ProductChanged`, implemented by
 * `adapters/price-catalog.repository.ts`.
 */
export interface PriceCatalog {
  /** The entries of these skus that exist (tombstones of deleted products included). */
  getMany(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogEntry>>;

  /**
   * Stores `entry` only if it supersedes the stored one (`supersedes` of `catalog.ts`), atomically.
   * @returns whether it was stored (`false`: an older or duplicate event, ignored).
   */
  apply(entry: CatalogEntry): Promise<boolean>;
}

/** What a change of one basket line starts from. */
export interface LineChangeContext {
  /** The customer's basket (an empty one at version 0 when none is stored). */
  readonly basket: Basket;
  /** The read model entries of the basket's skus and of the sku being set, those that exist. */
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
}

/**
 * Reads what a change of one line needs, implemented by `adapters/line-change.reader.ts`: the
 * basket and the sku's price in one round trip, the other lines' prices in a second one only when
 * the basket holds other skus.
 */
export interface LineChangeReader {
  read(customerId: string, sku: string): Promise<LineChangeContext>;
}

/**
 * One checkout, stored under the customer's Idempotency-Key before its command is sent: a second
 * request with the same key finds it and answers with the same order, never a second one.
 */
export interface CheckoutRecord {
  readonly customerId: string;
  readonly idempotencyKey: string;
  /** Hash of the request body: a key reused for another request is refused. */
  readonly fingerprint: string;
  readonly orderId: string;
  /** The exact command sent, and sent again, unchanged, by every later request with the key. */
  readonly command: PlaceOrder;
  readonly createdAt: string;
}

/** What a checkout request starts from, read at one moment. */
export interface CheckoutContext {
  /** The checkout this customer made earlier with the same key, if it is still remembered. */
  readonly previous?: CheckoutRecord;
  /** The customer's basket (an empty one at version 0 when none is stored). */
  readonly basket: Basket;
}

/** Checkout records by customer and Idempotency-Key, implemented by `adapters/checkout.repository.ts`. */
export interface CheckoutRepository {
  /**
   * The checkout this customer made with this key (if still remembered) and the customer's basket,
   * both strongly consistent, read together in one round trip.
   */
  loadContext(customerId: string, idempotencyKey: string): Promise<CheckoutContext>;

  /** The checkout this customer made with this key, if it is still remembered. */
  get(customerId: string, idempotencyKey: string): Promise<CheckoutRecord | undefined>;

  /**
   * Stores a new checkout and the basket holding its order, both or neither (one transaction):
   * the record only if none has the same customer and key; the basket (`lockedBasket`, written at
   * its version + 1) only if the stored one is still at `lockedBasket.version` and no pending order
   * of it is still in its lease at the new one's `placedAt`.
   * @throws CheckoutAlreadyClaimedError when the key was claimed (with the stored record, if known).
   * @throws BasketChangedError when the basket was not as read (with the stored basket, if known):
   *   another order holds it, or it changed; or the write kept meeting concurrent ones.
   */
  claim(record: CheckoutRecord, lockedBasket: Basket): Promise<void>;
}

/**
 * Sends `PlaceOrder` to the order service, implemented by `SqsCommandSender<PlaceOrder>` of
 * `@shop/messaging` (SQS `SendMessage` to the order intake queue, with `type` and `correlationId`
 * message attributes).
 */
export interface OrderCommandSender {
  /** Sends one `PlaceOrder`; rejects when the queue did not accept it. */
  send(command: PlaceOrder): Promise<void>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Source of new ids (order ids), injected so tests control it. */
export interface IdSource {
  newId(): string;
}
