import type { EventSourceMappingDef } from '../assembly/model';
import type { InvokeOutcome } from '../lambda/function-pool';
import { memoryLogger } from '../log';
import { failedIdentifiers } from './batch-result';
import { SqsPoller, toSnsEvent, toSqsEvent, type QueueMessage, type SqsQueueApi } from './sqs-poller';

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
  maximumRecordAgeSeconds: -1,
  bisectBatchOnFunctionError: false,
  filterPatterns: [],
  ...overrides,
});

const message = (id: string, body = `{"id":"${id}"}`): QueueMessage => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: body,
  MD5OfBody: 'md5',
  Attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1700000000000',
    SenderId: '000000000000',
    ApproximateFirstReceiveTimestamp: '1700000000001',
  },
  MessageAttributes: { type: { DataType: 'String', StringValue: 'OrderPlaced' } },
  MD5OfMessageAttributes: 'md5attrs',
});

const ok = (payload: unknown = null): InvokeOutcome => ({ requestId: 'r', ok: true, payload, durationMs: 1 });
const failed: InvokeOutcome = {
  requestId: 'r',
  ok: false,
  kind: 'handled',
  error: { errorType: 'Error', errorMessage: 'x' },
  durationMs: 1,
};

/** A queue that answers receives from a script (then empty, after a short long-poll) and records deletes. */
function fakeQueue(batches: QueueMessage[][]) {
  const receives: { maxNumberOfMessages: number; waitTimeSeconds: number; queueUrl: string }[] = [];
  const deleted: string[] = [];
  const queue: SqsQueueApi = {
    receiveMessages: async (request, signal) => {
      receives.push(request);
      const next = batches.shift();
      if (next) return next;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 5);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      return [];
    },
    deleteMessages: async (_queueUrl, receiptHandles) => {
      deleted.push(...receiptHandles);
    },
  };
  return { queue, receives, deleted };
}

function poller(def: EventSourceMappingDef, outcome: InvokeOutcome, batches: QueueMessage[][], options: { concurrency?: number } = {}) {
  const invoke = jest.fn().mockResolvedValue(outcome);
  const fake = fakeQueue(batches);
  const subject = new SqsPoller(
    def,
    { queue: fake.queue, invoke, logger: memoryLogger() },
    { queueUrl: QUEUE_URL, waitTimeSeconds: 0, ...options },
  );
  return { invoke, poller: subject, ...fake };
}

describe('SqsPoller', () => {
  it('receives a batch, invokes the function once with an SQS event and deletes the batch on success', async () => {
    const { invoke, poller: subject, receives, deleted } = poller(mapping(), ok(), [[message('m1'), message('m2')]]);
    expect(await subject.pollOnce(new AbortController().signal)).toBe(2);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke.mock.calls[0][0]).toEqual(toSqsEvent([message('m1'), message('m2')], QUEUE_ARN));
    expect(receives[0]).toEqual({ queueUrl: QUEUE_URL, maxNumberOfMessages: 10, waitTimeSeconds: 0 });
    expect(deleted).toEqual(['rh-m1', 'rh-m2']);
  });

  it('applies FilterCriteria: deletes the messages no filter matches without invoking, delivers the others', async () => {
    const filterPatterns = [JSON.stringify({ body: { id: [{ prefix: 'keep' }] } }), JSON.stringify({ body: ['plain keep'] })];
    const {
      invoke,
      poller: subject,
      deleted,
    } = poller(mapping({ filterPatterns }), ok(), [
      [message('keep-1'), message('drop-1'), message('plain', 'plain keep'), message('text', 'not json')],
    ]);
    await subject.pollOnce(new AbortController().signal);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke.mock.calls[0][0]).toEqual(toSqsEvent([message('keep-1'), message('plain', 'plain keep')], QUEUE_ARN));
    expect(deleted.sort()).toEqual(['rh-drop-1', 'rh-keep-1', 'rh-plain', 'rh-text']);
  });

  it('does not invoke at all when no message of the batch matches', async () => {
    const filterPatterns = [JSON.stringify({ body: { id: ['nothing'] } })];
    const { invoke, poller: subject, deleted } = poller(mapping({ filterPatterns }), ok(), [[message('m1'), message('m2')]]);
    await subject.pollOnce(new AbortController().signal);
    expect(invoke).not.toHaveBeenCalled();
    expect(deleted).toEqual(['rh-m1', 'rh-m2']);
  });

  it('deletes only the messages not reported in batchItemFailures', async () => {
    const { poller: subject, deleted } = poller(mapping(), ok({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), [
      [message('m1'), message('m2'), message('m3')],
    ]);
    await subject.pollOnce(new AbortController().signal);
    expect(deleted).toEqual(['rh-m1', 'rh-m3']);
  });

  it('deletes nothing when the function fails (the messages come back after the visibility timeout)', async () => {
    const { poller: subject, deleted } = poller(mapping(), failed, [[message('m1'), message('m2')]]);
    await subject.pollOnce(new AbortController().signal);
    expect(deleted).toEqual([]);
  });

  it('ignores batchItemFailures when the mapping does not report partial failures', async () => {
    const { poller: subject, deleted } = poller(
      mapping({ reportBatchItemFailures: false }),
      ok({ batchItemFailures: [{ itemIdentifier: 'm2' }] }),
      [[message('m1'), message('m2')]],
    );
    await subject.pollOnce(new AbortController().signal);
    expect(deleted).toEqual(['rh-m1', 'rh-m2']);
  });

  it('keeps receiving until the batch is full or the batching window closes', async () => {
    const {
      invoke,
      poller: subject,
      receives,
    } = poller(mapping({ batchSize: 3, batchingWindowSeconds: 1 }), ok(), [[message('m1'), message('m2')], [message('m3')]]);
    await subject.pollOnce(new AbortController().signal);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect((invoke.mock.calls[0][0] as { Records: unknown[] }).Records).toHaveLength(3);
    expect(receives.map((call) => call.maxNumberOfMessages)).toEqual([3, 1]);
  });

  it('passes the correlation id of the first message to the invocation log', async () => {
    const { invoke, poller: subject } = poller(mapping(), ok(), [[message('m1', '{"correlationId":"cid-7","data":{}}')]]);
    await subject.pollOnce(new AbortController().signal);
    expect(invoke.mock.calls[0][1]).toEqual({ correlationId: 'cid-7', source: 'sqs×1' });
  });

  it('goes on receiving while a batch runs, with at most `concurrency` batches in flight, from one receive loop', async () => {
    const releases: (() => void)[] = [];
    const invoke = jest.fn(() => new Promise<InvokeOutcome>((resolve) => releases.push(() => resolve(ok()))));
    const fake = fakeQueue([[message('m1')], [message('m2')], [message('m3')]]);
    const subject = new SqsPoller(
      mapping(),
      { queue: fake.queue, invoke, logger: memoryLogger() },
      { queueUrl: QUEUE_URL, waitTimeSeconds: 0, concurrency: 2 },
    );
    subject.start();
    await waitFor(() => invoke.mock.calls.length === 2);
    // two batches run; the third message waits in the queue until one of them ends
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(fake.receives).toHaveLength(2);
    releases[0]();
    await waitFor(() => invoke.mock.calls.length === 3);
    releases.slice(1).forEach((release) => release());
    await waitFor(() => fake.deleted.length === 3);
    await subject.stop();
    expect(fake.deleted.sort()).toEqual(['rh-m1', 'rh-m2', 'rh-m3']);
  });

  it('hands a queue that stands in for an SNS subscription one message per invocation, as an SNS event', async () => {
    const envelope = (id: string) =>
      JSON.stringify({
        Type: 'Notification',
        MessageId: id,
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:events',
        Message: '{}',
        Timestamp: '2025-01-01T00:00:00.000Z',
      });
    const invoke = jest.fn().mockResolvedValue(ok());
    const fake = fakeQueue([[message('m1', envelope('sns-1'))]]);
    const subject = new SqsPoller(
      mapping({ batchSize: 1 }),
      { queue: fake.queue, invoke, logger: memoryLogger() },
      { queueUrl: QUEUE_URL, waitTimeSeconds: 0, shape: 'sns', subscriptionArn: 'arn:sub' },
    );
    await subject.pollOnce(new AbortController().signal);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke.mock.calls[0][0]).toEqual(toSnsEvent(message('m1', envelope('sns-1')), 'arn:sub'));
    expect(invoke.mock.calls[0][1]).toEqual(expect.objectContaining({ source: 'sns' }));
    expect(fake.deleted).toEqual(['rh-m1']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('toSqsEvent', () => {
  it('shapes records as Lambda does', () => {
    expect(toSqsEvent([message('m1')], QUEUE_ARN)).toEqual({
      Records: [
        {
          messageId: 'm1',
          receiptHandle: 'rh-m1',
          body: '{"id":"m1"}',
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: '1700000000000',
            SenderId: '000000000000',
            ApproximateFirstReceiveTimestamp: '1700000000001',
          },
          messageAttributes: {
            type: { stringValue: 'OrderPlaced', binaryValue: undefined, stringListValues: [], binaryListValues: [], dataType: 'String' },
          },
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
      Sns: expect.objectContaining({
        MessageId: 'sns-1',
        Message: '{"a":1}',
        SigningCertUrl: 'https://cert',
        UnsubscribeUrl: 'https://unsub',
        MessageAttributes: { type: { Type: 'String', Value: 'X' } },
      }),
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
