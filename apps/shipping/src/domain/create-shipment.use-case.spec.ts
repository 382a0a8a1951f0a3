import { createShipmentForOrder } from './create-shipment.use-case';
import { shipmentIdFor } from './shipment';
import { confirmedOrder, fixedClock, InMemoryShipmentRepository, NOW, ORDER_ID, CUSTOMER } from './testing/shipping-fixtures';

describe('createShipmentForOrder', () => {
  it('creates the shipment of a confirmed order: its lines, to its address', async () => {
    const shipments = new InMemoryShipmentRepository();

    const result = await createShipmentForOrder({ shipments, clock: fixedClock() }, confirmedOrder().data, { correlationId: 'corr-1' });

    expect(result).toEqual({
      created: true,
      shipment: {
        shipmentId: shipmentIdFor(ORDER_ID),
        orderId: ORDER_ID,
        customerId: CUSTOMER,
        status: 'CREATED',
        lines: [
          { sku: 'MUG-001', quantity: 2 },
          { sku: 'TEA-001', quantity: 1 },
        ],
        shippingAddress: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
        createdAt: NOW,
      },
    });
    expect(shipments.items.get(ORDER_ID)?.correlationId).toBe('corr-1');
  });

  it('creates exactly one shipment per order, however often the order is confirmed', async () => {
    const shipments = new InMemoryShipmentRepository();
    const deps = { shipments, clock: fixedClock() };

    const first = await createShipmentForOrder(deps, confirmedOrder().data, { correlationId: 'corr-1' });
    const again = await createShipmentForOrder({ ...deps, clock: fixedClock('2025-03-02T00:00:00.000Z') }, confirmedOrder().data, {
      correlationId: 'corr-2',
    });

    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(shipments.items.size).toBe(1);
    expect(shipments.items.get(ORDER_ID)).toEqual({ shipment: first.shipment, correlationId: 'corr-1' });
  });

  it('names the same shipment for the same order every time', () => {
    expect(shipmentIdFor(ORDER_ID)).toBe(shipmentIdFor(ORDER_ID));
    expect(shipmentIdFor(ORDER_ID)).not.toBe(shipmentIdFor('0b6d8a3e-2c4f-4e5a-9b1c-7d8e9f0a1b2c'));
  });
});
