import { withoutPendingOrder } from './basket';
import { BasketChangedError } from './errors';
import type { BasketRepository, Clock } from './ports';
import { MAX_SAVE_ATTEMPTS } from './set-item-quantity.use-case';

/** What {@link releasePendingOrder} needs. */
export interface ReleasePendingOrderDeps {
  readonly baskets: BasketRepository;
  readonly clock: Clock;
}

/** An order that ended without being confirmed (cancelled, or left to an operator), as far as the basket cares. */
export interface EndedOrder {
  readonly orderId: string;
  readonly customerId: string;
}

/**
 * Frees the customer's basket of an order that ended without confirmation (`OrderCancelled`,
 * `OrderNeedsAttention`), so the customer can check out again. Only that order's lock is removed:
 * a late event of an older order leaves a newer order's lock alone, and a repeated event finds
 * nothing to do. The write is the basket's usual versioned put (the lock goes, everything else is
 * written back as read), retried from a fresh read when it loses a race.
 * @returns whether the basket was freed (`false`: it was not held by this order).
 * @throws BasketChangedError when every attempt lost a race with the customer (the message is retried).
 */
export const releasePendingOrder = async (deps: ReleasePendingOrderDeps, order: EndedOrder): Promise<boolean> => {
  for (let attempt = 1; ; attempt += 1) {
    const basket = await deps.baskets.get(order.customerId);
    if (basket.pendingOrder?.orderId !== order.orderId) return false;
    try {
      await deps.baskets.save(withoutPendingOrder(basket, order.orderId, deps.clock.now()), basket.version);
      return true;
    } catch (error) {
      if (!(error instanceof BasketChangedError) || attempt >= MAX_SAVE_ATTEMPTS) throw error;
    }
  }
};
