import { SNSClient } from '@aws-sdk/client-sns';
import { parseOperatorPayload } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  awsClient,
  coldStart,
  createOperatorReplay,
  withObservability,
  type OperatorReplayHandler,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import type { ShipmentCreated } from '@shop/shipping-contracts';
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
  /** @default REPLAY_PAGE_SIZE (of `@shop/domain`) */
  readonly pageSize?: number;
  /** @default REPLAY_TIME_RESERVE_MS (of `@shop/domain`) */
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
export const createShipmentsRepublisher = (deps: ShipmentsRepublisherDeps): OperatorReplayHandler<RepublishShipmentsOutput> =>
  createOperatorReplay(
    {
      parse: parseInput,
      starting: [
        'Republishing ShipmentCreated',
        (input) => ({ orderIds: input.orderIds?.length, from: input.from, to: input.to, cursor: input.cursor, maxItems: input.maxItems }),
      ],
      eventFields: (event: ShipmentCreated) => ({ orderId: event.data.orderId, shipmentId: event.data.shipmentId }),
      run: (input, { publish, correlationId, remainingTimeMs }) =>
        republishShipments(
          {
            shipments: deps.shipments,
            publisher: { publish },
            remainingTimeMs,
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
        }),
      finished: ['Republished ShipmentCreated to the end', 'Republished part of the window: re-invoke with the cursor'],
      details: ({ notFound }) => ({ log: { notFound }, output: { ...(notFound !== undefined && { notFound }) } }),
    },
    (event) => deps.publisher.publish(event),
    deps,
  );

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
