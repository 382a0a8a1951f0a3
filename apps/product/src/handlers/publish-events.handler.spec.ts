import './testing/lambda-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { nameBasedId } from '@shop/domain';
import type { EventPublisher } from '@shop/messaging';
import { PRODUCT_CONTRACTS, ProductChangedSchema, type ProductChanged } from '@shop/product-contracts';
import { DEFAULT_STREAM_ARN, dynamoDbStreamEvent, fakeLambdaContext, withoutEnv, type StreamChangeInput } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { mugProduct } from '../domain/testing/product-fixtures';
import { productChangedAttributes } from '../adapters/product-changed.publisher';
import { createProductChangesRelay } from './publish-events.handler';

/** Records what it publishes; fails for the skus it is told to (a topic that refuses them). */
class FakePublisher implements EventPublisher<ProductChanged> {
  readonly published: ProductChanged[] = [];
  constructor(private readonly failingSkus: readonly string[] = []) {}

  async publish(event: ProductChanged): Promise<void> {
    if (this.failingSkus.includes(event.data.product.sku)) throw new Error('SNS unavailable');
    this.published.push(event);
  }
}

const insert = (sku: string, sequenceNumber: string): StreamChangeInput => {
  const keys = { pk: `PRODUCT#${sku}`, sk: 'PRODUCT' };
  return {
    eventName: 'INSERT',
    keys,
    newImage: { ...keys, ...mugProduct({ sku }), correlationId: `corr-${sku}` },
    sequenceNumber,
  };
};

const setup = (failingSkus: string[] = []) => {
  const publisher = new FakePublisher(failingSkus);
  const metrics: string[] = [];
  const publish = createProductChangesRelay({
    publisher,
    logger: { info: jest.fn(), debug: jest.fn() },
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { publisher, metrics, publish };
};

describe('createProductChangesRelay', () => {
  it('publishes one ProductChanged per product record, in stream order, reporting no failures', async () => {
    const { publisher, metrics, publish } = setup();
    const keys = { pk: 'PRODUCT#MUG-002', sk: 'PRODUCT' };

    const result = await publish(
      dynamoDbStreamEvent([
        insert('MUG-001', '101'),
        { eventName: 'REMOVE', keys, oldImage: { ...keys, ...mugProduct({ sku: 'MUG-002' }), correlationId: 'c-2' } },
      ]),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(publisher.published.map((event) => [event.data.change, event.data.product.sku, event.correlationId])).toEqual([
      ['created', 'MUG-001', 'corr-MUG-001'],
      ['deleted', 'MUG-002', 'c-2'],
    ]);
    expect(publisher.published.every((event) => ProductChangedSchema.safeParse(event).success)).toBe(true);
    expect(metrics).toEqual(['ProductChangedPublished', 'ProductChangedPublished']);
  });

  it('stops at the first record it could not publish: reports it and every later one by sequence number, publishing none of them', async () => {
    const { publisher, publish } = setup(['MUG-002']);

    const result = await publish(dynamoDbStreamEvent([insert('MUG-001', '101'), insert('MUG-002', '102'), insert('MUG-003', '103')]));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }, { itemIdentifier: '103' }] });
    expect(publisher.published.map((event) => event.data.product.sku)).toEqual(['MUG-001']);
  });

  it('republishes a retried record with the same event id, derived from the record', async () => {
    const batch = dynamoDbStreamEvent([insert('MUG-001', '101')]);
    const down = setup(['MUG-001']);
    const up = setup();

    expect(await down.publish(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
    expect(await up.publish(batch)).toEqual({ batchItemFailures: [] });

    expect(up.publisher.published.map((event) => event.id)).toEqual([nameBasedId(`${DEFAULT_STREAM_ARN}#${batch.Records[0]?.eventID}`)]);
  });

  it('reports an invalid product record as failed rather than dropping it', async () => {
    const { publisher, publish } = setup();
    const bad = insert('MUG-009', '109');
    const result = await publish(
      dynamoDbStreamEvent([insert('MUG-001', '101'), { ...bad, newImage: { ...bad.newImage, price: { amount: 1.5, currency: 'EUR' } } }]),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '109' }] });
    expect(publisher.published).toHaveLength(1);
  });

  it('reports every record when the whole batch fails (Lambda retries from the first), without throwing', async () => {
    const { publish } = setup(['MUG-001', 'MUG-002']);
    await expect(publish(dynamoDbStreamEvent([insert('MUG-001', '101'), insert('MUG-002', '102')]))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: '101' }, { itemIdentifier: '102' }],
    });
  });

  it('ignores records of other item types', async () => {
    const { publisher, publish } = setup();
    const other = { pk: 'OTHER#1', sk: 'OTHER' };
    const result = await publish(dynamoDbStreamEvent([{ eventName: 'INSERT', keys: other, newImage: other }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(publisher.published).toEqual([]);
  });
});

describe('productChangedAttributes', () => {
  it.each(['created', 'updated', 'deleted'] as const)('adds the change (%s)', (change) => {
    const event = { data: { change, product: mugProduct() } } as ProductChanged;
    expect(productChangedAttributes(event)).toEqual({ change });
  });

  it('sets exactly the attributes the contract declares (src/producer.ts: the AsyncAPI headers)', () => {
    const event = { data: { change: 'created', product: mugProduct() } } as ProductChanged;
    const [declared] = PRODUCT_CONTRACTS.channels.productEvents.messages;
    expect(Object.keys(productChangedAttributes(event))).toEqual(Object.keys(declared.attributes));
  });
});

describe('handler', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('publishes the JSON envelope to the product topic with type, correlation id and change attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await import('./publish-events.handler');
    const batch = dynamoDbStreamEvent([insert('MUG-001', '101')]);

    await expect(handler(batch, fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(process.env.TOPIC_ARN);
    expect(input?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'ProductChanged' },
      correlationId: { DataType: 'String', StringValue: 'corr-MUG-001' },
      change: { DataType: 'String', StringValue: 'created' },
    });
    expect(ProductChangedSchema.parse(JSON.parse(input?.Message ?? '{}'))).toEqual({
      id: nameBasedId(`${DEFAULT_STREAM_ARN}#${batch.Records[0]?.eventID}`),
      type: 'ProductChanged',
      version: 1,
      source: 'product',
      time: new Date((batch.Records[0]?.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString(),
      correlationId: 'corr-MUG-001',
      data: { change: 'created', product: mugProduct() },
    });
  });

  it('reports the record when SNS refuses it, so nothing is lost', async () => {
    sns.on(PublishCommand).rejects(new Error('topic unavailable'));
    const { handler } = await import('./publish-events.handler');

    await expect(handler(dynamoDbStreamEvent([insert('MUG-001', '101')]), fakeLambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: '101' }],
    });
  });

  it('answers an empty batch without publishing', async () => {
    const { handler } = await import('./publish-events.handler');
    await expect(handler({ Records: [] }, fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('fails at cold start, with a named error, when TOPIC_ARN is missing', () => {
    withoutEnv('TOPIC_ARN', () =>
      jest.isolateModules(() => {
        expect(() => require('./publish-events.handler')).toThrow('Environment variable TOPIC_ARN is required but not set.');
      }),
    );
  });
});
