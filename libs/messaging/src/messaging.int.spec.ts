import { createHash } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { createEnvelope, eventEnvelopeSchema } from '@shop/domain';
import { fakeLambdaContext, fauxqsEndpoint, useTestTable } from '@shop/testing';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { createMessageIdempotency, ServiceTableIdempotencyStore } from './idempotency';
import { SnsEventPublisher } from './sns-event-publisher';
import { SqsCommandSender } from './sqs-command-sender';
import { createSqsConsumer, type MessageLogger } from './sqs-consumer';

const endpoint = fauxqsEndpoint();
const clientConfig = { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const sqs = new SQSClient(clientConfig);
const sns = new SNSClient(clientConfig);

const PingSchema = eventEnvelopeSchema('Ping', 1, z.object({ n: z.int() }));
type Ping = z.infer<typeof PingSchema>;
const ping = (n: number, type = 'Ping') => createEnvelope({ type, version: 1, source: 'test', correlationId: `corr-${n}`, data: { n } });

const logger: MessageLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, setCorrelationId: () => undefined };

let counter = 0;
const createQueue = async (options: { dlqArn?: string; maxReceiveCount?: number } = {}) => {
  counter += 1;
  const name = `q-${Date.now()}-${counter}`;
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '30',
        ...(options.dlqArn && {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: options.dlqArn, maxReceiveCount: String(options.maxReceiveCount ?? 2) }),
        }),
      },
    }),
  );
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
};

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId as string,
  receiptHandle: message.ReceiptHandle as string,
  body: message.Body as string,
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? '0',
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      { dataType: value.DataType ?? 'String', stringValue: value.StringValue, stringListValues: [], binaryListValues: [] },
    ]),
  ),
  md5OfBody: message.MD5OfBody as string,
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'eu-west-1',
});

/**
 * One poll of an event source mapping: receive a batch, run the consumer, delete what succeeded
 * and make the failures visible again at once (instead of waiting out the visibility timeout).
 */
const pollOnce = async (
  queue: { url: string; arn: string },
  consume: (event: SQSEvent, context: ReturnType<typeof fakeLambdaContext>) => Promise<SQSBatchResponse>,
): Promise<{ received: number; failed: string[] }> => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  if (Messages.length === 0) return { received: 0, failed: [] };
  const response = await consume({ Records: Messages.map((message) => toRecord(message, queue.arn)) }, fakeLambdaContext());
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  for (const message of Messages) {
    if (failed.has(message.MessageId as string)) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }),
      );
    } else {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return { received: Messages.length, failed: [...failed] };
};

const receiveAll = async (queueUrl: string): Promise<Message[]> => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
  );
  return Messages;
};

describe('SNS topic -> filtered SQS subscription -> consumer (fauxqs)', () => {
  it('delivers only the subscribed type, and the consumer unwraps and parses it', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `topic-${Date.now()}` }));
    const queue = await createQueue();
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: { FilterPolicy: JSON.stringify({ type: ['Ping'] }) },
      }),
    );
    const publisher = new SnsEventPublisher(sns, TopicArn as string);

    await publisher.publish(ping(1));
    await publisher.publish(ping(2, 'Pong'));
    await publisher.publish(ping(3));

    const seen: Ping[] = [];
    const consume = createSqsConsumer({ schema: PingSchema, handle: async (message) => void seen.push(message), logger });
    let received = 0;
    for (let attempt = 0; attempt < 5 && received < 2; attempt += 1) received += (await pollOnce(queue, consume)).received;

    expect(seen.map((message) => message.data.n).sort()).toEqual([1, 3]);
    expect(seen[0]?.correlationId).toMatch(/^corr-[13]$/);
  });
});

describe('command queue (fauxqs)', () => {
  it('carries a command sent with SendMessage, its type and correlation id as attributes', async () => {
    const queue = await createQueue();

    await new SqsCommandSender(sqs, queue.url).send(ping(5));

    const [message] = await receiveAll(queue.url);
    expect(JSON.parse(message?.Body ?? '{}')).toEqual(expect.objectContaining({ type: 'Ping', data: { n: 5 } }));
    expect(message?.MessageAttributes?.type?.StringValue).toBe('Ping');
    expect(message?.MessageAttributes?.correlationId?.StringValue).toBe('corr-5');
  });

  it('dead-letters a message that breaks its contract after maxReceiveCount, while good ones flow', async () => {
    const dlq = await createQueue();
    const queue = await createQueue({ dlqArn: dlq.arn, maxReceiveCount: 2 });
    const sender = new SqsCommandSender(sqs, queue.url);
    const seen: number[] = [];
    const consume = createSqsConsumer({ schema: PingSchema, handle: async (message) => void seen.push(message.data.n), logger });

    await sender.send({ ...ping(1), data: { n: 'poison' } } as never);
    await sender.send(ping(2));
    for (let attempt = 0; attempt < 5; attempt += 1) await pollOnce(queue, consume);

    expect(seen).toEqual([2]);
    const dead = await receiveAll(dlq.url);
    expect(dead.map((message) => JSON.parse(message.Body ?? '{}').data)).toEqual([{ n: 'poison' }]);
  });
});

describe('idempotent consumer (DynamoDB Local)', () => {
  const table = useTestTable();

  it('runs the handler once for two deliveries of one business key and records it in the table', async () => {
    const queue = await createQueue();
    const client = new DynamoDBClient({});
    const store = new ServiceTableIdempotencyStore({ tableName: table.tableName, client });
    const seen: string[] = [];
    const consume = createSqsConsumer({
      schema: PingSchema,
      handle: async (message) => void seen.push(message.id),
      logger,
      idempotency: createMessageIdempotency({ store, consumer: 'test.ping', keyPath: 'data.n' }),
    });
    const sender = new SqsCommandSender(sqs, queue.url);

    // Two different envelopes about the same business key (n = 9): the second is a duplicate.
    await sender.send(ping(9));
    await sender.send(ping(9));
    for (let attempt = 0; attempt < 3; attempt += 1) await pollOnce(queue, consume);

    expect(seen).toHaveLength(1);
    const stored = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: { pk: { S: `IDEMPOTENCY#test.ping#${createHash('md5').update('9').digest('base64')}` }, sk: { S: 'IDEMPOTENCY' } },
        ConsistentRead: true,
      }),
    );
    expect(stored.Item?.status).toEqual({ S: 'COMPLETED' });
    expect(Number(stored.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
  });
});
