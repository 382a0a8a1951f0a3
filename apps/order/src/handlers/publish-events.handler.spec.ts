import './testing/lambda-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ORDER_CONTRACTS, OrderCancelledSchema, OrderConfirmedSchema, OrderNeedsAttentionSchema } from '@shop/order-contracts';
import { dynamoDbStreamEvent, fakeLambdaContext, withoutEnv, type StreamChangeInput } from '@shop/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { orderEventAttributes } from '../adapters/order-events.publisher';
import { toOrderItem } from '../adapters/order.repository';
import { transitionOrder, type Order } from '../domain/order';
import { orderEventId } from '../domain/order-events';
import type { OrderEvent } from '../domain/ports';
import { CUSTOMER_ID, ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { orderEventFromStreamRecord } from './order-stream.mapper';
import { createOrderEventsRelay } from './publish-events.handler';

const AT = new Date('2025-03-01T10:00:02.000Z');
const pending = pendingOrder();
const confirmed = transitionOrder(pending, { status: 'CONFIRMED' }, AT).order;
const cancelled = transitionOrder(pending, { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' }, AT).order;
const needsAttention = transitionOrder(confirmed, { status: 'NEEDS_ATTENTION', reason: 'X' }, AT).order;
const keys = { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' };

const modify = (before: Order, after: Order, correlationId = 'corr-saga'): StreamChangeInput => ({
  eventName: 'MODIFY',
  keys,
  oldImage: toOrderItem(before, 'corr-checkout'),
  newImage: toOrderItem(after, correlationId),
});

const recordOf = (change: StreamChangeInput, streamArn?: string) =>
  dynamoDbStreamEvent([change], streamArn ? { streamArn } : {}).Records[0] as DynamoDBRecord;

describe('orderEventFromStreamRecord', () => {
  it('maps an order entering CONFIRMED to OrderConfirmed, stamped with the write and the status time, with the checkout time', () => {
    const event = orderEventFromStreamRecord(recordOf(modify(pending, confirmed)));

    expect(OrderConfirmedSchema.parse(event)).toEqual({
      id: orderEventId(ORDER_ID, 'CONFIRMED'),
      type: 'OrderConfirmed',
      version: 1,
      source: 'order',
      time: AT.toISOString(),
      correlationId: 'corr-saga',
      data: {
        orderId: ORDER_ID,
        customerId: CUSTOMER_ID,
        lines: pending.lines,
        total: pending.total,
        shippingAddress: pending.shippingAddress,
        placedAt: pending.placedAt,
        confirmedAt: AT.toISOString(),
      },
    });
  });

  it('maps an order entering CANCELLED to OrderCancelled with the reason', () => {
    const event = orderEventFromStreamRecord(recordOf(modify(pending, cancelled)));
    expect(OrderCancelledSchema.parse(event)).toMatchObject({
      id: orderEventId(ORDER_ID, 'CANCELLED'),
      type: 'OrderCancelled',
      data: { orderId: ORDER_ID, reason: 'PAYMENT_DECLINED', cancelledAt: AT.toISOString() },
    });
  });

  it('maps an order entering NEEDS_ATTENTION to OrderNeedsAttention with the status it left and the reason', () => {
    const event = orderEventFromStreamRecord(recordOf(modify(confirmed, needsAttention)));
    expect(OrderNeedsAttentionSchema.parse(event)).toEqual({
      id: orderEventId(ORDER_ID, 'NEEDS_ATTENTION'),
      type: 'OrderNeedsAttention',
      version: 1,
      source: 'order',
      time: AT.toISOString(),
      correlationId: 'corr-saga',
      data: { orderId: ORDER_ID, customerId: CUSTOMER_ID, previousStatus: 'CONFIRMED', reason: 'X', flaggedAt: AT.toISOString() },
    });
    const fenced = transitionOrder(pending, { status: 'NEEDS_ATTENTION', reason: 'Sandbox.Timedout' }, AT).order;
    expect(orderEventFromStreamRecord(recordOf(modify(pending, fenced)))?.data).toMatchObject({
      previousStatus: 'PENDING',
      reason: 'Sandbox.Timedout',
    });
  });

  it('gives the same event id on every redelivery, and different ids per status', () => {
    const first = orderEventFromStreamRecord(recordOf(modify(pending, confirmed)));
    const again = orderEventFromStreamRecord(recordOf(modify(pending, confirmed), 'other'));
    expect(again?.id).toBe(first?.id);
    expect(orderEventId(ORDER_ID, 'CANCELLED')).not.toBe(first?.id);
  });

  it.each([
    ['the PENDING insert', { eventName: 'INSERT', keys, newImage: toOrderItem(pending, 'c') } as StreamChangeInput],
    ['a write that kept the status', modify(confirmed, { ...confirmed, version: 3 })],
    [
      'another item type',
      {
        eventName: 'INSERT',
        keys: { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' },
        newImage: { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' },
      } as StreamChangeInput,
    ],
    ['a removal', { eventName: 'REMOVE', keys, oldImage: toOrderItem(confirmed, 'c') } as StreamChangeInput],
  ])('publishes nothing for %s', (_label, change) => {
    expect(orderEventFromStreamRecord(recordOf(change))).toBeUndefined();
  });

  it('fails loudly on a corrupt order item rather than dropping it', () => {
    const corrupt = { ...toOrderItem(confirmed, 'c'), lines: [] };
    expect(() =>
      orderEventFromStreamRecord(recordOf({ eventName: 'MODIFY', keys, oldImage: toOrderItem(pending, 'c'), newImage: corrupt })),
    ).toThrow(/cannot be published/);
  });
});

describe('createOrderEventsRelay', () => {
  const setup = (failing = false) => {
    const published: OrderEvent[] = [];
    const relay = createOrderEventsRelay({
      publisher: {
        publish: async (event) => {
          if (failing) throw new Error('SNS unavailable');
          published.push(event);
        },
      },
      logger: { info: jest.fn(), debug: jest.fn() },
      metrics: { addMetric: jest.fn() },
    });
    return { published, relay };
  };

  it('publishes one event per status change, in stream order', async () => {
    const { published, relay } = setup();
    const other = pendingOrder({ orderId: '7a2d2d2f-3b4c-4d5e-9f0a-1b2c3d4e5f60' });

    const result = await relay(
      dynamoDbStreamEvent([
        modify(pending, confirmed),
        { eventName: 'INSERT', keys, newImage: toOrderItem(other, 'c') },
        modify(other, transitionOrder(other, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, AT).order),
      ]),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(published.map((event) => [event.type, event.data.orderId])).toEqual([
      ['OrderConfirmed', ORDER_ID],
      ['OrderCancelled', other.orderId],
    ]);
  });

  it('reports records it could not publish, so nothing is lost while SNS is down', async () => {
    const { relay } = setup(true);
    const result = await relay(dynamoDbStreamEvent([modify(pending, confirmed)]));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '000000000000000000001' }]);
  });
});

describe('orderEventAttributes', () => {
  it('adds the reason to OrderCancelled only', () => {
    const cancelledEvent = orderEventFromStreamRecord(recordOf(modify(pending, cancelled))) as OrderEvent;
    const confirmedEvent = orderEventFromStreamRecord(recordOf(modify(pending, confirmed))) as OrderEvent;
    expect(orderEventAttributes(cancelledEvent)).toEqual({ reason: 'PAYMENT_DECLINED' });
    expect(orderEventAttributes(confirmedEvent)).toEqual({});
  });

  it('sets exactly the attributes the contract declares for each event (src/producer.ts: the AsyncAPI headers)', () => {
    const declared = (type: string): string[] => {
      const message = ORDER_CONTRACTS.channels.orderEvents.messages.find((candidate) =>
        candidate.schema.shape.type.def.values.some((value) => value === type),
      );
      return Object.keys(message && 'attributes' in message ? message.attributes : {});
    };
    for (const [before, after] of [
      [pending, cancelled],
      [pending, confirmed],
      [confirmed, needsAttention],
    ] as const) {
      const event = orderEventFromStreamRecord(recordOf(modify(before, after))) as OrderEvent;
      expect(Object.keys(orderEventAttributes(event))).toEqual(declared(event.type));
    }
  });
});

describe('handler', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('publishes to the order topic with type, correlation id and reason attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await import('./publish-events.handler');

    await expect(handler(dynamoDbStreamEvent([modify(pending, cancelled)]), fakeLambdaContext())).resolves.toEqual({
      batchItemFailures: [],
    });

    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: process.env.TOPIC_ARN,
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'OrderCancelled' },
        correlationId: { DataType: 'String', StringValue: 'corr-saga' },
        reason: { DataType: 'String', StringValue: 'PAYMENT_DECLINED' },
      },
    });
  });

  it('fails at cold start, with a named error, when TOPIC_ARN is missing', () => {
    withoutEnv('TOPIC_ARN', () =>
      jest.isolateModules(() => {
        expect(() => require('./publish-events.handler')).toThrow('Environment variable TOPIC_ARN is required but not set.');
      }),
    );
  });
});
