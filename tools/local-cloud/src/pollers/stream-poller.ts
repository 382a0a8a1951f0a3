import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { EventSourceMappingDef } from '../assembly/model';
import { LOCAL_REGION, tableNameOf } from '../assembly/naming';
import type { InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import { compileRecordFilter, type RecordFilter } from '../events/record-filter';
import type { Logger } from '../log';
import { failedIdentifiers, sleep } from './batch-result';

/** The DynamoDB Streams calls the poller makes (DynamoDB Local's JSON API, raw). */
export interface StreamsApi {
  describeTable(tableName: string): Promise<{ LatestStreamArn?: string } | undefined>;
  streamsCall<T>(operation: string, body: unknown, signal?: AbortSignal): Promise<T>;
}

export interface StreamPollerDeps {
  streams: StreamsApi;
  invoke: (event: unknown, options: InvokeOptions) => Promise<InvokeOutcome>;
  /** Sends a discarded batch's description to the mapping's OnFailure destination (SQS or SNS ARN). */
  sendToDestination?: (destinationArn: string, payload: unknown) => Promise<void>;
  logger: Logger;
}

export interface StreamPollerOptions {
  pollIntervalMs?: number;
  /** First retry delay after a failed batch (doubles up to retryMaxMs). */
  retryBaseMs?: number;
  /** Longest wait between two retries of a batch (default 10 s): an endless retry never spins. */
  retryMaxMs?: number;
  /** The clock records' ages are measured against (tests). */
  now?: () => number;
  /** Positions handed over from the poller this one replaces (a redeploy): shard id -> last sequence number done. */
  checkpoints?: Map<string, string>;
}

interface StreamRecord {
  eventID: string;
  eventName: string;
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  dynamodb: {
    SequenceNumber: string;
    ApproximateCreationDateTime?: number;
    NewImage?: Record<string, { S?: string }>;
    OldImage?: Record<string, { S?: string }>;
  };
}

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

/**
 * A DynamoDB stream event source mapping: reads every shard of the table's stream in order
 * (children after their parent), hands batches of up to BatchSize records to the function and,
 * on failure, retries from the first failed record (ReportBatchItemFailures), splitting the batch
 * when BisectBatchOnFunctionError is set, with a backoff that doubles up to a cap. Records after
 * a failed one wait. It gives up on records only when MaximumRetryAttempts or
 * MaximumRecordAgeInSeconds say so (-1, CloudFormation's "infinite", never does), handing their
 * description to the OnFailure destination.
 */
export class StreamPoller {
  private readonly abort = new AbortController();
  private readonly shardLoops = new Map<string, Promise<void>>();
  private readonly finishedShards = new Set<string>();
  readonly checkpoints: Map<string, string>;
  private discovery?: Promise<void>;
  private streamArn?: string;
  private markReady!: () => void;
  /** Resolves once every shard present at start-up has its iterator (records written after that are seen). */
  readonly ready = new Promise<void>((resolve) => {
    this.markReady = resolve;
  });

  /** The mapping's FilterCriteria, compiled (undefined: every record is delivered). */
  private readonly filter?: RecordFilter;

  constructor(
    readonly mapping: EventSourceMappingDef,
    private readonly deps: StreamPollerDeps,
    private readonly options: StreamPollerOptions = {},
  ) {
    this.checkpoints = new Map(options.checkpoints ?? []);
    this.filter = compileRecordFilter(mapping.filterPatterns, 'dynamodb-stream');
  }

  start(): void {
    this.discovery = this.discover();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.discovery;
    await Promise.allSettled(this.shardLoops.values());
  }

  private get pollIntervalMs() {
    return this.options.pollIntervalMs ?? 250;
  }

  private async discover(): Promise<void> {
    const signal = this.abort.signal;
    const tableName = tableNameOf(this.mapping.eventSourceArn);
    let first = true;
    while (!signal.aborted) {
      try {
        if (!this.streamArn) {
          this.streamArn = (await this.deps.streams.describeTable(tableName))?.LatestStreamArn;
          if (!this.streamArn) throw new Error(`table ${tableName} has no stream`);
        }
        const { StreamDescription } = await this.deps.streams.streamsCall<{ StreamDescription: { Shards?: Shard[] } }>(
          'DescribeStream',
          { StreamArn: this.streamArn },
          signal,
        );
        const shards = StreamDescription.Shards ?? [];
        const known = new Set(shards.map((shard) => shard.ShardId));
        const iterators: Promise<unknown>[] = [];
        for (const shard of shards) {
          if (this.shardLoops.has(shard.ShardId)) continue;
          const parentPending = shard.ParentShardId && known.has(shard.ParentShardId) && !this.finishedShards.has(shard.ParentShardId);
          if (parentPending) continue;
          const iterator = this.iteratorFor(shard, first);
          iterators.push(iterator.catch(() => undefined));
          this.shardLoops.set(shard.ShardId, this.readShard(shard, iterator, signal));
        }
        await Promise.all(iterators);
        if (first) this.markReady();
        first = false;
      } catch (error) {
        if (signal.aborted) return;
        this.deps.logger.warn(`stream poller ${this.mapping.logicalId}: ${(error as Error).message}`);
      }
      await sleep(Math.max(1000, this.pollIntervalMs * 4), signal);
    }
    this.markReady();
  }

  /** LATEST applies to the shards the stream has when the mapping starts; shards born later are read from their start. */
  private async iteratorFor(shard: Shard, initial: boolean): Promise<string | undefined> {
    const checkpoint = this.checkpoints.get(shard.ShardId);
    const type = checkpoint ? 'AFTER_SEQUENCE_NUMBER' : initial && this.mapping.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON';
    const { ShardIterator } = await this.deps.streams.streamsCall<{ ShardIterator?: string }>('GetShardIterator', {
      StreamArn: this.streamArn,
      ShardId: shard.ShardId,
      ShardIteratorType: type,
      ...(checkpoint ? { SequenceNumber: checkpoint } : {}),
    });
    return ShardIterator;
  }

  private async readShard(shard: Shard, firstIterator: Promise<string | undefined>, signal: AbortSignal): Promise<void> {
    try {
      let iterator = await firstIterator;
      const limit = Math.min(1000, this.mapping.batchSize); // GetRecords returns at most 1000
      while (iterator && !signal.aborted) {
        const polledAt = performance.now();
        let page: { Records?: StreamRecord[]; NextShardIterator?: string };
        try {
          page = await this.deps.streams.streamsCall('GetRecords', { ShardIterator: iterator, Limit: limit }, signal);
        } catch (error) {
          // DynamoDB Local answers TrimmedDataAccessException to a read right after a shard opens,
          // and iterators expire after 15 minutes: start again from the checkpoint.
          const name = (error as Error).name;
          if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
          this.deps.logger.debug(`stream poller ${this.mapping.logicalId}: ${name}, new iterator`);
          await sleep(this.pollIntervalMs, signal);
          iterator = await this.iteratorFor(shard, false);
          continue;
        }
        const records = page.Records ?? [];
        if (records.length > 0) {
          await this.processBatch(shard.ShardId, records, signal);
          if (signal.aborted) return;
          this.checkpoints.set(shard.ShardId, records[records.length - 1]?.dynamodb.SequenceNumber ?? '');
        }
        iterator = page.NextShardIterator;
        // As Lambda does, a shard that is caught up is read at most 4 times a second (the poll
        // interval), records or not: under load, each invocation gets the records of a whole
        // interval instead of one or two. A full page means a backlog: read on at once.
        if (records.length < limit) await sleep(this.pollIntervalMs - (performance.now() - polledAt), signal);
      }
      if (!signal.aborted) this.finishedShards.add(shard.ShardId);
    } catch (error) {
      if (signal.aborted) return;
      this.deps.logger.warn(`stream poller ${this.mapping.logicalId} shard ${shard.ShardId}: ${(error as Error).message}; re-reading`);
      this.shardLoops.delete(shard.ShardId);
    }
  }

  /** Delivers one batch until it succeeds or its retries are exhausted. */
  async processBatch(shardId: string, records: StreamRecord[], signal: AbortSignal = this.abort.signal): Promise<void> {
    // FilterCriteria: records no filter matches are dropped (and checkpointed past), as Lambda does.
    let pending = this.filter ? records.filter((record) => this.filter?.(this.toEvent([record]).Records[0])) : records;
    let attempts = 0;
    while (pending.length > 0 && !signal.aborted) {
      const expired = this.expired(pending);
      if (expired > 0) {
        await this.discard(shardId, pending.slice(0, expired), attempts, undefined, 'RecordAgeExceeded');
        pending = pending.slice(expired);
        if (pending.length === 0) return;
      }
      const outcome = await this.deps.invoke(this.toEvent(pending), {
        correlationId: correlationOfRecord(pending[0]),
        source: `stream×${pending.length}`,
      });
      const sequenceNumbers = pending.map((record) => record.dynamodb.SequenceNumber);
      const failed = failedIdentifiers(outcome, sequenceNumbers, this.mapping.reportBatchItemFailures);
      if (failed.size === 0) return;

      if (!outcome.ok && this.mapping.bisectBatchOnFunctionError && pending.length > 1) {
        const middle = Math.ceil(pending.length / 2);
        await this.processBatch(shardId, pending.slice(0, middle), signal);
        await this.processBatch(shardId, pending.slice(middle), signal);
        return;
      }
      // Retry from the first failed record: records before it are checkpointed.
      const firstFailed = pending.findIndex((record) => failed.has(record.dynamodb.SequenceNumber));
      pending = pending.slice(Math.max(0, firstFailed));
      attempts += 1;
      const limit = this.mapping.maximumRetryAttempts;
      if (limit >= 0 && attempts > limit) {
        await this.discard(shardId, pending, attempts, outcome);
        return;
      }
      const delay = Math.min(this.options.retryMaxMs ?? 10_000, (this.options.retryBaseMs ?? 500) * 2 ** Math.min(attempts - 1, 30));
      this.deps.logger.line(
        'stream',
        `${this.mapping.logicalId}: batch failed (${failed.size} record(s)); retry ${attempts}${limit >= 0 ? `/${limit}` : ''} in ${delay} ms`,
      );
      await sleep(delay, signal);
    }
  }

  /** How many records at the head of the batch are older than MaximumRecordAgeInSeconds (-1: none ever are). */
  private expired(records: StreamRecord[]): number {
    const limit = this.mapping.maximumRecordAgeSeconds;
    if (limit < 0) return 0;
    const oldest = (this.options.now ?? Date.now)() - limit * 1000;
    const index = records.findIndex((record) => (record.dynamodb.ApproximateCreationDateTime ?? Number.POSITIVE_INFINITY) * 1000 >= oldest);
    return index < 0 ? records.length : index;
  }

  private async discard(
    shardId: string,
    records: StreamRecord[],
    attempts: number,
    outcome: InvokeOutcome | undefined,
    condition = 'RetryAttemptsExhausted',
  ): Promise<void> {
    const first = records[0].dynamodb;
    const last = records[records.length - 1].dynamodb;
    this.deps.logger.warn(
      `stream poller ${this.mapping.logicalId}: ${condition === 'RecordAgeExceeded' ? 'records too old' : 'retries exhausted'}, skipping ${records.length} record(s) (${first.SequenceNumber}..${last.SequenceNumber})`,
    );
    const destination = this.mapping.onFailureDestination;
    if (!destination || !this.deps.sendToDestination) return;
    await this.deps.sendToDestination(destination, {
      requestContext: {
        requestId: outcome?.requestId,
        functionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${this.mapping.functionName}`,
        condition,
        approximateInvokeCount: attempts,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: outcome && !outcome.ok ? 'Unhandled' : undefined },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.SequenceNumber,
        endSequenceNumber: last.SequenceNumber,
        approximateArrivalOfFirstRecord: new Date((first.ApproximateCreationDateTime ?? 0) * 1000).toISOString(),
        approximateArrivalOfLastRecord: new Date((last.ApproximateCreationDateTime ?? 0) * 1000).toISOString(),
        batchSize: records.length,
        streamArn: this.mapping.eventSourceArn,
      },
    });
  }

  private toEvent(records: StreamRecord[]): DynamoDBStreamEvent {
    return {
      Records: records.map((record) => ({ ...record, awsRegion: LOCAL_REGION, eventSourceARN: this.mapping.eventSourceArn })),
    } as DynamoDBStreamEvent;
  }
}

function correlationOfRecord(record: StreamRecord): string | undefined {
  return record.dynamodb.NewImage?.correlationId?.S ?? record.dynamodb.OldImage?.correlationId?.S;
}
