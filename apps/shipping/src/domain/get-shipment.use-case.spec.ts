import { createShipmentForOrder } from './create-shipment.use-case';
import { ShipmentNotFoundError } from './errors';
import { getShipmentForCustomer } from './get-shipment.use-case';
import { confirmedOrder, CUSTOMER, fixedClock, InMemoryShipmentRepository, ORDER_ID, OTHER_CUSTOMER } from './testing/shipping-fixtures';

const withShipment = async () => {
  const shipments = new InMemoryShipmentRepository();
  const { shipment } = await createShipmentForOrder({ shipments, clock: fixedClock() }, confirmedOrder().data, { correlationId: 'c' });
  return { shipments, shipment };
};

describe('getShipmentForCustomer', () => {
  it('returns the shipment to the customer who placed the order', async () => {
    const { shipments, shipment } = await withShipment();
    await expect(getShipmentForCustomer({ shipments }, { orderId: ORDER_ID, customerId: CUSTOMER })).resolves.toEqual(shipment);
  });

  it('answers "not found" to anyone else, exactly as for an order without a shipment', async () => {
    const { shipments } = await withShipment();
    const foreign = getShipmentForCustomer({ shipments }, { orderId: ORDER_ID, customerId: OTHER_CUSTOMER });
    const missing = getShipmentForCustomer({ shipments: new InMemoryShipmentRepository() }, { orderId: ORDER_ID, customerId: CUSTOMER });

    await expect(foreign).rejects.toThrow(ShipmentNotFoundError);
    await expect(missing).rejects.toThrow(ShipmentNotFoundError);
    await expect(foreign).rejects.toThrow(`There is no shipment for order ${ORDER_ID}.`);
  });
});
