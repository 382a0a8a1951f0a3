import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { EventSourceMappingDef } from '../assembly/model';
import type { InvokeOutcome } from '../lambda/function-pool';
import { memoryLogger } from '../log';
import { failedIdentifiers } from './batch-result';
import { SqsPoller, toSnsEvent, toSqsEvent } from './sqs-poller';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders';
const QUEUE_URL = 'http://127.0.0.1:4566/000000000000/orders';

const mapping = (overrides: Partial<EventSourceMappingDef> = {}): EventSourceMappingDef => ({
  service: 'demo',
  stackName: 'demo',
  logicalId: 'OrdersMapping',
  uuid: 'u',
  functionName: 'consumer',
  eventSourceArn: QUEUE_ARN,
  kind: 'sqs',
  enabled: true,
  batchSize: 10,
  batchingWindowSeconds: 0,
  reportBatchItemFailures: true,
  startingPosition: 'LATEST',
  maximumRetryAttempts: -1,
  bisectBatchOnFunctionError: false,
  filterPatterns: [],
  ...overrides,
});

const message = (id: string, body = `{"id":"${id}"}`): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: body,
  MD5OfBody: 'md5',
  Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: '000000000000', ApproximateFirstReceiveTimestamp: '1700000000001' },
  MessageAttributes: { type: { DataType: 'String', StringValue: 'OrderPlaced' } },
  MD5OfMessageAttributes: 'md5attrs',
});

const ok = (payload: unknown = null): InvokeOutcome => ({ requestId: 'r', ok: true, payload, durationMs: 1 });
const failed: InvokeOutcome = { requestId: 'r', ok: false, kind: 'handled', error: { errorType: 'Error', errorMessage: 'x' }, durationMs: 1 };

const sqsMock = mockClient(SQSClient);

beforeEach(() => sqsMock.reset());

function poller(def: EventSourceMappingDef, outcome: InvokeOutcome) {
  const invoke = jest.fn().mockResolvedValue(outcome);
  const sqs = new SQSClient({ region: 'us-east-1' });
  return { invoke, poller: new SqsPoller(def, { sqs, invoke, logger: memoryLogger() }, { queueUrl: QUEUE_URL, waitTimeSeconds: 0 }) };
}

const deletedIds = () => sqsMock.commandCalls(DeleteMessageBatchCommand).flatMap((call) => (call.args[0].input.Entries ?? []).map((entry) => entry.ReceiptHandle));

describe('SqsPoller', () => {
  it('receives a batch, invokes the function once with an SQS event and deletes the batch on success', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [message('m1'), message('m2')] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    const { invoke, poller: subject } = poller(mapping(), ok());
    expect(await subject.pollOnce(new AbortController().signal)).toBe(2);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke.mock.calls[0][0]).toEqual(toSqsEvent([message('m1'), message('m2')], QUEUE_ARN));
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0].args[0].input).toEqual(
      expect.objectContaining({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    );
    expect(deletedIds()).toEqual(['rh-m1', 'rh-m2']);
  });

  it('deletes only the messages not reported in batchItemFailures', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [message('m1'), message('m2'), message('m3')] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    const { poller: subject } = poller(mapping(), ok({ batchItemFailures: [{ itemIdentifier: 'm2' }] }));
    await subject.pollOnce(new AbortController().signal);
    expect(deletedIds()).toEqual(['rh-m1', 'rh-m3']);
  });

  it('deletes nothing when the function fails (the messages come back after the visibility timeout)', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [message('m1'), message('m2')] });
    const { poller: subject } = poller(mapping(), failed);
    await subject.pollOnce(new AbortController().signal);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it('ignores batchItemFailures when the mapping does not report partial failures', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [message('m1'), message('m2')] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    const { poller: subject } = poller(mapping({ reportBatchItemFailures: false }), ok({ batchItemFailures: [{ itemIdentifier: 'm2' }] }));
    await subject.pollOnce(new AbortController().signal);
    expect(deletedIds()).toEqual(['rh-m1', 'rh-m2']);
  });

  it('keeps receiving until the batch is full or the batching window closes', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('m1'), message('m2')] })
      .resolvesOnce({ Messages: [message('m3')] })
      .resolves({ Messages: [] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    const { invoke, poller: subject } = poller(mapping({ batchSize: 3, batchingWindowSeconds: 1 }), ok());
    await subject.pollOnce(new AbortController().signal);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect((invoke.mock.calls[0][0] as { Records: unknown[] }).Records).toHaveLength(3);
    expect(sqsMock.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input.MaxNumberOfMessages)).toEqual([3, 1]);
  });

  it('passes the correlation id of the first message to the invocation log', async () => {
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [message('m1', '{"correlationId":"cid-7","data":{}}')] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    const { invoke, poller: subject } = poller(mapping(), ok());
    await subject.pollOnce(new AbortController().signal);
    expect(invoke.mock.calls[0][1]).toEqual({ correlationId: 'cid-7', source: 'sqs×1' });
  });
});

describe('toSqsEvent', () => {
  it('shapes records as Lambda does', () => {
    expect(toSqsEvent([message('m1')], QUEUE_ARN)).toEqual({
      Records: [
        {
          messageId: 'm1',
          receiptHandle: 'rh-m1',
          body: '{"id":"m1"}',
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: '000000000000', ApproximateFirstReceiveTimestamp: '1700000000001' },
          messageAttributes: { type: { stringValue: 'OrderPlaced', binaryValue: undefined, stringListValues: [], binaryListValues: [], dataType: 'String' } },
          md5OfBody: 'md5',
          md5OfMessageAttributes: 'md5attrs',
          eventSource: 'aws:sqs',
          eventSourceARN: QUEUE_ARN,
          awsRegion: 'us-east-1',
        },
      ],
    });
  });
});

describe('toSnsEvent', () => {
  it('turns an SNS envelope into the SNS event Lambda gets', () => {
    const envelope = {
      Type: 'Notification',
      MessageId: 'sns-1',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:events',
      Message: '{"a":1}',
      Timestamp: '2025-01-01T00:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'sig',
      SigningCertURL: 'https://cert',
      UnsubscribeURL: 'https://unsub',
      MessageAttributes: { type: { Type: 'String', Value: 'X' } },
    };
    expect(toSnsEvent(message('m1', JSON.stringify(envelope)), 'arn:sub').Records[0]).toEqual({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:sub',
      Sns: expect.objectContaining({ MessageId: 'sns-1', Message: '{"a":1}', SigningCertUrl: 'https://cert', UnsubscribeUrl: 'https://unsub', MessageAttributes: { type: { Type: 'String', Value: 'X' } } }),
    });
  });
});

describe('failedIdentifiers', () => {
  const ids = ['a', 'b', 'c'];
  it.each([
    ['the invocation failed', failed, ['a', 'b', 'c']],
    ['no report', ok(null), []],
    ['an empty list', ok({ batchItemFailures: [] }), []],
    ['a null list', ok({ batchItemFailures: null }), []],
    ['two failures', ok({ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'c' }] }), ['a', 'c']],
    ['an empty identifier (whole batch fails)', ok({ batchItemFailures: [{ itemIdentifier: '' }] }), ['a', 'b', 'c']],
    ['an unknown identifier (whole batch fails)', ok({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }), ['a', 'b', 'c']],
    ['a list that is not a list (whole batch fails)', ok({ batchItemFailures: 'oops' }), ['a', 'b', 'c']],
  ])('%s', (_case, outcome, expected) => {
    expect([...failedIdentifiers(outcome, ids, true)]).toEqual(expected);
  });
});
