import { createDocumentClient } from '@shop/dynamodb';
import { useTestTable } from '@shop/testing';
import { shipmentForOrder } from '../domain/shipment';
import { confirmedOrder, NOW, ORDER_ID } from '../domain/testing/shipping-fixtures';
import { DynamoShipmentRepository } from './shipment.repository';

describe('DynamoShipmentRepository on DynamoDB Local', () => {
  const table = useTestTable(undefined, { prefix: 'shipping' });
  const repository = () => new DynamoShipmentRepository(createDocumentClient({ client: table.client }), table.tableName);

  it('stores one shipment per order, even for concurrent creates, and reads it back', async () => {
    const shipment = shipmentForOrder(confirmedOrder().data, new Date(NOW));
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        repository().createOnce(
          { ...shipment, createdAt: new Date(Date.parse(NOW) + index).toISOString() },
          { correlationId: `c-${index}` },
        ),
      ),
    );

    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(4);
    const stored = await repository().getByOrderId(ORDER_ID);
    expect(stored?.shipmentId).toBe(shipment.shipmentId);
  });

  it('finds nothing for an unknown order', async () => {
    await expect(repository().getByOrderId('0b6d8a3e-2c4f-4e5a-9b1c-7d8e9f0a1b2c')).resolves.toBeUndefined();
  });
});
