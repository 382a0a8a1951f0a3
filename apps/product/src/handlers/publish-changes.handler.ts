import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  createObservability,
  MetricUnit,
  requireEnv,
  withObservability,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { SnsProductEventPublisher } from '../adapters/product-events.publisher';
import type { ProductEventPublisher } from '../domain/ports';
import { productChangedFromStreamRecord } from './product-stream.mapper';

/** What the stream publisher needs; tests pass fakes. */
export interface PublishChangesDeps {
  readonly publisher: ProductEventPublisher;
  readonly logger: Pick<LogSink, 'info' | 'debug'>;
  readonly metrics: MetricSink;
}

/**
 * The transactional outbox's relay: turns each product table stream record into a
 * `ProductChanged` envelope and publishes it. Records are handled in order, one at a time; a
 * record that fails is reported in `batchItemFailures`, so Lambda retries from it and nothing is
 * lost while SNS is unavailable (retries reuse the event id, derived from the record).
 */
export const createProductChangesPublisher = (deps: PublishChangesDeps) => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  const publishRecord = async (record: DynamoDBRecord): Promise<void> => {
    const event = productChangedFromStreamRecord(record);
    if (!event) {
      deps.logger.debug('Skipped a stream record of another item type', { eventId: record.eventID });
      return;
    }
    await deps.publisher.publish(event);
    deps.metrics.addMetric('ProductChangedPublished', MetricUnit.Count, 1);
    deps.logger.info('Published ProductChanged', {
      eventId: event.id,
      sku: event.data.product.sku,
      change: event.data.change,
      correlation_id: event.correlationId,
    });
  };

  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, publishRecord, processor, { processInParallel: false });
};

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const topicArn = requireEnv('TOPIC_ARN');
const sns = observability.tracer.captureAWSv3Client(new SNSClient({}));

/** Lambda entry point: the stream publisher with the shop's observability. */
export const handler = withObservability(
  createProductChangesPublisher({
    publisher: new SnsProductEventPublisher(sns, topicArn),
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  // A batch has no single correlation id: each event carries its own.
  { observability, correlationId: () => undefined },
);
