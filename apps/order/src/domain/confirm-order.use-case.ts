import { changeOrderStatus, type ChangeOrderStatusDeps } from './change-order-status';
import type { TransitionResult } from './order';
import type { WriteContext } from './ports';

/**
 * The saga's last forward step: stock is reserved and payment captured, so the order is CONFIRMED.
 * The OrderConfirmed event follows from the stored change (the table stream's publisher), never
 * from here, so it is published exactly when the change is stored. Idempotent.
 * @throws OrderNotFoundError, InvalidOrderTransitionError (e.g. the order was cancelled)
 */
export const confirmOrder = (deps: ChangeOrderStatusDeps, orderId: string, context: WriteContext): Promise<TransitionResult> =>
  changeOrderStatus(deps, orderId, { status: 'CONFIRMED' }, context);
