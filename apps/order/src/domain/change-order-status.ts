import { OrderNotFoundError, OrderVersionConflictError } from './errors';
import { transitionOrder, type StatusTarget, type TransitionResult } from './order';
import type { Clock, OrderRepository, WriteContext } from './ports';

/** What the status-changing use cases need. */
export interface ChangeOrderStatusDeps {
  readonly orders: Pick<OrderRepository, 'get' | 'update'>;
  readonly clock: Clock;
}

/** How often a status change re-reads the order after losing an optimistic-locking race. */
export const MAX_STATUS_CHANGE_ATTEMPTS = 3;

/**
 * Reads the order, applies the status change and writes it back at the version it read. When
 * another writer got there first (a duplicate saga task), it reads again: the second look usually
 * finds the status already set, which is a no-op. This is what makes every saga task idempotent.
 * @throws OrderNotFoundError when no order has this id.
 * @throws InvalidOrderTransitionError when the status machine forbids the change.
 * @throws OrderVersionConflictError when it lost the race {@link MAX_STATUS_CHANGE_ATTEMPTS} times.
 */
export const changeOrderStatus = async (
  deps: ChangeOrderStatusDeps,
  orderId: string,
  target: StatusTarget,
  context: WriteContext,
): Promise<TransitionResult> => {
  for (let attempt = 1; ; attempt += 1) {
    const current = await deps.orders.get(orderId);
    if (!current) throw new OrderNotFoundError(orderId);
    const result = transitionOrder(current, target, deps.clock.now());
    if (!result.changed) return result;
    try {
      await deps.orders.update(result.order, current.version, context);
      return result;
    } catch (error) {
      if (!(error instanceof OrderVersionConflictError) || attempt >= MAX_STATUS_CHANGE_ATTEMPTS) throw error;
    }
  }
};
