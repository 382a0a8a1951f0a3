import { ShipmentNotFoundError } from './errors';
import type { ShipmentRepository } from './ports';
import type { Shipment } from './shipment';

/** What {@link getShipmentForCustomer} needs. */
export interface GetShipmentDeps {
  readonly shipments: Pick<ShipmentRepository, 'getByOrderId'>;
}

/**
 * The shipment of `orderId`, for the customer who placed the order only.
 * @throws ShipmentNotFoundError when there is none, or when it belongs to another customer.
 */
export const getShipmentForCustomer = async (
  deps: GetShipmentDeps,
  query: { readonly orderId: string; readonly customerId: string },
): Promise<Shipment> => {
  const shipment = await deps.shipments.getByOrderId(query.orderId);
  if (!shipment || shipment.customerId !== query.customerId) throw new ShipmentNotFoundError(query.orderId);
  return shipment;
};
