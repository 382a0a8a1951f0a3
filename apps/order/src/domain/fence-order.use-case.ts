import type { ChangeOrderStatusDeps } from './change-order-status';
import type { FenceTarget, TransitionResult } from './order';
import type { OrderRepository, WriteContext } from './ports';

/** What {@link fenceOrder} needs. */
export interface FenceOrderDeps {
  readonly orders: Pick<OrderRepository, 'fence'>;
  readonly clock: ChangeOrderStatusDeps['clock'];
}

/**
 * Takes a PENDING order out of the saga's reach in one conditional write: to NEEDS_ATTENTION (the
 * saga, after a ConfirmOrder whose answer was lost) or CANCELLED `PROCESSING_FAILED` (the
 * reconciler, after the execution ended). Neither status can become CONFIRMED, so once the fence
 * stands a late confirmation can no longer land, and refunding and releasing are safe. An order
 * that is no longer PENDING is left as it is and returned with `changed: false`: CONFIRMED means
 * the confirmation landed and must stand.
 * @throws OrderNotFoundError when no order has this id.
 */
export const fenceOrder = (deps: FenceOrderDeps, orderId: string, target: FenceTarget, context: WriteContext): Promise<TransitionResult> =>
  deps.orders.fence(orderId, target, deps.clock.now(), context);
