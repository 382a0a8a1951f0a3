import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { FailureResponse, SuccessResponse } from '@aws-lambda-powertools/batch/types';
import type { EventEnvelope } from '@shop/domain';
import { MetricUnit, type LogSink, type MetricSink } from '@shop/observability';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { MessagingError } from './errors';
import type { EventPublisher } from './sns-event-publisher';

/** Options of {@link createOutboxRelay}. */
export interface OutboxRelayOptions<E extends EventEnvelope> {
  /**
   * The events one table stream record stands for (none for items of other types). Derive each
   * event id from the record (`nameBasedId(record.eventID)`), so a retried record republishes the
   * same id and consumers deduplicate it.
   */
  readonly toEvents: (record: DynamoDBRecord) => readonly E[] | E | undefined;
  /** Where the events go (usually an {@link SnsEventPublisher} on the service's topic). */
  readonly publisher: EventPublisher<E>;
  readonly logger: Pick<LogSink, 'debug' | 'info'>;
  /** Counts `<type>Published` per event. @default - no metrics */
  readonly metrics?: MetricSink;
}

/** The reason given for a record of a batch that was not tried because an earlier record failed. */
export class EarlierRecordFailedError extends MessagingError {
  constructor(readonly sequenceNumber: string | undefined) {
    super(
      `Record ${sequenceNumber ?? '(no sequence number)'} was not published: an earlier record of the batch failed, and events keep their order.`,
    );
    this.name = 'EarlierRecordFailedError';
  }
}

/**
 * Powertools' batch processor for DynamoDB streams, made to stop at the first failing record: it
 * and every later record of the batch are reported as failures, none of them published. Lambda
 * retries from the lowest failed sequence number, so a record is never published before one that
 * was written earlier, and a retried batch starts with the record that failed.
 * (Powertools' own short-circuit exists only for SQS FIFO queues.)
 */
class InOrderStreamProcessor extends BatchProcessor {
  constructor() {
    super(EventType.DynamoDBStreams);
  }

  override async process(): Promise<(SuccessResponse | FailureResponse)[]> {
    this.prepare();
    const processed: (SuccessResponse | FailureResponse)[] = [];
    for (const [index, record] of this.records.entries()) {
      const response = await this.processRecord(record);
      processed.push(response);
      if (response[0] === 'fail') {
        for (const skipped of this.records.slice(index + 1)) {
          processed.push(this.failureHandler(skipped, new EarlierRecordFailedError((skipped as DynamoDBRecord).dynamodb?.SequenceNumber)));
        }
        break;
      }
    }
    this.clean();
    return processed;
  }
}

/**
 * The relay of a transactional outbox: a Lambda on the service table's DynamoDB stream publishes
 * the events that each written item stands for. The business write and the "event to publish" are
 * one item written once, so nothing is lost when SNS is down.
 *
 * Records are published one at a time, in stream order, and the relay stops at the first record
 * that fails: that record and every later one are reported in `batchItemFailures`, so Lambda
 * retries from it and nothing after it is published before it (per-item order is kept; with
 * `ServiceFunction.consumeTableStream` the retries go on until the record succeeds).
 */
export const createOutboxRelay = <E extends EventEnvelope>(options: OutboxRelayOptions<E>) => {
  const processor = new InOrderStreamProcessor();

  const relay = async (record: DynamoDBRecord): Promise<void> => {
    const mapped = options.toEvents(record);
    const events = mapped === undefined ? [] : Array.isArray(mapped) ? (mapped as readonly E[]) : [mapped as E];
    if (events.length === 0) {
      options.logger.debug('No event for this stream record', { eventId: record.eventID });
      return;
    }
    for (const event of events) {
      await options.publisher.publish(event);
      options.metrics?.addMetric(`${event.type}Published`, MetricUnit.Count, 1);
      options.logger.info(`Published ${event.type}`, { eventId: event.id, correlation_id: event.correlationId });
    }
  };

  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, relay, processor, { throwOnFullBatchFailure: false });
};
