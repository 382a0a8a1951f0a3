import './testing/lambda-env';
import { fakeLambdaContext, sqsEvent, sqsEventFromSns } from '@shop/testing';
import { shipmentIdFor } from '../domain/shipment';
import { confirmedOrder, fixedClock, InMemoryShipmentRepository, ORDER_ID } from '../domain/testing/shipping-fixtures';
import { createOrderConfirmedConsumer, handler } from './on-order-confirmed.handler';

const setup = () => {
  const shipments = new InMemoryShipmentRepository();
  const metrics: string[] = [];
  const correlationIds: unknown[] = [];
  const consume = createOrderConfirmedConsumer({
    shipments,
    clock: fixedClock(),
    logger: { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), setCorrelationId: (id) => void correlationIds.push(id) },
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { shipments, metrics, correlationIds, consume };
};

describe('OrderConfirmed consumer', () => {
  it('creates the shipment of the confirmed order, with the checkout correlation id', async () => {
    const { shipments, metrics, correlationIds, consume } = setup();

    const response = await consume(sqsEventFromSns([confirmedOrder()]), fakeLambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(shipments.items.get(ORDER_ID)?.shipment.shipmentId).toBe(shipmentIdFor(ORDER_ID));
    expect(shipments.items.get(ORDER_ID)?.correlationId).toBe('corr-checkout-1');
    expect(correlationIds).toEqual(['corr-checkout-1']);
    expect(metrics).toContain('ShipmentCreated');
  });

  it('acknowledges a redelivered OrderConfirmed without a second shipment', async () => {
    const { shipments, metrics, consume } = setup();
    const event = confirmedOrder();

    await consume(sqsEvent([{ body: event }]), fakeLambdaContext());
    const again = await consume(sqsEvent([{ body: event }, { body: confirmedOrder() }]), fakeLambdaContext());

    expect(again).toEqual({ batchItemFailures: [] });
    expect(shipments.items.size).toBe(1);
    expect(metrics.filter((name) => name === 'ShipmentCreated')).toHaveLength(1);
  });

  it('fails (for retry, then the DLQ) a message that breaks the contract, and keeps the good ones flowing', async () => {
    const { shipments, consume } = setup();
    const other = confirmedOrder({ orderId: '0b6d8a3e-2c4f-4e5a-9b1c-7d8e9f0a1b2c' });
    const poison = { ...confirmedOrder(), data: { ...confirmedOrder().data, total: { amount: 1, currency: 'EUR' } } };

    const response = await consume(
      sqsEvent([
        { body: poison, messageId: 'poison' },
        { body: other, messageId: 'good' },
      ]),
      fakeLambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect([...shipments.items.keys()]).toEqual([other.data.orderId]);
  });

  it('fails the record when the table cannot be written', async () => {
    const { consume } = setup();
    const failing = createOrderConfirmedConsumer({
      shipments: { createOnce: async () => Promise.reject(new Error('throttled')) },
      clock: fixedClock(),
      logger: { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), setCorrelationId: jest.fn() },
      metrics: { addMetric: jest.fn() },
    });

    expect(await failing(sqsEvent([{ body: confirmedOrder(), messageId: 'm' }]), fakeLambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm' }],
    });
    expect(typeof consume).toBe('function');
    expect(typeof handler).toBe('function');
  });
});
