import { hasConfirmed, withOrderConfirmed } from './basket';
import { BasketChangedError } from './errors';
import type { BasketRepository, Clock } from './ports';
import { MAX_SAVE_ATTEMPTS } from './set-item-quantity.use-case';

/** What {@link removeOrderedLines} needs. */
export interface RemoveOrderedLinesDeps {
  readonly baskets: BasketRepository;
  readonly clock: Clock;
}

/** A confirmed order, as far as the basket cares. */
export interface ConfirmedOrder {
  readonly orderId: string;
  readonly customerId: string;
  /** The skus of the order's lines. */
  readonly skus: readonly string[];
  /** When the customer checked out (ISO 8601): a line set after it stays. Unknown: every line of the skus goes. */
  readonly placedAt?: string;
}

/** What {@link removeOrderedLines} did. */
export interface OrderedLinesRemoval {
  /** How many lines were removed (0 when the order was applied already). */
  readonly removed: number;
  /** `true` when the basket had applied this order's confirmation before: nothing was changed. */
  readonly alreadyApplied: boolean;
  /** `true` when the order was the basket's pending order, freed by the same write. */
  readonly released: boolean;
}

/**
 * Empties the basket of what the customer ordered, once the order is confirmed: the lines of the
 * order's skus are removed, once per order id, and the basket is freed of the order if it held it
 * (the customer may check out again). Anything the customer put in the basket after
 * checking out stays, under other skus or the same (a line set after the checkout's `placedAt`):
 * the basket is not emptied at checkout, and a confirmation may come later than the customer's
 * next change.
 *
 * Once per order: the order id is recorded in the basket (`confirmedOrders`) by the same
 * versioned write that removes the lines. A later copy of the message (a redelivery, or the copy
 * that lost the optimistic-locking race with another copy and read the basket again) finds it and
 * changes nothing, so it cannot remove a sku the customer has put back since.
 * @throws BasketChangedError when every attempt lost a race with the customer (the message is retried).
 */
export const removeOrderedLines = async (deps: RemoveOrderedLinesDeps, order: ConfirmedOrder): Promise<OrderedLinesRemoval> => {
  for (let attempt = 1; ; attempt += 1) {
    const basket = await deps.baskets.get(order.customerId);
    if (hasConfirmed(basket, order.orderId)) return { removed: 0, alreadyApplied: true, released: false };
    // Written even when no line is left to remove, and for a customer without a stored basket
    // (an order not placed from the basket, or a table restored without it), who gets one with no
    // lines: without the marker, a copy arriving after the customer (re)added one of the order's
    // skus would remove it. One PutItem in a rare case buys a rule without exceptions.
    const updated = withOrderConfirmed(basket, order, deps.clock.now());
    try {
      await deps.baskets.save(updated, basket.version);
      return {
        removed: basket.lines.length - updated.lines.length,
        alreadyApplied: false,
        released: basket.pendingOrder?.orderId === order.orderId,
      };
    } catch (error) {
      if (!(error instanceof BasketChangedError) || attempt >= MAX_SAVE_ATTEMPTS) throw error;
    }
  }
};
