import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { createEnvelope, eventEnvelopeSchema } from '@shop/domain';
import { fakeLambdaContext, marshallItem, sqsEvent, sqsEventFromSns } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import * as z from 'zod';
import { createMessageIdempotency, ServiceTableIdempotencyStore } from './idempotency';
import { createSqsConsumer, type MessageLogger } from './sqs-consumer';

const PingSchema = eventEnvelopeSchema('Ping', 1, z.object({ n: z.int() }));
type Ping = z.infer<typeof PingSchema>;

const ping = (n: number, correlationId = `corr-${n}`): Ping =>
  createEnvelope({ type: 'Ping', version: 1, source: 'test', correlationId, data: { n } });

const fakeLogger = () => {
  const correlationIds: unknown[] = [];
  const logger: MessageLogger = {
    debug: jest.fn(),
    info: jest.fn(),
    warn: jest.fn(),
    setCorrelationId: (value) => correlationIds.push(value),
  };
  return { logger, correlationIds };
};

/** A stored item in the SDK's AttributeValue form. */
const storedItem = (item: Record<string, unknown>) => marshallItem(item) as Record<string, AttributeValue>;

const fakeMetrics = () => ({ addMetric: jest.fn() });

describe('createSqsConsumer', () => {
  it('parses SNS-wrapped and direct messages and hands each to the handler in order', async () => {
    const seen: number[] = [];
    const { logger } = fakeLogger();
    const consume = createSqsConsumer({ schema: PingSchema, handle: async (message) => void seen.push(message.data.n), logger });

    const wrapped = await consume(sqsEventFromSns([ping(1), ping(2)]), fakeLambdaContext());
    const direct = await consume(sqsEvent([{ body: ping(3) }]), fakeLambdaContext());

    expect(wrapped).toEqual({ batchItemFailures: [] });
    expect(direct).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('reports a message that breaks its contract, and one that is not JSON, as failures; the others pass', async () => {
    const seen: number[] = [];
    const { logger } = fakeLogger();
    const metrics = fakeMetrics();
    const consume = createSqsConsumer({
      schema: PingSchema,
      handle: async (message) => void seen.push(message.data.n),
      logger,
      metrics,
    });
    const bad = { ...ping(2), data: { n: 'two' } };

    const response = await consume(
      sqsEvent([
        { body: ping(1), messageId: 'ok-1' },
        { body: bad, messageId: 'bad' },
        { body: 'not json', messageId: 'garbage' },
        { body: ping(4), messageId: 'ok-2' },
      ]),
      fakeLambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'garbage' }] });
    expect(seen).toEqual([1, 4]);
    expect(logger.warn).toHaveBeenCalledWith(
      'A message failed; it will be retried, then dead-lettered',
      expect.objectContaining({
        messageId: 'bad',
        error: expect.objectContaining({ name: 'MessageValidationError', issues: [{ field: 'data.n', message: expect.any(String) }] }),
      }),
    );
    expect(metrics.addMetric).toHaveBeenCalledWith('MessagesProcessed', 'Count', 1);
    expect(metrics.addMetric).toHaveBeenCalledWith('MessagesFailed', 'Count', 1);
  });

  it('reports a record whose handler throws, and answers (not throws) when the whole batch fails', async () => {
    const { logger } = fakeLogger();
    const consume = createSqsConsumer({
      schema: PingSchema,
      handle: async () => {
        throw new Error('table unavailable');
      },
      logger,
    });

    const response = await consume(
      sqsEvent([
        { body: ping(1), messageId: 'a' },
        { body: ping(2), messageId: 'b' },
      ]),
      fakeLambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }] });
  });

  it('sets each envelope correlation id on the logger before handling it', async () => {
    const { logger, correlationIds } = fakeLogger();
    const handledWith: unknown[] = [];
    const consume = createSqsConsumer({
      schema: PingSchema,
      handle: async () => void handledWith.push(correlationIds.at(-1)),
      logger,
    });

    await consume(sqsEventFromSns([ping(1, 'checkout-a'), ping(2, 'checkout-b')]), fakeLambdaContext());

    expect(handledWith).toEqual(['checkout-a', 'checkout-b']);
  });

  it('passes the record and its receive count to the handler', async () => {
    const { logger } = fakeLogger();
    const contexts: unknown[] = [];
    const consume = createSqsConsumer({ schema: PingSchema, handle: async (_m, context) => void contexts.push(context), logger });

    await consume(sqsEvent([{ body: ping(1), messageId: 'm-9', receiveCount: 3 }]), fakeLambdaContext());

    expect(contexts).toEqual([expect.objectContaining({ receiveCount: 3, record: expect.objectContaining({ messageId: 'm-9' }) })]);
  });
});

describe('createSqsConsumer with idempotency', () => {
  const dynamodb = mockClient(DynamoDBClient);
  const tableName = 'shipping-table';

  beforeEach(() => {
    dynamodb.reset();
  });

  const consumerWith = (handle: (message: Ping) => Promise<unknown>) =>
    createSqsConsumer({
      schema: PingSchema,
      handle,
      logger: fakeLogger().logger,
      idempotency: createMessageIdempotency({
        store: new ServiceTableIdempotencyStore({ tableName, client: new DynamoDBClient({ region: 'eu-west-1' }) }),
        consumer: 'test.ping',
        keyPath: 'data.n',
      }),
    });

  it('records the key with a conditional put in the service table, then marks it completed', async () => {
    dynamodb.on(PutItemCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});
    const handle = jest.fn(async () => undefined);

    const response = await consumerWith(handle)(sqsEvent([{ body: ping(7) }]), fakeLambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handle).toHaveBeenCalledTimes(1);
    const put = dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.TableName).toBe(tableName);
    expect(put?.Item?.pk?.S).toMatch(/^IDEMPOTENCY#test\.ping#[A-Za-z0-9+/]{22}==$/);
    expect(put?.Item?.sk).toEqual({ S: 'IDEMPOTENCY' });
    expect(put?.Item?.status).toEqual({ S: 'INPROGRESS' });
    expect(put?.ConditionExpression).toContain('attribute_not_exists(#id)');
    expect(put?.ExpressionAttributeNames?.['#id']).toBe('pk');
    expect(Number(put?.Item?.expiresAt?.N) - Date.now() / 1000).toBeGreaterThan(6 * 24 * 3600);
    expect(dynamodb).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { pk: put?.Item?.pk, sk: { S: 'IDEMPOTENCY' } },
    });
  });

  it('skips a message whose key was already completed, without running the handler', async () => {
    dynamodb.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'exists',
        $metadata: {},
        Item: storedItem({ pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY', status: 'COMPLETED', expiresAt: Date.now() / 1000 + 3600 }),
      }),
    );
    const handle = jest.fn(async () => undefined);

    const response = await consumerWith(handle)(sqsEvent([{ body: ping(7) }]), fakeLambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handle).not.toHaveBeenCalled();
  });

  it('fails (for a later retry) a duplicate that is still in progress elsewhere', async () => {
    dynamodb.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'exists',
        $metadata: {},
        Item: storedItem({
          pk: 'IDEMPOTENCY#x',
          sk: 'IDEMPOTENCY',
          status: 'INPROGRESS',
          expiresAt: Date.now() / 1000 + 3600,
          in_progress_expiration: Date.now() + 60_000,
        }),
      }),
    );
    const handle = jest.fn(async () => undefined);

    const response = await consumerWith(handle)(sqsEvent([{ body: ping(7), messageId: 'dup' }]), fakeLambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'dup' }] });
    expect(handle).not.toHaveBeenCalled();
  });

  it('forgets the key when the handler fails, so the retry runs it again', async () => {
    dynamodb.on(PutItemCommand).resolves({});
    dynamodb.on(DeleteItemCommand).resolves({});
    const handle = jest.fn(async () => {
      throw new Error('boom');
    });

    const response = await consumerWith(handle)(sqsEvent([{ body: ping(7), messageId: 'm' }]), fakeLambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm' }] });
    expect(dynamodb).toHaveReceivedCommandTimes(DeleteItemCommand, 1);
  });
});
