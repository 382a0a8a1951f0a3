import './testing/lambda-env';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { MESSAGE_TYPE_ATTRIBUTE, unwrapMessageBody } from '@shop/messaging';
import { PRODUCT_CHANGED, ProductChangedSchema, type ProductChanged } from '@shop/product-contracts';
import {
  adminClaims,
  apiGatewayProxyEvent,
  type ApiRequest,
  fakeLambdaContext,
  fauxqsEndpoint,
  topicSubscriber,
  useTestTable,
} from '@shop/testing';
import { createProductChangedPublisher } from '../adapters/product-changed.publisher';
import { DynamoProductRepository } from '../adapters/product.repository';
import { republishedEventId } from '../domain/republish-catalog.use-case';
import { mugInput } from '../domain/testing/product-fixtures';
import { createCatalogRepublisher } from './republish-events.handler';
import { createProductApi } from './router.handler';

// The catalog replay end to end on the emulators: products written through the router into
// DynamoDB Local, the replay scans them and publishes through the relay's publisher to a fauxqs
// topic, and a subscription shaped like basket's (raw delivery, `type = ProductChanged`) receives
// one valid envelope per current product, across two invocations joined by the cursor.

const docClient = createDocumentClient();
const table = useTestTable(undefined, { prefix: 'product' });
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

const products = () => new DynamoProductRepository(docClient, table.tableName);

const call = async (request: ApiRequest) => {
  const api = createProductApi({
    products: products(),
    clock: { now: () => new Date() },
    logger: { debug: jest.fn(), error: jest.fn() },
    metrics: { addMetric: jest.fn() },
  });
  const admin = { ...request, claims: adminClaims(), headers: { 'x-correlation-id': 'corr-setup', ...request.headers } };
  return (await api(apiGatewayProxyEvent(admin), fakeLambdaContext())).statusCode;
};

const republisher = (topicArn: string) =>
  createCatalogRepublisher({
    products: products(),
    publisher: createProductChangedPublisher(sns, topicArn),
    logger: { info: jest.fn(), debug: jest.fn() },
    metrics: { addMetric: jest.fn() },
  });

const parse = (body: string | undefined, messageId?: string): ProductChanged =>
  ProductChangedSchema.parse(unwrapMessageBody(body ?? '', messageId));

describe('republish-catalog on DynamoDB Local and fauxqs: product table -> replay -> product topic -> subscribers', () => {
  it('delivers one ProductChanged per current product to a basket-shaped subscription, over two invocations joined by the cursor', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `product-events-${Date.now()}` }));
    const topicArn = TopicArn as string;
    const basketQueue = await subscribedQueue(topicArn, 'basket-product-events', { [MESSAGE_TYPE_ATTRIBUTE]: [PRODUCT_CHANGED] });

    for (const sku of ['RP-INT-1', 'RP-INT-2', 'RP-INT-3', 'RP-GONE-1'])
      expect(await call({ method: 'POST', body: mugInput({ sku }) })).toBe(201);
    const changes = { name: 'Big mug', description: 'A big mug.', category: 'mugs', price: { amount: 1599, currency: 'EUR' } };
    expect(await call({ method: 'PUT', path: '/RP-INT-2', headers: { 'if-match': '"1"' }, body: changes })).toBe(200);
    expect(await call({ method: 'DELETE', path: '/RP-GONE-1' })).toBe(204);
    // Items of other types share the table: none of them is a product to republish.
    await docClient.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'SETTINGS#catalog', sk: 'SETTINGS' } }));
    await docClient.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'PRODUCT#RP-INT-1', sk: 'AUDIT#1' } }));

    const republish = republisher(topicArn);
    const first = await republish({ maxItems: 2 }, fakeLambdaContext());
    expect(first).toEqual({ published: 2, nextCursor: expect.any(String), correlationId: expect.any(String) });
    const second = await republish({ cursor: first.nextCursor, correlationId: first.correlationId }, fakeLambdaContext());
    expect(second).toEqual({ published: 1, correlationId: first.correlationId });

    const messages = await receive(basketQueue, 3);
    const events = messages.map((message) => parse(message.Body, message.MessageId));
    expect(events.map((event) => event.data.product.sku).sort()).toEqual(['RP-INT-1', 'RP-INT-2', 'RP-INT-3']);
    expect(events.every((event) => event.data.change === 'updated' && event.correlationId === first.correlationId)).toBe(true);
    const stored = await Promise.all(['RP-INT-1', 'RP-INT-2', 'RP-INT-3'].map(async (sku) => products().get(sku)));
    expect(Object.fromEntries(events.map((event) => [event.data.product.sku, event.data.product]))).toEqual(
      Object.fromEntries(stored.map((product) => [product?.sku, product])),
    );
    expect(events.find((event) => event.data.product.sku === 'RP-INT-2')?.data.product).toMatchObject({ name: 'Big mug', version: 2 });
    for (const message of messages) {
      expect(message.MessageAttributes).toEqual({
        type: { DataType: 'String', StringValue: 'ProductChanged' },
        correlationId: { DataType: 'String', StringValue: first.correlationId },
        change: { DataType: 'String', StringValue: 'updated' },
      });
    }

    // Running the replay again republishes the same events, with the same ids, under a new correlation id.
    const again = await republish({}, fakeLambdaContext());
    expect(again).toEqual({ published: 3, correlationId: expect.any(String) });
    expect(again.correlationId).not.toBe(first.correlationId);
    const replayed = (await receive(basketQueue, 3)).map((message) => parse(message.Body, message.MessageId));
    expect(replayed.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    expect(replayed.map((event) => event.id).sort()).toEqual(
      stored.flatMap((product) => (product ? [republishedEventId(product)] : [])).sort(),
    );
  });
});
