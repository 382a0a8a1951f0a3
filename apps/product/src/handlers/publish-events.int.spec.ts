import './testing/lambda-env';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '@shop/dynamodb';
import { nameBasedId } from '@shop/domain';
import { MESSAGE_TYPE_ATTRIBUTE, unwrapMessageBody } from '@shop/messaging';
import { PRODUCT_CHANGED, ProductChangedSchema, type ProductChanged } from '@shop/product-contracts';
import {
  adminClaims,
  apiGatewayProxyEvent,
  type ApiRequest,
  dynamoDbLocalEndpoint,
  fakeLambdaContext,
  fauxqsEndpoint,
  topicSubscriber,
  useTestTable,
} from '@shop/testing';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoProductRepository } from '../adapters/product.repository';
import { mugInput } from '../domain/testing/product-fixtures';
import { createProductChangedPublisher } from '../adapters/product-changed.publisher';
import { createProductChangesRelay } from './publish-events.handler';
import { createProductApi } from './router.handler';

// The whole outbox path: the router writes DynamoDB Local, the table's real stream is read, the
// relay publishes through the product's SnsEventPublisher to a fauxqs topic, and a subscription shaped like
// basket's (raw delivery, filter policy `type = ProductChanged`) receives the envelopes.

const docClient = createDocumentClient();
const table = useTestTable(undefined, { prefix: 'product' });
const messagingConfig = {
  endpoint: fauxqsEndpoint(),
  region: 'eu-west-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
const sns = new SNSClient(messagingConfig);
const sqs = new SQSClient(messagingConfig);

afterAll(() => {
  docClient.destroy();
  sns.destroy();
  sqs.destroy();
});

/** A raw DynamoDB / DynamoDB Streams JSON call to DynamoDB Local (the SDK has no streams client installed). */
const dynamoDbLocalCall = async <T>(target: string, body: unknown): Promise<T> => {
  const response = await fetch(dynamoDbLocalEndpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      // Same access key and region as the tests' SDK clients, so DynamoDB Local shows the same database.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20250101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const payload = (await response.json()) as T;
  if (!response.ok) throw new Error(`${target} failed: ${JSON.stringify(payload)}`);
  return payload;
};

/** Every record of the table's stream so far, as Lambda's event source mapping would hand them over. */
const readTableStream = async (tableName: string): Promise<DynamoDBStreamEvent> => {
  const { Table } = await dynamoDbLocalCall<{ Table: { LatestStreamArn: string } }>('DynamoDB_20120810.DescribeTable', {
    TableName: tableName,
  });
  const streamArn = Table.LatestStreamArn;
  const { StreamDescription } = await dynamoDbLocalCall<{ StreamDescription: { Shards: { ShardId: string }[] } }>(
    'DynamoDBStreams_20120810.DescribeStream',
    { StreamArn: streamArn },
  );
  const records: DynamoDBRecord[] = [];
  for (const { ShardId } of StreamDescription.Shards) {
    let { ShardIterator } = await dynamoDbLocalCall<{ ShardIterator?: string }>('DynamoDBStreams_20120810.GetShardIterator', {
      StreamArn: streamArn,
      ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    while (ShardIterator) {
      const page = await dynamoDbLocalCall<{ Records: DynamoDBRecord[]; NextShardIterator?: string }>(
        'DynamoDBStreams_20120810.GetRecords',
        {
          ShardIterator,
        },
      );
      records.push(...page.Records.map((record) => ({ ...record, eventSourceARN: streamArn })));
      ShardIterator = page.Records.length > 0 ? page.NextShardIterator : undefined;
    }
  }
  return { Records: records };
};

const { subscribedQueue, receive } = topicSubscriber(sns, sqs);

const api = () =>
  createProductApi({
    products: new DynamoProductRepository(docClient, table.tableName),
    clock: { now: () => new Date() },
    logger: { debug: jest.fn(), error: jest.fn() },
    metrics: { addMetric: jest.fn() },
  });
const asAdmin = (request: ApiRequest, correlationId: string): ApiRequest => ({
  ...request,
  claims: adminClaims(),
  headers: { 'x-correlation-id': correlationId, ...request.headers },
});
const call = async (request: ApiRequest) => (await api()(apiGatewayProxyEvent(request), fakeLambdaContext())).statusCode;

describe('publish-changes on DynamoDB Local and fauxqs: router write -> table stream -> product topic -> subscribers', () => {
  it('delivers one ProductChanged per write to a basket-shaped subscription, with ids stable across a retry', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `product-events-${Date.now()}` }));
    const basketQueue = await subscribedQueue(TopicArn as string, 'basket-product-events', { [MESSAGE_TYPE_ATTRIBUTE]: [PRODUCT_CHANGED] });
    const deletionsQueue = await subscribedQueue(TopicArn as string, 'product-deletions', { change: ['deleted'] });

    expect(await call(asAdmin({ method: 'POST', body: mugInput({ sku: 'PC-INT-1' }) }, 'corr-create'))).toBe(201);
    const changes = { name: 'Big mug', description: 'A big mug.', category: 'mugs', price: { amount: 1599, currency: 'EUR' } };
    expect(await call(asAdmin({ method: 'PUT', path: '/PC-INT-1', headers: { 'if-match': '"1"' }, body: changes }, 'corr-update'))).toBe(
      200,
    );
    expect(await call(asAdmin({ method: 'DELETE', path: '/PC-INT-1' }, 'corr-delete'))).toBe(204);

    const batch = await readTableStream(table.tableName);
    expect(batch.Records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);

    const relay = createProductChangesRelay({
      publisher: createProductChangedPublisher(sns, TopicArn as string),
      logger: { debug: jest.fn(), info: jest.fn() },
      metrics: { addMetric: jest.fn() },
    });
    expect(await relay(batch)).toEqual({ batchItemFailures: [] });

    const messages = await receive(basketQueue, 3);
    const events = messages.map((message) => ProductChangedSchema.parse(unwrapMessageBody(message.Body ?? '', message.MessageId)));
    const byChange = Object.fromEntries(events.map((event) => [event.data.change, event]));
    expect(events).toHaveLength(3);
    expect(byChange.created).toMatchObject({
      source: 'product',
      correlationId: 'corr-create',
      data: { product: { sku: 'PC-INT-1', version: 1 } },
    });
    expect(byChange.updated).toMatchObject({ correlationId: 'corr-update', data: { product: { name: 'Big mug', version: 2 } } });
    // A delete cannot stamp the item it removes: it carries the last write's correlation id.
    expect(byChange.deleted).toMatchObject({ correlationId: 'corr-update', data: { product: { version: 2 } } });
    expect(events.map((event) => event.id).sort()).toEqual(
      batch.Records.map((record) => nameBasedId(`${record.eventSourceARN}#${record.eventID}`)).sort(),
    );
    for (const message of messages) {
      const event = ProductChangedSchema.parse(JSON.parse(message.Body ?? '{}'));
      expect(message.MessageAttributes).toEqual({
        type: { DataType: 'String', StringValue: 'ProductChanged' },
        correlationId: { DataType: 'String', StringValue: event.correlationId },
        change: { DataType: 'String', StringValue: event.data.change },
      });
    }

    const deletions = await receive(deletionsQueue, 1);
    expect(deletions.map((message) => (JSON.parse(message.Body ?? '{}') as ProductChanged).data.change)).toEqual(['deleted']);

    // Lambda redelivers a failed record as is: the republished event has the same id.
    expect(await relay({ Records: batch.Records.slice(0, 1) })).toEqual({ batchItemFailures: [] });
    const [again] = await receive(basketQueue, 1);
    expect(ProductChangedSchema.parse(JSON.parse(again?.Body ?? '{}')).id).toBe(byChange.created?.id);
  });
});
