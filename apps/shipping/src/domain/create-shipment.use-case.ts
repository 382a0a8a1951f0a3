import type { OrderConfirmedData } from '@shop/order-contracts';
import type { Clock, ShipmentRepository, WriteContext } from './ports';
import { shipmentForOrder, type Shipment } from './shipment';

/** What {@link createShipmentForOrder} needs. */
export interface CreateShipmentDeps {
  readonly shipments: Pick<ShipmentRepository, 'createOnce'>;
  readonly clock: Clock;
}

/** Outcome of {@link createShipmentForOrder}. */
export interface CreateShipmentResult {
  /** The shipment written now (for a duplicate: the one that would have been written). */
  readonly shipment: Shipment;
  /** False when the order already had its shipment: a redelivered or repeated OrderConfirmed. */
  readonly created: boolean;
}

/**
 * Creates the one shipment of a confirmed order. Idempotent by order id: the store writes only if
 * the order has no shipment yet, so a second OrderConfirmed for the order changes nothing (and,
 * the event being published from the table's stream on insert, publishes nothing either).
 */
export const createShipmentForOrder = async (
  deps: CreateShipmentDeps,
  order: OrderConfirmedData,
  context: WriteContext,
): Promise<CreateShipmentResult> => {
  const shipment = shipmentForOrder(order, deps.clock.now());
  const outcome = await deps.shipments.createOnce(shipment, context);
  return { shipment, created: outcome === 'created' };
};
