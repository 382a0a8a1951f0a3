import './testing/lambda-env';
import type { ProductChanged } from '@shop/product-contracts';
import { dynamoDbStreamEvent, fakeLambdaContext, withoutEnv, type StreamChangeInput } from '@shop/testing';
import type { ProductEventPublisher } from '../domain/ports';
import { mugProduct } from '../domain/testing/product-fixtures';
import { createProductChangesPublisher } from './publish-changes.handler';

/** Records what it publishes; fails for the skus it is told to (a topic that refuses them). */
class FakePublisher implements ProductEventPublisher {
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
  const publish = createProductChangesPublisher({
    publisher,
    logger: { info: jest.fn(), debug: jest.fn() },
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { publisher, metrics, publish };
};

describe('createProductChangesPublisher', () => {
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
    expect(metrics).toEqual(['ProductChangedPublished', 'ProductChangedPublished']);
  });

  it('reports the records it could not publish, by sequence number, and publishes the others', async () => {
    const { publisher, publish } = setup(['MUG-002']);

    const result = await publish(
      dynamoDbStreamEvent([insert('MUG-001', '101'), insert('MUG-002', '102'), insert('MUG-003', '103')]),
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    expect(publisher.published.map((event) => event.data.product.sku)).toEqual(['MUG-001', 'MUG-003']);
  });

  it('reports an invalid product record as failed rather than dropping it', async () => {
    const { publisher, publish } = setup();
    const bad = insert('MUG-009', '109');
    const result = await publish(
      dynamoDbStreamEvent([
        insert('MUG-001', '101'),
        { ...bad, newImage: { ...bad.newImage, price: { amount: 1.5, currency: 'EUR' } } },
      ]),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '109' }] });
    expect(publisher.published).toHaveLength(1);
  });

  it('throws when the whole batch fails, so Lambda retries it', async () => {
    const { publish } = setup(['MUG-001']);
    await expect(publish(dynamoDbStreamEvent([insert('MUG-001', '101')]))).rejects.toThrow();
  });

  it('ignores records of other item types', async () => {
    const { publisher, publish } = setup();
    const other = { pk: 'OTHER#1', sk: 'OTHER' };
    const result = await publish(dynamoDbStreamEvent([{ eventName: 'INSERT', keys: other, newImage: other }]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(publisher.published).toEqual([]);
  });
});

describe('handler', () => {
  it('fails at cold start, with a named error, when TOPIC_ARN is missing', () => {
    withoutEnv('TOPIC_ARN', () =>
      jest.isolateModules(() => {
        expect(() => require('./publish-changes.handler')).toThrow('Environment variable TOPIC_ARN is required but not set.');
      }),
    );
  });

  it('answers an empty batch without publishing', async () => {
    const { handler } = await import('./publish-changes.handler');
    await expect(handler({ Records: [] }, fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });
});
