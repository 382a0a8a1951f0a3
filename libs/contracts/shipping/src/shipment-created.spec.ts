import { createShipmentCreated, SHIPMENT_CREATED, ShipmentCreatedSchema, type Shipment } from './shipment-created';

const shipment: Shipment = {
  shipmentId: '0b6d8a3e-2c4f-4e5a-9b1c-7d8e9f0a1b2c',
  orderId: '7d1f3c2a-5b4e-4f6a-8c9d-0e1f2a3b4c5d',
  customerId: 'user-1',
  status: 'CREATED',
  lines: [{ sku: 'MUG-001', quantity: 2 }],
  shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
  createdAt: '2025-01-02T00:00:01.000Z',
};

describe('ShipmentCreated', () => {
  it('builds an envelope that its own schema accepts', () => {
    const event = createShipmentCreated({
      shipment,
      correlationId: 'corr-1',
      id: '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11',
      time: shipment.createdAt,
    });
    expect(event).toEqual({
      id: '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11',
      type: 'ShipmentCreated',
      version: 1,
      source: 'shipping',
      time: shipment.createdAt,
      correlationId: 'corr-1',
      data: shipment,
    });
    expect(ShipmentCreatedSchema.parse(event)).toEqual(event);
    expect(SHIPMENT_CREATED).toBe('ShipmentCreated');
  });

  it('rejects an unknown status or no lines', () => {
    const event = createShipmentCreated({ shipment, correlationId: 'corr-1' });
    expect(ShipmentCreatedSchema.safeParse({ ...event, data: { ...shipment, status: 'LOST' } }).success).toBe(false);
    expect(ShipmentCreatedSchema.safeParse({ ...event, data: { ...shipment, lines: [] } }).success).toBe(false);
  });
});
