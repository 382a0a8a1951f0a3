import { SNSClient } from '@aws-sdk/client-sns';
import { createOutboxRelay, type EventPublisher } from '@shop/messaging';
import { awsClient, coldStart, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import type { ProductChanged } from '@shop/product-contracts';
import { createProductChangedPublisher } from '../adapters/product-changed.publisher';
import { PRODUCT_ENV } from '../config/env';
import { productChangedFromStreamRecord } from './product-stream.mapper';

/** What the stream relay needs; tests pass fakes. */
export interface PublishChangesDeps {
  readonly publisher: EventPublisher<ProductChanged>;
  readonly logger: Pick<LogSink, 'info' | 'debug'>;
  readonly metrics: MetricSink;
}

/**
 * The product service's transactional outbox relay: consumes the product table's stream and
 * publishes one `ProductChanged` per product record (INSERT → created, MODIFY → updated,
 * REMOVE → deleted). The router only writes the table, so no change is lost while SNS is down: a
 * failing record is reported in `batchItemFailures` and retried from, in order, with the same
 * event id (derived from the record).
 */
export const createProductChangesRelay = (deps: PublishChangesDeps) =>
  createOutboxRelay({ toEvents: productChangedFromStreamRecord, publisher: deps.publisher, logger: deps.logger, metrics: deps.metrics });

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(PRODUCT_ENV, 'topicArn'),
  clients: { sns: awsClient(SNSClient) },
});

/** Lambda entry point: the stream relay with the shop's observability. */
export const handler = withObservability(
  createProductChangesRelay({ publisher: createProductChangedPublisher(clients.sns, env.topicArn), logger, metrics }),
  // A batch has no single correlation id: each event carries its own.
  { observability, correlationId: () => undefined },
);
