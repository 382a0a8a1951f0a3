import type { StatusTarget, TransitionResult } from './order';
import type { Clock, OrderRepository, WriteContext } from './ports';

/** What the status-changing use cases need. */
export interface ChangeOrderStatusDeps {
  readonly orders: Pick<OrderRepository, 'changeStatus'>;
  readonly clock: Clock;
}

/**
 * Moves the order to `target` now, in one conditional write (no read first: the status machine's
 * rules are the write's condition, see {@link OrderRepository.changeStatus}). A repeated saga task
 * finds the status already set and changes nothing; two copies racing cannot both apply, since the
 * write is atomic and the loser's condition sees the winner's status. This is what makes every
 * saga task idempotent.
 * @throws OrderNotFoundError when no order has this id.
 * @throws InvalidOrderTransitionError when the status machine forbids the change.
 */
export const changeOrderStatus = (
  deps: ChangeOrderStatusDeps,
  orderId: string,
  target: StatusTarget,
  context: WriteContext,
): Promise<TransitionResult> => deps.orders.changeStatus(orderId, target, deps.clock.now(), context);
