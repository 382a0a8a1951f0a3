import './testing/lambda-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { nameBasedId, ValidationError } from '@shop/domain';
import { ShipmentCreatedSchema, type ShipmentCreated } from '@shop/shipping-contracts';
import { fakeLambdaContext, withoutEnv } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { toShipmentItem } from '../adapters/shipment.repository';
import type { ShipmentCreatedPublisher } from '../domain/ports';
import { InMemoryShipmentHistory, shipmentOf } from '../domain/testing/shipping-fixtures';
import { createShipmentsRepublisher } from './republish-events.handler';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ORDER_A = '10000000-0000-4000-8000-00000000000a';
const ORDER_B = '10000000-0000-4000-8000-00000000000b';
const ORDER_C = '10000000-0000-4000-8000-00000000000c';
const MISSING = '90000000-0000-4000-8000-000000000009';
const stored = [
  { shipment: shipmentOf(ORDER_A, '2025-03-01T09:00:00.000Z'), correlationId: 'corr-a' },
  { shipment: shipmentOf(ORDER_B, '2025-03-01T10:00:00.000Z'), correlationId: 'corr-b' },
  { shipment: shipmentOf(ORDER_C, '2025-03-02T10:00:00.000Z'), correlationId: 'corr-c' },
];

class RecordingPublisher implements ShipmentCreatedPublisher {
  readonly published: ShipmentCreated[] = [];
  failing = false;
  async publish(event: ShipmentCreated): Promise<void> {
    if (this.failing) throw new Error('topic unavailable');
    this.published.push(event);
  }
}

const setup = (remainingMs = 300_000) => {
  const publisher = new RecordingPublisher();
  const metrics: string[] = [];
  const logger = { info: jest.fn(), debug: jest.fn() };
  const republish = createShipmentsRepublisher({
    shipments: new InMemoryShipmentHistory(stored),
    publisher,
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
    pageSize: 1,
    timeReserveMs: 10_000,
  });
  const invoke = (event: unknown) => republish(event, fakeLambdaContext({ getRemainingTimeInMillis: () => remainingMs }));
  return { publisher, metrics, logger, invoke };
};

describe('createShipmentsRepublisher', () => {
  it('republishes the shipments of the given orders, naming those without one, under a new correlation id', async () => {
    const { publisher, metrics, invoke } = setup();

    const output = await invoke({ orderIds: [ORDER_B, MISSING] });

    expect(output).toEqual({ published: 1, notFound: [MISSING], correlationId: expect.stringMatching(UUID) });
    expect(publisher.published.map((event) => [event.data.orderId, event.correlationId])).toEqual([[ORDER_B, 'corr-b']]);
    expect(publisher.published[0]?.id).toBe(nameBasedId(`ShipmentCreated#${stored[1]?.shipment.shipmentId}`));
    expect(metrics).toEqual(['ShipmentCreatedRepublished']);
  });

  it('answers a cursor after maxItems, and the next invocation with it and the correlation id finishes the window', async () => {
    const { publisher, invoke } = setup();

    const first = await invoke({ from: '2025-03-01T00:00:00Z', to: '2025-03-03T00:00:00Z', maxItems: 2 });
    const second = await invoke({ cursor: first.nextCursor, correlationId: first.correlationId });

    expect(first).toEqual({ published: 2, nextCursor: expect.any(String), correlationId: expect.stringMatching(UUID) });
    expect(second).toEqual({ published: 1, correlationId: first.correlationId });
    expect(publisher.published.map((event) => event.data.orderId)).toEqual([ORDER_A, ORDER_B, ORDER_C]);
  });

  it("stops on the Lambda's remaining time and says to re-invoke", async () => {
    const { publisher, logger, invoke } = setup(5_000);

    const output = await invoke({ from: '2025-03-01T00:00:00Z', to: '2025-03-03T00:00:00Z' });

    expect(output).toEqual({ published: 1, nextCursor: expect.any(String), correlationId: expect.any(String) });
    expect(publisher.published).toHaveLength(1);
    expect(logger.info).toHaveBeenLastCalledWith('Republished part of the window: re-invoke with the cursor', {
      published: 1,
      stoppedBy: 'time',
      nextCursor: output.nextCursor,
      notFound: undefined,
    });
  });

  it('fails, naming the payload to resume with and the run correlation id, when publishing fails', async () => {
    const { publisher, invoke } = setup();
    publisher.failing = true;

    await expect(invoke({ orderIds: [ORDER_A, ORDER_B], correlationId: 'replay-1' })).rejects.toThrow(
      `Republishing ShipmentCreated stopped after 0 events; re-invoke with {"orderIds":["${ORDER_A}","${ORDER_B}"],"correlationId":"replay-1"} to resume.`,
    );
  });

  it.each([
    ['an unknown field', { orderIds: [ORDER_A], limit: 2 }, ['limit']],
    ['a malformed order id', { orderIds: ['nope'] }, ['orderIds.0']],
    ['no mode', {}, ['']],
    ['no payload', null, ['']],
  ])('refuses %s with a ValidationError naming the field, publishing nothing', async (_name, payload, fields) => {
    const { publisher, invoke } = setup();
    const error = await invoke(payload).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(fields);
    expect((error as ValidationError).message).toMatch(
      /^The republish-shipments payload is not valid \(.+\); expected \{ "orderIds": \[\.\.\.\] \}/,
    );
    expect(publisher.published).toEqual([]);
  });
});

describe('handler', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const sns = mockClient(SNSClient);
  beforeEach(() => {
    ddb.reset();
    sns.reset();
  });

  it('reads the shipments by key and publishes each to the shipping topic with the relay attributes', async () => {
    const item = toShipmentItem(stored[0]?.shipment ?? shipmentOf(ORDER_A, '2025-03-01T09:00:00.000Z'), 'corr-a');
    ddb.on(GetCommand).resolves({ Item: item });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await import('./republish-events.handler');

    const output = await handler({ orderIds: [ORDER_A], correlationId: 'replay-2025-03' }, fakeLambdaContext());

    expect(output).toEqual({ published: 1, correlationId: 'replay-2025-03' });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: process.env.TABLE_NAME,
      Key: { pk: `SHIPMENT#${ORDER_A}`, sk: 'SHIPMENT' },
    });
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(process.env.TOPIC_ARN);
    expect(input?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'ShipmentCreated' },
      correlationId: { DataType: 'String', StringValue: 'corr-a' },
    });
    expect(ShipmentCreatedSchema.parse(JSON.parse(input?.Message ?? '{}'))).toMatchObject({
      id: nameBasedId(`ShipmentCreated#${item.shipmentId}`),
      correlationId: 'corr-a',
      time: item.createdAt,
    });
  });

  it.each(['TABLE_NAME', 'TOPIC_ARN'])('fails at cold start, with a named error, when %s is missing', (name) => {
    withoutEnv(name, () =>
      jest.isolateModules(() => {
        expect(() => require('./republish-events.handler')).toThrow(`Environment variable ${name} is required but not set.`);
      }),
    );
  });
});
