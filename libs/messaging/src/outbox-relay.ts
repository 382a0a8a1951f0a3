import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { EventEnvelope } from '@shop/domain';
import { MetricUnit, type LogSink, type MetricSink } from '@shop/observability';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
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

/**
 * The relay of a transactional outbox: a Lambda on the service table's DynamoDB stream publishes
 * the events that each written item stands for. The business write and the "event to publish" are
 * one item written once, so nothing is lost when SNS is down: a failing record is reported in
 * `batchItemFailures`, and Lambda retries from it, in order (records are handled one at a time).
 */
export const createOutboxRelay = <E extends EventEnvelope>(options: OutboxRelayOptions<E>) => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

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
    processPartialResponse(event, relay, processor, { processInParallel: false, throwOnFullBatchFailure: false });
};
