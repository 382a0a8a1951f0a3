import { nameBasedId } from '@shop/domain';
import type { OrderConfirmedData } from '@shop/order-contracts';
import { createShipmentCreated, SHIPMENT_CREATED, type Shipment, type ShipmentCreated } from '@shop/shipping-contracts';

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

/**
 * The one `ShipmentCreated` of a shipment, however often and by whom it is published (the outbox
 * relay from the stream record, an operator's replay from the stored item): its id is name-based on
 * the shipment id, its time the shipment's creation, its correlation id the flow's (the checkout's)
 * that created it, so consumers that deduplicate by id see a republished event as the same event.
 * @param correlationId stored with the shipment; absent or unusable on an item written without one,
 * in which case one derived from the shipment id keeps the event the same on every publication.
 */
export const shipmentCreatedFor = (shipment: Shipment, correlationId: string | undefined): ShipmentCreated =>
  createShipmentCreated({
    shipment,
    id: nameBasedId(`${SHIPMENT_CREATED}#${shipment.shipmentId}`),
    correlationId: correlationId ?? nameBasedId(`correlation#${shipment.shipmentId}`),
    time: shipment.createdAt,
  });
