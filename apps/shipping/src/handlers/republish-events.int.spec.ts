import './testing/lambda-env';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { MESSAGE_TYPE_ATTRIBUTE, unwrapMessageBody } from '@shop/messaging';
import { SHIPMENT_CREATED, ShipmentCreatedSchema, type ShipmentCreated } from '@shop/shipping-contracts';
import { dynamoDbStreamEvent, fakeLambdaContext, fauxqsEndpoint, topicSubscriber, useTestTable } from '@shop/testing';
import { createShipmentCreatedPublisher } from '../adapters/shipment-created.publisher';
import { DynamoShipmentHistory, DynamoShipmentRepository, shipmentKey } from '../adapters/shipment.repository';
import { shipmentOf } from '../domain/testing/shipping-fixtures';
import { createShipmentsPublisher } from './publish-events.handler';
import { createShipmentsRepublisher } from './republish-events.handler';

// The ShipmentCreated replay end to end on the emulators: shipments stored by the consumer's
// repository in DynamoDB Local (with their creation-time index key), published once by the outbox
// relay and then again by the replay to a fauxqs topic; a subscription receives, for each
// shipment, two copies of one event: same id, same body.

const docClient = createDocumentClient();
const table = useTestTable(undefined, { prefix: 'shipping' });
const messagingConfig = {
  endpoint: fauxqsEndpoint(),
  region: 'eu-west-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
const sns = new SNSClient(messagingConfig);
const sqs = new SQSClient(messagingConfig);
const { subscribedQueue, receive } = topicSubscriber(sns, sqs);

afterAll(() => {
  docClient.destroy();
  sns.destroy();
  sqs.destroy();
});

const quiet = { logger: { info: jest.fn(), debug: jest.fn() }, metrics: { addMetric: jest.fn() } };
const parse = (body: string | undefined, messageId?: string): ShipmentCreated =>
  ShipmentCreatedSchema.parse(unwrapMessageBody(body ?? '', messageId));

const ORDERS = {
  early: '20000000-0000-4000-8000-000000000001',
  lateFirstDay: '20000000-0000-4000-8000-000000000002',
  secondDay: '20000000-0000-4000-8000-000000000003',
  atEnd: '20000000-0000-4000-8000-000000000004',
  before: '20000000-0000-4000-8000-000000000005',
};
const CREATED = {
  [ORDERS.before]: '2025-02-28T23:59:59.999Z',
  [ORDERS.early]: '2025-03-01T00:00:00.000Z',
  [ORDERS.lateFirstDay]: '2025-03-01T23:59:59.999Z',
  [ORDERS.secondDay]: '2025-03-02T12:00:00.000Z',
  [ORDERS.atEnd]: '2025-03-03T00:00:00.000Z',
};
const window = { from: '2025-03-01T00:00:00Z', to: '2025-03-03T00:00:00Z' };

describe('republish-shipments on DynamoDB Local and fauxqs: shipments table -> replay -> shipping topic -> subscribers', () => {
  it('republishes the relay events of a window over two invocations joined by the cursor, and of given orders, with the same ids and bodies', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `shipping-events-${Date.now()}` }));
    const topicArn = TopicArn as string;
    const queue = await subscribedQueue(topicArn, 'shipment-created', { [MESSAGE_TYPE_ATTRIBUTE]: [SHIPMENT_CREATED] });

    const repository = new DynamoShipmentRepository(docClient, table.tableName);
    for (const [orderId, createdAt] of Object.entries(CREATED)) {
      await expect(repository.createOnce(shipmentOf(orderId, createdAt), { correlationId: `corr-${orderId.slice(-1)}` })).resolves.toBe(
        'created',
      );
    }
    // Another item type in the table and index is never taken for a shipment.
    await docClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'AUDIT#1', sk: 'AUDIT', gsi1pk: 'SHIPMENTS#2025-03-01', gsi1sk: '2025-03-01T10:00:00.000Z#x' },
      }),
    );

    // The relay publishes each shipment once, from the stream records of the stored items.
    const stored = await Promise.all(
      Object.keys(CREATED).map(
        async (orderId) => (await docClient.send(new GetCommand({ TableName: table.tableName, Key: shipmentKey(orderId) }))).Item ?? {},
      ),
    );
    const relay = createShipmentsPublisher({ publisher: createShipmentCreatedPublisher(sns, topicArn), ...quiet });
    const records = stored.map((item, index) => ({
      eventName: 'INSERT' as const,
      keys: shipmentKey(String(item.orderId)),
      newImage: item,
      sequenceNumber: String(100 + index),
    }));
    await expect(relay(dynamoDbStreamEvent(records))).resolves.toEqual({ batchItemFailures: [] });
    const relayed = new Map(
      (await receive(queue, 5)).map((message) => parse(message.Body, message.MessageId)).map((event) => [event.data.orderId, event]),
    );
    expect(relayed.size).toBe(5);

    // The replay of the window, in two invocations: the three shipments created in it, oldest first.
    const republish = createShipmentsRepublisher({
      shipments: new DynamoShipmentHistory(docClient, table.tableName),
      publisher: createShipmentCreatedPublisher(sns, topicArn),
      ...quiet,
      pageSize: 2,
    });
    const first = await republish({ ...window, maxItems: 2 }, fakeLambdaContext());
    expect(first).toEqual({ published: 2, nextCursor: expect.any(String), correlationId: expect.any(String) });
    const second = await republish({ cursor: first.nextCursor, correlationId: first.correlationId }, fakeLambdaContext());
    expect(second).toEqual({ published: 1, correlationId: first.correlationId });

    const replayed = (await receive(queue, 3)).map((message) => parse(message.Body, message.MessageId));
    expect(replayed.map((event) => event.data.orderId).sort()).toEqual([ORDERS.early, ORDERS.lateFirstDay, ORDERS.secondDay].sort());
    for (const event of replayed) expect(event).toEqual(relayed.get(event.data.orderId));

    // The replay of given orders: the same events again; an order without a shipment is named.
    const missing = '20000000-0000-4000-8000-000000000009';
    const byOrder = await republish({ orderIds: [ORDERS.atEnd, missing, ORDERS.before] }, fakeLambdaContext());
    expect(byOrder).toEqual({ published: 2, notFound: [missing], correlationId: expect.any(String) });
    const again = (await receive(queue, 2)).map((message) => parse(message.Body, message.MessageId));
    expect(again.map((event) => event.data.orderId).sort()).toEqual([ORDERS.atEnd, ORDERS.before].sort());
    for (const event of again) expect(event).toEqual(relayed.get(event.data.orderId));
  });
});
