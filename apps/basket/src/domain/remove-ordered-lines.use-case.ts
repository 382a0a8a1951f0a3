import { withoutSkus } from './basket';
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
}

/**
 * Empties the basket of what the customer ordered, once the order is confirmed: the lines of the
 * order's skus are removed. Anything the customer put in the basket after checking out, under
 * other skus, stays (the basket is not emptied at checkout, and a confirmation may come later).
 * Removing lines that are gone already changes nothing, so a redelivery is harmless.
 * @returns how many lines were removed.
 * @throws BasketChangedError when every attempt lost a race with the customer (the message is retried).
 */
export const removeOrderedLines = async (deps: RemoveOrderedLinesDeps, order: ConfirmedOrder): Promise<number> => {
  for (let attempt = 1; ; attempt += 1) {
    const basket = await deps.baskets.get(order.customerId);
    const updated = withoutSkus(basket, order.skus, deps.clock.now());
    const removed = basket.lines.length - updated.lines.length;
    if (removed === 0) return 0;
    try {
      await deps.baskets.save(updated, basket.version);
      return removed;
    } catch (error) {
      if (!(error instanceof BasketChangedError) || attempt >= MAX_SAVE_ATTEMPTS) throw error;
    }
  }
};
