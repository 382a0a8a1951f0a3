import { SNSClient } from '@aws-sdk/client-sns';
import { parseOperatorPayload } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  awsClient,
  coldStart,
  MetricUnit,
  resolveCorrelationId,
  withObservability,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import type { ShipmentCreated } from '@shop/shipping-contracts';
import type { Context } from 'aws-lambda';
import { createShipmentCreatedPublisher } from '../adapters/shipment-created.publisher';
import { DynamoShipmentHistory } from '../adapters/shipment.repository';
import { SHIPPING_ENV } from '../config/env';
import { RepublishInterruptedError } from '../domain/errors';
import type { ShipmentCreatedPublisher, ShipmentHistory } from '../domain/ports';
import {
  republishShipments,
  RepublishShipmentsInputSchema,
  type RepublishShipmentsCommand,
  type RepublishShipmentsInput,
} from '../domain/republish-shipments.use-case';

/** What the shipments replay needs; tests pass fakes. */
export interface ShipmentsRepublisherDeps {
  readonly shipments: ShipmentHistory;
  readonly publisher: ShipmentCreatedPublisher;
  readonly logger: Pick<LogSink, 'info' | 'debug'>;
  readonly metrics: MetricSink;
  /** @default REPUBLISH_PAGE_SIZE */
  readonly pageSize?: number;
  /** @default REPUBLISH_TIME_RESERVE_MS */
  readonly timeReserveMs?: number;
}

/**
 * What an invocation answers. A window replay resumes with `{ "cursor": nextCursor, "correlationId": correlationId }`
 * while `nextCursor` is there; an order-id replay names the orders without a shipment in `notFound`.
 */
export interface RepublishShipmentsOutput {
  readonly published: number;
  readonly nextCursor?: string;
  readonly notFound?: readonly string[];
  readonly correlationId: string;
}

const EXPECTED = '{ "orderIds": [...] } or { "from", "to", "maxItems"? } or { "cursor" }, each with "correlationId"?';

const parseInput = (event: unknown): RepublishShipmentsInput =>
  parseOperatorPayload(RepublishShipmentsInputSchema, event, { name: 'republish-shipments', expected: EXPECTED });

const commandOf = (input: RepublishShipmentsInput): RepublishShipmentsCommand => {
  if (input.orderIds !== undefined) return { orderIds: input.orderIds };
  const from = input.cursor !== undefined ? { cursor: input.cursor } : { window: { from: input.from ?? '', to: input.to ?? '' } };
  return input.maxItems === undefined ? { from } : { from, maxItems: input.maxItems };
};

/**
 * The operator's replay of `ShipmentCreated` (`aws lambda invoke`, not behind the API): publishes
 * again, through the relay's publisher and with the relay's event ids, the event of the shipments
 * of given orders or of those created in a time window, and answers
 * `{ published, nextCursor?, notFound?, correlationId }`. See `republishShipments` and the README's
 * "Republishing ShipmentCreated". The run's correlation id (on every log line; each event keeps the
 * one of the flow that created its shipment) is the payload's `correlationId`, else a new one.
 * @throws ValidationError when the payload is not one of the accepted shapes.
 */
export const createShipmentsRepublisher =
  (deps: ShipmentsRepublisherDeps) =>
  async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<RepublishShipmentsOutput> => {
    const input = parseInput(event);
    // Same id as the observability middleware put on the logs (resolved once per event object).
    const correlationId = input.correlationId ?? resolveCorrelationId(event);
    deps.logger.info('Republishing ShipmentCreated', {
      orderIds: input.orderIds?.length,
      from: input.from,
      to: input.to,
      cursor: input.cursor,
      maxItems: input.maxItems,
    });

    const publisher: ShipmentCreatedPublisher = {
      publish: async (event: ShipmentCreated) => {
        await deps.publisher.publish(event);
        deps.metrics.addMetric('ShipmentCreatedRepublished', MetricUnit.Count, 1);
        deps.logger.debug('Republished ShipmentCreated', {
          eventId: event.id,
          orderId: event.data.orderId,
          shipmentId: event.data.shipmentId,
        });
      },
    };
    const result = await republishShipments(
      {
        shipments: deps.shipments,
        publisher,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        pageSize: deps.pageSize,
        timeReserveMs: deps.timeReserveMs,
      },
      commandOf(input),
    ).catch((error: unknown) => {
      // The resume payload keeps the run's correlation id, so one replay logs under one id.
      if (error instanceof RepublishInterruptedError) {
        throw new RepublishInterruptedError({ ...error.resume, correlationId }, error.published, { cause: error.cause });
      }
      throw error;
    });

    deps.logger.info(
      result.nextCursor === undefined
        ? 'Republished ShipmentCreated to the end'
        : 'Republished part of the window: re-invoke with the cursor',
      {
        published: result.published,
        stoppedBy: result.stoppedBy,
        nextCursor: result.nextCursor,
        notFound: result.notFound,
      },
    );
    return {
      published: result.published,
      ...(result.nextCursor !== undefined && { nextCursor: result.nextCursor }),
      ...(result.notFound !== undefined && { notFound: result.notFound }),
      correlationId,
    };
  };

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: SHIPPING_ENV,
  clients: { db: documentClient, sns: awsClient(SNSClient) },
});

/** Lambda entry point: the shipments replay with the shop's observability (correlation id from the payload, else new). */
export const handler = withObservability(
  createShipmentsRepublisher({
    shipments: new DynamoShipmentHistory(clients.db, env.tableName),
    publisher: createShipmentCreatedPublisher(clients.sns, env.topicArn),
    logger,
    metrics,
  }),
  { observability },
);
