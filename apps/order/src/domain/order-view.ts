import type { Money } from '@shop/domain';
import type { OrderLine, ShippingAddress } from '@shop/order-contracts';
import type { CancellationReason, Order, OrderStatus, StatusChange } from './order';

/** An order as the API shows it to its owner. */
export interface OrderView {
  readonly orderId: string;
  readonly status: OrderStatus;
  /** Present once the order is CANCELLED. */
  readonly cancellationReason?: CancellationReason;
  readonly lines: readonly OrderLine[];
  readonly total: Money;
  readonly shippingAddress: ShippingAddress;
  /** Every status the order went through, oldest first. */
  readonly statusHistory: readonly StatusChange[];
  readonly placedAt: string;
  readonly updatedAt: string;
}

/**
 * The owner's view of an order: no customer id (it is the caller) and no bookkeeping (`version`,
 * `createdAt` of the intake).
 */
export const toOrderView = (order: Order): OrderView => ({
  orderId: order.orderId,
  status: order.status,
  ...(order.cancellationReason ? { cancellationReason: order.cancellationReason } : {}),
  lines: order.lines,
  total: order.total,
  shippingAddress: order.shippingAddress,
  statusHistory: order.statusHistory,
  placedAt: order.placedAt,
  updatedAt: order.updatedAt,
});
