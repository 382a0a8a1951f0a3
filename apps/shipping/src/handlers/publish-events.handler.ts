import { SNSClient } from '@aws-sdk/client-sns';
import { createOutboxRelay, type EventPublisher } from '@shop/messaging';
import { awsClient, coldStart, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import type { ShipmentCreated } from '@shop/shipping-contracts';
import { createShipmentCreatedPublisher } from '../adapters/shipment-created.publisher';
import { SHIPPING_ENV } from '../config/env';
import { shipmentCreatedFromStreamRecord } from './shipment-stream.mapper';

/** What the stream publisher needs; tests pass fakes. */
export interface PublishShipmentsDeps {
  readonly publisher: EventPublisher<ShipmentCreated>;
  readonly logger: Pick<LogSink, 'debug' | 'info'>;
  readonly metrics: MetricSink;
}

/**
 * The transactional outbox's relay: publishes `ShipmentCreated` for every shipment inserted in the
 * shipping table (its DynamoDB stream). The consumer of OrderConfirmed only writes the table, so a
 * shipment is never created without its event, nor the event published twice with different ids,
 * even when SNS is down (the failed record is retried, in order).
 */
export const createShipmentsPublisher = (deps: PublishShipmentsDeps) =>
  createOutboxRelay({ toEvents: shipmentCreatedFromStreamRecord, ...deps });

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(SHIPPING_ENV, 'topicArn'),
  clients: { sns: awsClient(SNSClient) },
});

/** Lambda entry point: the stream publisher with the shop's observability. */
export const handler = withObservability(
  createShipmentsPublisher({ publisher: createShipmentCreatedPublisher(clients.sns, env.topicArn), logger, metrics }),
  // A batch has no single correlation id: each event carries its own.
  { observability, correlationId: () => undefined },
);
