import './testing/lambda-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '@shop/domain';
import { encodeCursor } from '@shop/dynamodb';
import { ProductChangedSchema, type ProductChanged } from '@shop/product-contracts';
import { fakeLambdaContext, withoutEnv } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { toProductItem } from '../adapters/product.repository';
import type { ProductChangedPublisher } from '../domain/ports';
import { republishedEventId } from '../domain/republish-catalog.use-case';
import { InMemoryProductRepository } from '../domain/testing/in-memory-product.repository';
import { mugProduct } from '../domain/testing/product-fixtures';
import { createCatalogRepublisher } from './republish-events.handler';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class RecordingPublisher implements ProductChangedPublisher {
  readonly published: ProductChanged[] = [];
  async publish(event: ProductChanged): Promise<void> {
    this.published.push(event);
  }
}

const catalog = ['MUG-001', 'MUG-002', 'MUG-003'].map((sku) => mugProduct({ sku }));

const setup = (remainingMs = 300_000) => {
  const publisher = new RecordingPublisher();
  const metrics: string[] = [];
  const logger = { info: jest.fn(), debug: jest.fn() };
  const republish = createCatalogRepublisher({
    products: new InMemoryProductRepository(catalog),
    publisher,
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
    pageSize: 2,
    timeReserveMs: 10_000,
  });
  const invoke = (event: unknown) => republish(event, fakeLambdaContext({ getRemainingTimeInMillis: () => remainingMs }));
  return { publisher, metrics, logger, invoke };
};

describe('createCatalogRepublisher', () => {
  it('republishes the whole catalog for {} and answers the count and a new correlation id, stamped on every event', async () => {
    const { publisher, metrics, logger, invoke } = setup();

    const output = await invoke({});

    expect(output).toEqual({ published: 3, correlationId: expect.stringMatching(UUID) });
    expect(publisher.published.map((event) => [event.data.product.sku, event.data.change, event.correlationId])).toEqual(
      catalog.map((product) => [product.sku, 'updated', output.correlationId]),
    );
    expect(metrics).toEqual(['ProductChangedRepublished', 'ProductChangedRepublished', 'ProductChangedRepublished']);
    expect(logger.info).toHaveBeenLastCalledWith('Republished the catalog to its end', {
      published: 3,
      stoppedBy: 'done',
      nextCursor: undefined,
    });
  });

  it('makes a new correlation id per run, but keeps the ids of the events', async () => {
    const { publisher, invoke } = setup();
    const first = await invoke({});
    const second = await invoke({});
    expect(second.correlationId).not.toBe(first.correlationId);
    expect(publisher.published.slice(3).map((event) => event.id)).toEqual(publisher.published.slice(0, 3).map((event) => event.id));
  });

  it('answers a cursor after maxItems, and the next invocation with it and the correlation id finishes the replay', async () => {
    const { publisher, invoke } = setup();

    const first = await invoke({ maxItems: 2 });
    expect(first).toEqual({ published: 2, nextCursor: expect.any(String), correlationId: expect.stringMatching(UUID) });

    const second = await invoke({ cursor: first.nextCursor, correlationId: first.correlationId });
    expect(second).toEqual({ published: 1, correlationId: first.correlationId });
    expect(publisher.published.map((event) => event.data.product.sku)).toEqual(['MUG-001', 'MUG-002', 'MUG-003']);
    expect(new Set(publisher.published.map((event) => event.correlationId))).toEqual(new Set([first.correlationId]));
  });

  it("stops on the Lambda's remaining time (context.getRemainingTimeInMillis) and says to re-invoke", async () => {
    const { publisher, logger, invoke } = setup(5_000);

    const output = await invoke({});

    expect(output).toEqual({ published: 2, nextCursor: expect.any(String), correlationId: expect.any(String) });
    expect(publisher.published).toHaveLength(2);
    expect(logger.info).toHaveBeenLastCalledWith('Republished part of the catalog: re-invoke with the cursor', {
      published: 2,
      stoppedBy: 'time',
      nextCursor: output.nextCursor,
    });
  });

  it.each([
    ['maxItems 0', { maxItems: 0 }, 'maxItems'],
    ['an unknown field', { limit: 2 }, 'limit'],
    ['no payload', null, ''],
  ])('refuses %s with a ValidationError naming the field, publishing nothing', async (_name, payload, field) => {
    const { publisher, invoke } = setup();
    const error = await invoke(payload).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual([field]);
    expect((error as ValidationError).message).toMatch(
      /^The republish-catalog payload is not valid \(.+\); expected \{ "cursor"\?, "maxItems"\?, "correlationId"\? \}\.$/,
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

  it('scans product items of the table and publishes each to the product topic, with the relay attributes', async () => {
    const [first, second] = [mugProduct({ sku: 'MUG-001', version: 3 }), mugProduct({ sku: 'MUG-002' })] as const;
    const lastKey = { pk: 'PRODUCT#MUG-001', sk: 'PRODUCT' };
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [toProductItem(first, 'corr-w1')], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [toProductItem(second, 'corr-w2')] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await import('./republish-events.handler');

    const output = await handler({ correlationId: 'replay-2025-03' }, fakeLambdaContext());

    expect(output).toEqual({ published: 2, correlationId: 'replay-2025-03' });
    expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 2);
    expect(ddb.commandCalls(ScanCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        TableName: process.env.TABLE_NAME,
        Limit: 25,
        FilterExpression: '#sk = :sk AND begins_with(#pk, :pk)',
        ExpressionAttributeValues: { ':sk': 'PRODUCT', ':pk': 'PRODUCT#' },
        ExclusiveStartKey: undefined,
      }),
      expect.objectContaining({ ExclusiveStartKey: lastKey }),
    ]);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    const inputs = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => [input.TopicArn, input.MessageAttributes])).toEqual(
      [1, 2].map(() => [
        process.env.TOPIC_ARN,
        {
          type: { DataType: 'String', StringValue: 'ProductChanged' },
          correlationId: { DataType: 'String', StringValue: 'replay-2025-03' },
          change: { DataType: 'String', StringValue: 'updated' },
        },
      ]),
    );
    expect(ProductChangedSchema.parse(JSON.parse(inputs[0]?.Message ?? '{}'))).toEqual({
      id: republishedEventId(first),
      type: 'ProductChanged',
      version: 1,
      source: 'product',
      time: first.updatedAt,
      correlationId: 'replay-2025-03',
      data: { change: 'updated', product: first },
    });
  });

  it('answers a cursor that the next invocation resumes the Scan from', async () => {
    const lastKey = { pk: 'PRODUCT#MUG-001', sk: 'PRODUCT' };
    ddb.on(ScanCommand).resolves({ Items: [toProductItem(mugProduct(), 'c')], LastEvaluatedKey: lastKey });
    sns.on(PublishCommand).resolves({});
    const { handler } = await import('./republish-events.handler');

    const output = await handler({ maxItems: 1 }, fakeLambdaContext());
    expect(output).toEqual({ published: 1, nextCursor: encodeCursor(lastKey), correlationId: expect.stringMatching(UUID) });
    expect(ddb.commandCalls(ScanCommand)[0]?.args[0].input.Limit).toBe(1);

    ddb.reset();
    ddb.on(ScanCommand).resolves({ Items: [] });
    await expect(handler({ cursor: output.nextCursor }, fakeLambdaContext())).resolves.toMatchObject({ published: 0 });
    expect(ddb.commandCalls(ScanCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(lastKey);
  });

  it('fails, naming where to resume, when SNS refuses an event', async () => {
    ddb.on(ScanCommand).resolves({ Items: [toProductItem(mugProduct(), 'c')] });
    sns.on(PublishCommand).rejects(new Error('topic unavailable'));
    const { handler } = await import('./republish-events.handler');

    await expect(handler({ correlationId: 'replay-1' }, fakeLambdaContext())).rejects.toThrow(
      'Republishing the catalog stopped after 0 products; re-invoke with {"correlationId":"replay-1"} to resume.',
    );
  });

  it.each(['TABLE_NAME', 'TOPIC_ARN'])('fails at cold start, with a named error, when %s is missing', (name) => {
    withoutEnv(name, () =>
      jest.isolateModules(() => {
        expect(() => require('./republish-events.handler')).toThrow(`Environment variable ${name} is required but not set.`);
      }),
    );
  });
});
