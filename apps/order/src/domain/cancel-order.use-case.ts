import { changeOrderStatus, type ChangeOrderStatusDeps } from './change-order-status';
import type { CancellationReason, TransitionResult } from './order';
import type { WriteContext } from './ports';

/**
 * The saga's business-failure end: the order is CANCELLED with its reason, after the compensations
 * that the reason needs have run (none for OUT_OF_STOCK, the stock release for PAYMENT_DECLINED).
 * OrderCancelled follows from the stored change. Idempotent (the first reason wins).
 * @throws OrderNotFoundError, InvalidOrderTransitionError (e.g. the order was confirmed)
 */
export const cancelOrder = (
  deps: ChangeOrderStatusDeps,
  orderId: string,
  reason: CancellationReason,
  context: WriteContext,
): Promise<TransitionResult> => changeOrderStatus(deps, orderId, { status: 'CANCELLED', reason }, context);
