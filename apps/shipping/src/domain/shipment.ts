import { nameBasedId } from '@shop/domain';
import type { OrderConfirmedData } from '@shop/order-contracts';
import type { Shipment } from '@shop/shipping-contracts';

export type { Shipment } from '@shop/shipping-contracts';

/**
 * The id of an order's shipment: name-based on the order id, so every attempt to create the
 * shipment of one order (retries, redelivered events) names the same shipment.
 */
export const shipmentIdFor = (orderId: string): string => nameBasedId(`shipment#${orderId}`);

/** The shipment of a confirmed order: its lines (sku, quantity) to its shipping address. */
export const shipmentForOrder = (order: OrderConfirmedData, createdAt: Date): Shipment => ({
  shipmentId: shipmentIdFor(order.orderId),
  orderId: order.orderId,
  customerId: order.customerId,
  status: 'CREATED',
  lines: order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
  shippingAddress: { ...order.shippingAddress },
  createdAt: createdAt.toISOString(),
});
