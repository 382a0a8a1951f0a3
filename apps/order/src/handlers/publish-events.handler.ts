import { SNSClient } from '@aws-sdk/client-sns';
import { createOutboxRelay, type EventPublisher } from '@shop/messaging';
import { awsClient, coldStart, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { createOrderEventPublisher } from '../adapters/order-events.publisher';
import { ORDER_ENV } from '../config/env';
import type { OrderEvent } from '../domain/ports';
import { orderEventFromStreamRecord } from './order-stream.mapper';

/** What the stream relay needs; tests pass fakes. */
export interface PublishEventsDeps {
  readonly publisher: EventPublisher<OrderEvent>;
  readonly logger: Pick<LogSink, 'info' | 'debug'>;
  readonly metrics: MetricSink;
}

/**
 * The order service's transactional outbox relay: consumes the order table's stream and
 * publishes `OrderConfirmed` / `OrderCancelled` / `OrderNeedsAttention` for every order that
 * entered one of those statuses. The saga tasks only write the table, so an event can neither be lost (a failing
 * record is retried from, in order) nor published for a change that was not stored.
 */
export const createOrderEventsRelay = (deps: PublishEventsDeps) =>
  createOutboxRelay({ toEvents: orderEventFromStreamRecord, publisher: deps.publisher, logger: deps.logger, metrics: deps.metrics });

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(ORDER_ENV, 'topicArn'),
  clients: { sns: awsClient(SNSClient) },
});

/** Lambda entry point: the stream relay with the shop's observability. */
export const handler = withObservability(
  createOrderEventsRelay({ publisher: createOrderEventPublisher(clients.sns, env.topicArn), logger, metrics }),
  // A batch has no single correlation id: each event carries its own.
  { observability, correlationId: () => undefined },
);
