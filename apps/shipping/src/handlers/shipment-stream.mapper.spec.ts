import { dynamoDbStreamEvent } from '@shop/testing';
import { ShipmentCreatedSchema } from '@shop/shipping-contracts';
import { shipmentKey, toShipmentItem } from '../adapters/shipment.repository';
import { shipmentForOrder } from '../domain/shipment';
import { confirmedOrder, NOW, ORDER_ID } from '../domain/testing/shipping-fixtures';
import { InvalidShipmentRecordError, shipmentCreatedFromStreamRecord } from './shipment-stream.mapper';

const shipment = shipmentForOrder(confirmedOrder().data, new Date(NOW));
const item = toShipmentItem(shipment, 'corr-checkout-1');
const recordOf = (change: Parameters<typeof dynamoDbStreamEvent>[0][number]) => {
  const [record] = dynamoDbStreamEvent([change]).Records;
  if (!record) throw new Error('no record');
  return record;
};

describe('shipmentCreatedFromStreamRecord', () => {
  it('turns the insert of a shipment into ShipmentCreated with the flow correlation id', () => {
    const event = shipmentCreatedFromStreamRecord(recordOf({ eventName: 'INSERT', keys: shipmentKey(ORDER_ID), newImage: item }));

    expect(event).toEqual({
      id: expect.any(String),
      type: 'ShipmentCreated',
      version: 1,
      source: 'shipping',
      time: NOW,
      correlationId: 'corr-checkout-1',
      data: shipment,
    });
    expect(ShipmentCreatedSchema.safeParse(event).success).toBe(true);
  });

  it('gives the same event id however often the record is delivered', () => {
    const first = shipmentCreatedFromStreamRecord(recordOf({ eventName: 'INSERT', keys: shipmentKey(ORDER_ID), newImage: item }));
    const again = shipmentCreatedFromStreamRecord(
      recordOf({ eventName: 'INSERT', keys: shipmentKey(ORDER_ID), newImage: item, sequenceNumber: '999' }),
    );
    expect(again?.id).toBe(first?.id);
  });

  it('stands for no event for other item types, modifications and removals', () => {
    const idempotency = { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY', status: 'COMPLETED' };
    expect(shipmentCreatedFromStreamRecord(recordOf({ eventName: 'INSERT', keys: idempotency, newImage: idempotency }))).toBeUndefined();
    expect(
      shipmentCreatedFromStreamRecord(recordOf({ eventName: 'MODIFY', keys: shipmentKey(ORDER_ID), newImage: item, oldImage: item })),
    ).toBeUndefined();
    expect(shipmentCreatedFromStreamRecord(recordOf({ eventName: 'REMOVE', keys: shipmentKey(ORDER_ID), oldImage: item }))).toBeUndefined();
  });

  it('refuses a corrupt shipment item loudly', () => {
    const corrupt = { ...item, lines: [] };
    expect(() =>
      shipmentCreatedFromStreamRecord(recordOf({ eventName: 'INSERT', keys: shipmentKey(ORDER_ID), newImage: corrupt })),
    ).toThrow(InvalidShipmentRecordError);
  });
});
