import './testing/lambda-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '@shop/domain';
import { OrderConfirmedSchema } from '@shop/order-contracts';
import { fakeLambdaContext, withoutEnv } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { toOrderItem } from '../adapters/order.repository';
import { transitionOrder } from '../domain/order';
import { orderEventId } from '../domain/order-events';
import type { OrderEvent } from '../domain/ports';
import { InMemoryOrderRepository } from '../domain/testing/in-memory-order.repository';
import { ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { createEventRepublisher } from './republish-events.handler';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const confirmed = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, new Date('2025-03-01T10:00:02.000Z')).order;

const setup = () => {
  const published: OrderEvent[] = [];
  const metrics: string[] = [];
  const logger = { info: jest.fn(), debug: jest.fn() };
  const republish = createEventRepublisher({
    orders: new InMemoryOrderRepository([confirmed]),
    publisher: { publish: async (event) => void published.push(event) },
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { published, metrics, logger, invoke: (event: unknown) => republish(event, fakeLambdaContext()) };
};

describe('createEventRepublisher', () => {
  it('republishes the current event of the orders given and answers the count and its correlation id', async () => {
    const { published, metrics, invoke } = setup();
    const missing = '00000000-0000-4000-8000-000000000009';

    await expect(invoke({ orderIds: [ORDER_ID, missing] })).resolves.toEqual({
      published: 1,
      skipped: 0,
      notFound: [missing],
      correlationId: expect.stringMatching(UUID),
    });
    expect(published.map((event) => [event.type, event.id])).toEqual([['OrderConfirmed', orderEventId(ORDER_ID, 'CONFIRMED')]]);
    expect(metrics).toEqual(['OrderConfirmedRepublished']);
  });

  it('keeps the correlation id it is given for its run', async () => {
    await expect(setup().invoke({ orderIds: [ORDER_ID], correlationId: 'replay-7' })).resolves.toMatchObject({ correlationId: 'replay-7' });
  });

  it('refuses a payload it does not understand, naming the field and the accepted shapes', async () => {
    const { published, invoke } = setup();
    const both = { orderIds: [ORDER_ID], placedFrom: '2025-03-01T10:00:00Z', placedTo: '2025-03-01T11:00:00Z' };
    const error = await invoke(both).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('orderIds: Give either orderIds or placedFrom and placedTo, not both.');
    expect((error as Error).message).toContain('expected { "orderIds": [...] }');
    expect(published).toEqual([]);
  });
});

describe('handler', () => {
  const sns = mockClient(SNSClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => {
    sns.reset();
    ddb.reset();
  });

  it("reads the order by key and publishes to the order topic with the relay's attributes", async () => {
    ddb.on(GetCommand).resolves({ Item: toOrderItem(confirmed, 'corr-saga') });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await import('./republish-events.handler');

    await expect(handler({ orderIds: [ORDER_ID] }, fakeLambdaContext())).resolves.toMatchObject({ published: 1 });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(process.env.TOPIC_ARN);
    expect(OrderConfirmedSchema.parse(JSON.parse(input?.Message ?? '{}'))).toMatchObject({
      id: orderEventId(ORDER_ID, 'CONFIRMED'),
      correlationId: 'corr-saga',
    });
    expect(input?.MessageAttributes).toMatchObject({ type: { DataType: 'String', StringValue: 'OrderConfirmed' } });
  });

  it('fails at cold start without the topic', () => {
    withoutEnv('TOPIC_ARN', () =>
      jest.isolateModules(() => {
        expect(() => require('./republish-events.handler')).toThrow('Environment variable TOPIC_ARN is required but not set.');
      }),
    );
  });
});
