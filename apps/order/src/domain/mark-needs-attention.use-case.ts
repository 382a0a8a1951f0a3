import { changeOrderStatus, type ChangeOrderStatusDeps } from './change-order-status';
import type { TransitionResult } from './order';
import type { WriteContext } from './ports';

/**
 * The saga's last resort: a step or a compensation failed after all its retries, so an operator
 * must look at the order. `reason` (the failure's error name) is kept in the status history.
 * Idempotent. The saga fails right after it, which raises the failed-executions alarm.
 * @throws OrderNotFoundError
 */
export const markOrderNeedsAttention = (
  deps: ChangeOrderStatusDeps,
  orderId: string,
  reason: string,
  context: WriteContext,
): Promise<TransitionResult> => changeOrderStatus(deps, orderId, { status: 'NEEDS_ATTENTION', reason }, context);
