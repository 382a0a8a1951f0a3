import type { EventSourceMappingDef } from '../assembly/model';
import type { InvokeOutcome } from '../lambda/function-pool';
import { memoryLogger } from '../log';
import { StreamPoller, type StreamPollerOptions, type StreamsApi } from './stream-poller';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/products/stream/1970-01-01T00:00:00.000';

const mapping = (overrides: Partial<EventSourceMappingDef> = {}): EventSourceMappingDef => ({
  service: 'demo',
  stackName: 'demo',
  logicalId: 'PublisherMapping',
  uuid: 'u',
  functionName: 'publisher',
  eventSourceArn: STREAM_ARN,
  kind: 'dynamodb-stream',
  enabled: true,
  batchSize: 100,
  batchingWindowSeconds: 0,
  reportBatchItemFailures: true,
  startingPosition: 'TRIM_HORIZON',
  maximumRetryAttempts: 2,
  maximumRecordAgeSeconds: -1,
  bisectBatchOnFunctionError: false,
  filterPatterns: [],
  ...overrides,
});

const record = (seq: string) => ({
  eventID: `e${seq}`,
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  dynamodb: {
    SequenceNumber: seq,
    ApproximateCreationDateTime: 1700000000,
    NewImage: { pk: { S: `P#${seq}` }, correlationId: { S: `cid-${seq}` } },
  },
});

const ok = (payload: unknown = null): InvokeOutcome => ({ requestId: 'r', ok: true, payload, durationMs: 1 });
const failed: InvokeOutcome = {
  requestId: 'r',
  ok: false,
  kind: 'handled',
  error: { errorType: 'Error', errorMessage: 'x' },
  durationMs: 1,
};

const seqsOf = (event: unknown) =>
  (event as { Records: { dynamodb: { SequenceNumber: string } }[] }).Records.map((r) => r.dynamodb.SequenceNumber);

function subject(
  def: EventSourceMappingDef,
  outcomes: InvokeOutcome[],
  api?: Partial<StreamsApi>,
  pollIntervalMs = 10,
  options: StreamPollerOptions = {},
) {
  const invoke = jest.fn();
  for (const outcome of outcomes) invoke.mockResolvedValueOnce(outcome);
  invoke.mockResolvedValue(ok());
  const sendToDestination = jest.fn().mockResolvedValue(undefined);
  const streams: StreamsApi = {
    describeTable: async () => ({ LatestStreamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/products/stream/2025' }),
    streamsCall: async () => ({}) as never,
    ...api,
  };
  const logger = memoryLogger();
  const poller = new StreamPoller(def, { streams, invoke, sendToDestination, logger }, { retryBaseMs: 1, pollIntervalMs, ...options });
  return { poller, invoke, sendToDestination, logger };
}

describe('StreamPoller.processBatch', () => {
  it('invokes once with a DynamoDB stream event carrying the mapping source ARN and the local region', async () => {
    const { poller, invoke } = subject(mapping(), [ok()]);
    await poller.processBatch('shard-1', [record('1'), record('2')]);
    expect(invoke).toHaveBeenCalledTimes(1);
    const [event, options] = invoke.mock.calls[0];
    expect(event.Records[0]).toEqual({ ...record('1'), awsRegion: 'us-east-1', eventSourceARN: STREAM_ARN });
    expect(options).toEqual({ correlationId: 'cid-1', source: 'stream×2' });
  });

  it('applies FilterCriteria on the records as the function would get them: the others are skipped, none invokes nothing', async () => {
    const filterPatterns = [JSON.stringify({ dynamodb: { NewImage: { pk: { S: ['P#2', 'P#3'] } } } })];
    const { poller, invoke } = subject(mapping({ filterPatterns }), [ok()]);
    await poller.processBatch('shard-1', [record('1'), record('2'), record('3'), record('4')]);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(seqsOf(invoke.mock.calls[0][0])).toEqual(['2', '3']);
    await poller.processBatch('shard-1', [record('5')]);
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('retries from the first failed record reported in batchItemFailures', async () => {
    const { poller, invoke } = subject(mapping(), [ok({ batchItemFailures: [{ itemIdentifier: '2' }] }), ok()]);
    await poller.processBatch('shard-1', [record('1'), record('2'), record('3')]);
    expect(invoke.mock.calls.map(([event]) => seqsOf(event))).toEqual([
      ['1', '2', '3'],
      ['2', '3'],
    ]);
  });

  it('gives up after MaximumRetryAttempts and sends the batch description to the OnFailure destination', async () => {
    const destination = 'arn:aws:sqs:us-east-1:000000000000:stream-dlq';
    const { poller, invoke, sendToDestination } = subject(mapping({ maximumRetryAttempts: 2, onFailureDestination: destination }), [
      failed,
      failed,
      failed,
      failed,
    ]);
    await poller.processBatch('shard-1', [record('1'), record('2')]);
    expect(invoke).toHaveBeenCalledTimes(3);
    expect(sendToDestination).toHaveBeenCalledWith(
      destination,
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 }),
        DDBStreamBatchInfo: expect.objectContaining({
          shardId: 'shard-1',
          startSequenceNumber: '1',
          endSequenceNumber: '2',
          batchSize: 2,
          streamArn: STREAM_ARN,
        }),
      }),
    );
  });

  it('with MaximumRetryAttempts and MaximumRecordAgeInSeconds -1 retries a failing record until it succeeds (20 failures), from it, with a bounded backoff', async () => {
    const reportSecond = ok({ batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '3' }] });
    const { poller, invoke, sendToDestination, logger } = subject(
      mapping({
        maximumRetryAttempts: -1,
        maximumRecordAgeSeconds: -1,
        onFailureDestination: 'arn:aws:sqs:us-east-1:000000000000:stream-dlq',
      }),
      [reportSecond, ...Array.from({ length: 18 }, () => reportSecond), failed],
      undefined,
      10,
      { retryBaseMs: 1, retryMaxMs: 8, now: () => Date.parse('2030-01-01T00:00:00Z') },
    );
    await poller.processBatch('shard-1', [record('1'), record('2'), record('3')]);
    expect(invoke.mock.calls.map(([event]) => seqsOf(event).join(','))).toEqual(['1,2,3', ...Array.from({ length: 20 }, () => '2,3')]);
    expect(sendToDestination).not.toHaveBeenCalled();
    const delays = logger.lines.filter((line) => line.startsWith('stream ')).map((line) => Number(/in (\d+) ms$/.exec(line)?.[1]));
    expect(delays).toEqual([1, 2, 4, 8, ...Array.from({ length: 16 }, () => 8)]);
  });

  it('keeps finite limits: records older than MaximumRecordAgeInSeconds go to the OnFailure destination, the others are delivered', async () => {
    const destination = 'arn:aws:sqs:us-east-1:000000000000:stream-dlq';
    const aged = (seq: string, createdAt: number) => ({
      ...record(seq),
      dynamodb: { ...record(seq).dynamodb, ApproximateCreationDateTime: createdAt },
    });
    const now = 1_700_000_000_000;
    const { poller, invoke, sendToDestination } = subject(
      mapping({ maximumRetryAttempts: -1, maximumRecordAgeSeconds: 60, onFailureDestination: destination }),
      [ok()],
      undefined,
      10,
      { now: () => now },
    );
    await poller.processBatch('shard-1', [aged('1', now / 1000 - 120), aged('2', now / 1000 - 61), aged('3', now / 1000 - 30)]);
    expect(invoke.mock.calls.map(([event]) => seqsOf(event))).toEqual([['3']]);
    expect(sendToDestination).toHaveBeenCalledWith(
      destination,
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RecordAgeExceeded' }),
        DDBStreamBatchInfo: expect.objectContaining({ startSequenceNumber: '1', endSequenceNumber: '2', batchSize: 2 }),
      }),
    );
  });

  it('splits a failing batch in two when BisectBatchOnFunctionError is set', async () => {
    const { poller, invoke } = subject(mapping({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }), [failed, ok(), failed]);
    await poller.processBatch('shard-1', [record('1'), record('2'), record('3'), record('4')]);
    expect(invoke.mock.calls.map(([event]) => seqsOf(event))).toEqual([['1', '2', '3', '4'], ['1', '2'], ['3', '4'], ['3'], ['4']]);
  });
});

describe('StreamPoller reading a stream', () => {
  it('reads each shard from TRIM_HORIZON, invokes per page and checkpoints the last sequence number', async () => {
    const calls: [string, Record<string, unknown>][] = [];
    let pages = 0;
    const streamsCall = async (operation: string, body: unknown) => {
      calls.push([operation, body as Record<string, unknown>]);
      if (operation === 'DescribeStream')
        return { StreamDescription: { Shards: [{ ShardId: 'shard-1', SequenceNumberRange: { StartingSequenceNumber: '1' } }] } };
      if (operation === 'GetShardIterator') return { ShardIterator: 'it-0' };
      pages += 1;
      if (pages === 1) return { Records: [record('1'), record('2')], NextShardIterator: 'it-1' };
      return { Records: [], NextShardIterator: 'it-2' };
    };
    const { poller, invoke } = subject(mapping(), [], { streamsCall: streamsCall as StreamsApi['streamsCall'] });
    poller.start();
    await poller.ready;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await poller.stop();
    expect(calls.find(([operation]) => operation === 'GetShardIterator')?.[1]).toEqual({
      StreamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/products/stream/2025',
      ShardId: 'shard-1',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(poller.checkpoints.get('shard-1')).toBe('2');
  });

  it('gets a new iterator when DynamoDB Local answers TrimmedDataAccessException to an early read', async () => {
    const iteratorCalls: unknown[] = [];
    let reads = 0;
    const streamsCall = async (operation: string, body: unknown) => {
      if (operation === 'DescribeStream') return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (operation === 'GetShardIterator') {
        iteratorCalls.push(body);
        return { ShardIterator: `it-${iteratorCalls.length}` };
      }
      reads += 1;
      if (reads === 1) throw Object.assign(new Error('read past the oldest stream record'), { name: 'TrimmedDataAccessException' });
      if (reads === 2) return { Records: [record('1')], NextShardIterator: 'it-next' };
      return { Records: [], NextShardIterator: 'it-next' };
    };
    const { poller, invoke } = subject(mapping(), [], { streamsCall: streamsCall as StreamsApi['streamsCall'] });
    poller.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await poller.stop();
    expect(iteratorCalls).toHaveLength(2);
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('reads a caught-up shard at most once per poll interval, records or not, and a full page on at once', async () => {
    const readAt: number[] = [];
    let sequence = 0;
    const streamsCall = async (operation: string) => {
      if (operation === 'DescribeStream') return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (operation === 'GetShardIterator') return { ShardIterator: 'it-0' };
      readAt.push(performance.now());
      // reads 1-3 return full pages (a backlog), reads 4-6 one record each, then nothing
      const count = readAt.length <= 3 ? 2 : readAt.length <= 6 ? 1 : 0;
      const records = Array.from({ length: count }, () => record(String(++sequence)));
      return { Records: records, NextShardIterator: `it-${readAt.length}` };
    };
    const { poller, invoke } = subject(mapping({ batchSize: 2 }), [], { streamsCall: streamsCall as StreamsApi['streamsCall'] }, 100);
    poller.start();
    await new Promise((resolve) => setTimeout(resolve, 560));
    await poller.stop();
    const gaps = readAt.slice(1).map((at, n) => at - readAt[n]);
    expect(gaps.slice(0, 3).every((gap) => gap < 90)).toBe(true); // the backlog: no wait for the interval
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    expect(gaps.slice(3).every((gap) => gap >= 95)).toBe(true); // caught up: one read per 100 ms
    expect(invoke).toHaveBeenCalledTimes(6);
  });

  it('holds the records after a failing one: the next page is not delivered before the failing record succeeds', async () => {
    let reads = 0;
    const streamsCall = async (operation: string) => {
      if (operation === 'DescribeStream') return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (operation === 'GetShardIterator') return { ShardIterator: 'it-0' };
      reads += 1;
      if (reads === 1) return { Records: [record('1'), record('2')], NextShardIterator: 'it-1' };
      if (reads === 2) return { Records: [record('3')], NextShardIterator: 'it-2' };
      return { Records: [], NextShardIterator: `it-${reads}` };
    };
    const failFirst = ok({ batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '2' }] });
    const { poller, invoke } = subject(
      mapping({ maximumRetryAttempts: -1 }),
      Array.from({ length: 20 }, () => failFirst),
      { streamsCall: streamsCall as StreamsApi['streamsCall'] },
      10,
      { retryMaxMs: 2 },
    );
    poller.start();
    const deadline = Date.now() + 3000;
    while (invoke.mock.calls.length < 22 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await poller.stop();
    expect(invoke.mock.calls.map(([event]) => seqsOf(event).join(','))).toEqual([...Array.from({ length: 21 }, () => '1,2'), '3']);
    expect(poller.checkpoints.get('shard-1')).toBe('3');
  });

  it('takes a full page of GetRecords (1000 records) as a backlog when the batch size is larger', async () => {
    const readAt: number[] = [];
    let sequence = 0;
    const streamsCall = async (operation: string, body: unknown) => {
      if (operation === 'DescribeStream') return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (operation === 'GetShardIterator') return { ShardIterator: 'it-0' };
      readAt.push(performance.now());
      expect((body as { Limit: number }).Limit).toBe(1000);
      const count = readAt.length <= 2 ? 1000 : 0;
      return { Records: Array.from({ length: count }, () => record(String(++sequence))), NextShardIterator: `it-${readAt.length}` };
    };
    const { poller } = subject(mapping({ batchSize: 10_000 }), [], { streamsCall: streamsCall as StreamsApi['streamsCall'] }, 100);
    poller.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await poller.stop();
    expect(readAt.length).toBeGreaterThanOrEqual(3);
    expect(readAt[2] - readAt[0]).toBeLessThan(90); // the two full pages were read on at once
  });
});
