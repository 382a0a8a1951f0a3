import { nameBasedId } from '@shop/domain';
import { createOrderCancelled, createOrderConfirmed, createOrderNeedsAttention } from '@shop/order-contracts';
import { lastStatusChange, type Order } from './order';
import type { OrderEvent } from './ports';

/** A CANCELLED order without its cancellation reason: corrupt data, no event can be made of it. */
export class MissingCancellationReasonError extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} is CANCELLED without a cancellation reason.`);
    this.name = 'MissingCancellationReasonError';
  }
}

/**
 * The id of the event an order's entry into `status` stands for. An order enters each status at
 * most once (the status machine never goes back), so the relay (on every redelivery of the stream
 * record) and the replay give the same id, and consumers deduplicate on it.
 */
export const orderEventId = (orderId: string, status: Order['status']): string => nameBasedId(`order-event#${orderId}#${status}`);

/** Reason an `OrderNeedsAttention` carries when the status history has none (it always has one today). */
const UNKNOWN_REASON = 'Unknown';

/**
 * The event of the status an order is in, or `undefined` for PENDING (no event):
 * - CONFIRMED → `OrderConfirmed` (lines, total, address, checkout time);
 * - CANCELLED → `OrderCancelled` with its reason;
 * - NEEDS_ATTENTION → `OrderNeedsAttention` with the status it left and the reason it was flagged.
 * Stamped with {@link orderEventId}, the time the status was entered and `correlationId` (the one
 * of the write that entered it), so the stream relay and the replay build the very same event.
 * @throws MissingCancellationReasonError for a CANCELLED order without its reason.
 */
export const orderEventOf = (order: Order, correlationId: string): OrderEvent | undefined => {
  if (order.status === 'PENDING') return undefined;
  const entered = lastStatusChange(order);
  const common = {
    orderId: order.orderId,
    customerId: order.customerId,
    correlationId,
    id: orderEventId(order.orderId, order.status),
    time: entered.at,
  };
  if (order.status === 'CONFIRMED') {
    return createOrderConfirmed({
      ...common,
      lines: order.lines,
      total: order.total,
      shippingAddress: order.shippingAddress,
      placedAt: order.placedAt,
      confirmedAt: entered.at,
    });
  }
  if (order.status === 'CANCELLED') {
    if (!order.cancellationReason) throw new MissingCancellationReasonError(order.orderId);
    return createOrderCancelled({
      ...common,
      lines: order.lines,
      total: order.total,
      reason: order.cancellationReason,
      cancelledAt: entered.at,
    });
  }
  const previous = order.statusHistory.at(-2)?.status ?? 'PENDING';
  return createOrderNeedsAttention({
    ...common,
    previousStatus: previous,
    reason: entered.reason ?? UNKNOWN_REASON,
    flaggedAt: entered.at,
  });
};
