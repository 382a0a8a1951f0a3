import { addMoney, multiplyMoney, SkuSchema, type Currency, type Money } from '@shop/domain';
import { ORDER_LIMITS, PaymentTokenSchema, ShippingAddressSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';
import { isForSale, type CatalogEntry } from './catalog';

/** Most units of one sku in a basket (an order line's limit). */
export const MAX_QUANTITY = ORDER_LIMITS.maxQuantity;

/** Most different skus in a basket (an order's limit). */
export const MAX_LINES = ORDER_LIMITS.maxLines;

/** Currency of the total of a basket with nothing priced in it. */
export const DEFAULT_CURRENCY: Currency = 'EUR';

/**
 * How long a basket remembers an order whose confirmation it applied: 7 days, well beyond the 4
 * days the order-events queue keeps a message, so every redelivery of an `OrderConfirmed` still
 * finds its order here.
 */
export const CONFIRMED_ORDER_MEMORY_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How long a checkout holds the basket when no event of its order frees it: 1 hour. The order
 * saga's execution timeout covers its worst case of retries and compensations (about 30 minutes),
 * and order's sweep reconciles a PENDING order soon after it, so every order that exists ends, and
 * publishes the event that frees the basket, well within the hour. The lease only frees a basket
 * whose order was never created (the `PlaceOrder` was not sent and the client did not retry).
 */
export const PENDING_ORDER_LEASE_MS = 60 * 60 * 1000;

/**
 * The order a checkout placed from the basket, while it is in flight: one basket has at most one.
 * Set in the same transaction that claims the checkout's Idempotency-Key; removed when the order's
 * `OrderConfirmed`, `OrderCancelled` or `OrderNeedsAttention` arrives; no longer counts after `expiresAt`.
 */
export interface PendingOrder {
  readonly orderId: string;
  /** The Idempotency-Key of the checkout that placed it: a request with this key replays that checkout. */
  readonly idempotencyKey: string;
  /** When the checkout placed it (ISO 8601). */
  readonly placedAt: string;
  /** `placedAt` + {@link PENDING_ORDER_LEASE_MS} (ISO 8601): from then on a new checkout may replace it. */
  readonly expiresAt: string;
}

/** One line of a stored basket: a sku and how many. Prices are never stored here. */
export interface BasketLine {
  readonly sku: string;
  readonly quantity: number;
  /** When the sku was first put in the basket (ISO 8601): lines are shown in this order. */
  readonly addedAt: string;
  /**
   * When the customer last set this line (ISO 8601). The confirmation of an order checked out
   * before that leaves the line in the basket: the customer put it there (again) after checking out.
   */
  readonly changedAt: string;
}

/** A customer's basket as stored. A customer without a stored basket has an empty one at version 0. */
export interface Basket {
  /** The Cognito `sub` of the owner. */
  readonly customerId: string;
  /** In the order they were added. */
  readonly lines: readonly BasketLine[];
  /**
   * The orders whose `OrderConfirmed` was applied to this basket: order id → when (ISO 8601). A
   * copy of the message that finds its order here changes nothing, so a late redelivery cannot
   * remove a sku the customer put back afterwards. Every change of the basket forgets the orders
   * applied more than {@link CONFIRMED_ORDER_MEMORY_MS} ago.
   */
  readonly confirmedOrders: Readonly<Record<string, string>>;
  /**
   * The order in flight from this basket, if any (possibly with its lease run out: see
   * {@link pendingOrderOf}). Every write of the basket keeps it unless it is the one that frees it.
   */
  readonly pendingOrder?: PendingOrder;
  /** Optimistic-locking version: 0 = never stored, then +1 per write. */
  readonly version: number;
  /** Last change (ISO 8601), absent for a never-stored basket. */
  readonly updatedAt?: string;
}

/** The empty basket of a customer who never stored one. */
export const emptyBasket = (customerId: string): Basket => ({ customerId, lines: [], confirmedOrders: {}, version: 0 });

/** Whether the basket remembers applying the confirmation of `orderId`. */
export const hasConfirmed = (basket: Basket, orderId: string): boolean => Object.hasOwn(basket.confirmedOrders, orderId);

/** The basket's pending order if its lease still runs at `now`: while it does, no other checkout goes through. */
export const pendingOrderOf = (basket: Basket, now: Date): PendingOrder | undefined =>
  basket.pendingOrder !== undefined && now.getTime() < Date.parse(basket.pendingOrder.expiresAt) ? basket.pendingOrder : undefined;

/** The lock a checkout at `now` puts on the basket for `orderId`, its lease running {@link PENDING_ORDER_LEASE_MS}. */
export const pendingOrderFor = (orderId: string, idempotencyKey: string, now: Date): PendingOrder => ({
  orderId,
  idempotencyKey,
  placedAt: now.toISOString(),
  expiresAt: new Date(now.getTime() + PENDING_ORDER_LEASE_MS).toISOString(),
});

/** The basket held by `pendingOrder` (replacing one whose lease ran out). */
export const withPendingOrder = (basket: Basket, pendingOrder: PendingOrder): Basket => ({
  ...basket,
  pendingOrder,
  updatedAt: pendingOrder.placedAt,
});

/**
 * The basket freed of `orderId`'s pending order. The pending order of another (newer) order is
 * kept: a late event of an older order never frees the basket of a newer one.
 */
export const withoutPendingOrder = (basket: Basket, orderId: string, now: Date): Basket => {
  if (basket.pendingOrder?.orderId !== orderId) return basket;
  const freed: Basket = { ...basket, updatedAt: now.toISOString() };
  delete (freed as { pendingOrder?: PendingOrder }).pendingOrder;
  return freed;
};

// Run on every change, so the map holds at most a week of orders.
const recentConfirmations = (confirmedOrders: Readonly<Record<string, string>>, now: Date): Record<string, string> =>
  Object.fromEntries(
    Object.entries(confirmedOrders).filter(([, appliedAt]) => now.getTime() - Date.parse(appliedAt) <= CONFIRMED_ORDER_MEMORY_MS),
  );

/** Body of `PUT /items/{sku}`: the quantity wanted, 0 removes the line. Strict: no price, no customer. */
export const SetQuantityInputSchema = z.strictObject({
  quantity: z
    .int({ error: `Quantity must be an integer from 0 to ${MAX_QUANTITY}.` })
    .check(
      z.minimum(0, { error: `Quantity must be an integer from 0 to ${MAX_QUANTITY}.` }),
      z.maximum(MAX_QUANTITY, { error: `Quantity must be an integer from 0 to ${MAX_QUANTITY}.` }),
    ),
});

/** Body of `PUT /items/{sku}`. */
export type SetQuantityInput = z.infer<typeof SetQuantityInputSchema>;

/** Path parameter `{sku}`. */
export const BasketSkuSchema = SkuSchema;

/** Body of `POST /checkout`. Strict: prices, lines and the customer never come from the client. */
export const CheckoutInputSchema = z.strictObject({
  paymentToken: PaymentTokenSchema,
  shippingAddress: z.strictObject(ShippingAddressSchema.shape),
});

/** Body of `POST /checkout`. */
export type CheckoutInput = z.infer<typeof CheckoutInputSchema>;

/** The basket with `sku` at `quantity` (0 removes it); a new sku goes last. */
export const withQuantity = (basket: Basket, sku: string, quantity: number, now: Date): Basket => {
  const existing = basket.lines.find((line) => line.sku === sku);
  const at = now.toISOString();
  const lines =
    quantity === 0
      ? basket.lines.filter((line) => line.sku !== sku)
      : existing
        ? basket.lines.map((line) => (line.sku === sku ? { ...line, quantity, changedAt: at } : line))
        : [...basket.lines, { sku, quantity, addedAt: at, changedAt: at }];
  return { ...basket, lines, confirmedOrders: recentConfirmations(basket.confirmedOrders, now), updatedAt: now.toISOString() };
};

/**
 * The basket once an order is confirmed: without the lines of the order's skus that the customer
 * has not set since checking out (`placedAt`; every line of those skus when it is not known), with
 * the order remembered as applied at `now` (see {@link Basket.confirmedOrders}), and freed of the
 * order if it is the basket's pending order.
 */
export const withOrderConfirmed = (
  basket: Basket,
  order: { readonly orderId: string; readonly skus: readonly string[]; readonly placedAt?: string },
  now: Date,
): Basket => {
  const ordered = new Set(order.skus);
  const checkedOutAt = order.placedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(order.placedAt);
  const takenByOrder = (line: BasketLine) => ordered.has(line.sku) && Date.parse(line.changedAt) <= checkedOutAt;
  return {
    ...withoutPendingOrder(basket, order.orderId, now),
    lines: basket.lines.filter((line) => !takenByOrder(line)),
    confirmedOrders: { ...recentConfirmations(basket.confirmedOrders, now), [order.orderId]: now.toISOString() },
    updatedAt: now.toISOString(),
  };
};

/** A basket line priced from the read model. */
export interface PricedLine {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  /** `unitPrice × quantity`. */
  readonly lineTotal: Money;
}

/** Why a stored line cannot be bought now. */
export type UnavailableReason = 'not_for_sale' | 'currency';

/** A stored line that cannot be bought now: its product was deleted, or is priced in another currency. */
export interface UnavailableLine {
  readonly sku: string;
  readonly quantity: number;
  readonly reason: UnavailableReason;
}

/** The basket as the customer sees it: current prices, the total, and what cannot be bought now. */
export interface BasketView {
  readonly lines: readonly PricedLine[];
  /** Sum of the line totals, in the basket's currency (0 in {@link DEFAULT_CURRENCY} when empty). */
  readonly total: Money;
  /** Lines left out of `lines` and `total`; a checkout refuses them (422) until they are removed. */
  readonly unavailable: readonly UnavailableLine[];
  /**
   * The order placed from this basket that is still in flight (see {@link pendingOrderOf}), for the
   * client to follow; until it ends, a checkout with another key answers 409. Absent when there is none.
   */
  readonly pendingOrderId?: string;
}

/** The currency of a basket: that of its first line still for sale. */
export const basketCurrency = (
  lines: readonly Pick<BasketLine, 'sku'>[],
  catalog: ReadonlyMap<string, CatalogEntry>,
): Currency | undefined => {
  for (const line of lines) {
    const entry = catalog.get(line.sku);
    if (isForSale(entry)) return entry.price.currency;
  }
  return undefined;
};

/**
 * Prices the basket with the read model: each line at the product's current price. Lines whose
 * product is not for sale, or is priced in another currency than the basket (a price moved to
 * another currency after the line was added), are listed as unavailable instead. The pending
 * order is named while its lease runs at `now`.
 */
export const priceBasket = (basket: Basket, catalog: ReadonlyMap<string, CatalogEntry>, now: Date): BasketView => {
  const currency = basketCurrency(basket.lines, catalog) ?? DEFAULT_CURRENCY;
  const lines: PricedLine[] = [];
  const unavailable: UnavailableLine[] = [];
  let total: Money = { amount: 0, currency };
  for (const line of basket.lines) {
    const entry = catalog.get(line.sku);
    if (!isForSale(entry)) {
      unavailable.push({ sku: line.sku, quantity: line.quantity, reason: 'not_for_sale' });
      continue;
    }
    if (entry.price.currency !== currency) {
      unavailable.push({ sku: line.sku, quantity: line.quantity, reason: 'currency' });
      continue;
    }
    const lineTotal = multiplyMoney(entry.price, line.quantity);
    lines.push({ sku: line.sku, name: entry.name, quantity: line.quantity, unitPrice: entry.price, lineTotal });
    total = addMoney(total, lineTotal);
  }
  const pending = pendingOrderOf(basket, now);
  return { lines, total, unavailable, ...(pending ? { pendingOrderId: pending.orderId } : {}) };
};
