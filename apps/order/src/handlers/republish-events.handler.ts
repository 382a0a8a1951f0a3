import { SNSClient } from '@aws-sdk/client-sns';
import { parseOperatorPayload } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  awsClient,
  coldStart,
  createOperatorReplay,
  pickEnv,
  withObservability,
  type OperatorReplayHandler,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import { createOrderEventPublisher } from '../adapters/order-events.publisher';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { ORDER_ENV } from '../config/env';
import type { OrderEvent, OrderEventPublisher, OrderRepository } from '../domain/ports';
import {
  republishEvents,
  RepublishEventsInputSchema,
  type RepublishEventsCommand,
  type RepublishEventsInput,
} from '../domain/republish-events.use-case';

/** What the event replay needs; tests pass fakes. */
export interface EventRepublisherDeps {
  readonly orders: Pick<OrderRepository, 'getStored' | 'listSettled' | 'partitions'>;
  readonly publisher: OrderEventPublisher;
  readonly logger: Pick<LogSink, 'info' | 'debug'>;
  readonly metrics: MetricSink;
  /** @default REPLAY_PAGE_SIZE (of `@shop/domain`) */
  readonly pageSize?: number;
  /** @default REPLAY_TIME_RESERVE_MS (of `@shop/domain`) */
  readonly timeReserveMs?: number;
}

/**
 * What an invocation answers. Resume a window with `{ ...sameWindow, "cursor": nextCursor }` while
 * `nextCursor` is there; `notFound` lists the order ids given that no order has.
 */
export interface RepublishEventsOutput {
  readonly published: number;
  /** Orders with no event to replay (still PENDING). */
  readonly skipped: number;
  readonly notFound?: readonly string[];
  readonly nextCursor?: string;
  /** The run's correlation id (its log lines); the events keep the correlation id they were first published with. */
  readonly correlationId: string;
}

const PAYLOAD_SHAPE = '{ "orderIds": [...] } or { "placedFrom", "placedTo", "cursor"?, "maxItems"? }, with "correlationId"?';

const parseInput = (event: unknown) =>
  parseOperatorPayload(RepublishEventsInputSchema, event, { name: 'republish-events', expected: PAYLOAD_SHAPE });

/** The replay an accepted payload asks for (the schema lets through ids, or a whole window). */
const commandOf = (input: RepublishEventsInput): RepublishEventsCommand => {
  if (input.orderIds !== undefined) return { orderIds: input.orderIds };
  const { placedFrom, placedTo, cursor, maxItems } = input;
  if (placedFrom === undefined || placedTo === undefined) throw new Error('The payload schema lets no half window through.');
  return { placedFrom, placedTo, ...(cursor !== undefined && { cursor }), ...(maxItems !== undefined && { maxItems }) };
};

/**
 * The operator's replay of order events (`aws lambda invoke`, not behind the API): republishes the
 * event of each order's current status (`OrderConfirmed`, `OrderCancelled`, `OrderNeedsAttention`)
 * for the order ids given, or for the orders placed in a time window, through the relay's publisher
 * and with the relay's event ids (consumers deduplicate). See `republishEvents` and the README's
 * "Replaying order events".
 * @throws ValidationError when the payload is not one of the accepted shapes.
 * @throws InvalidCursorError when the cursor is not one of a previous run over the same window.
 * @throws RepublishInterruptedError when SNS failed part-way (its message says how to resume).
 */
export const createEventRepublisher = (deps: EventRepublisherDeps): OperatorReplayHandler<RepublishEventsOutput> =>
  createOperatorReplay(
    {
      parse: parseInput,
      starting: [
        'Republishing order events',
        (input) => ({
          orderIds: input.orderIds?.length,
          placedFrom: input.placedFrom,
          placedTo: input.placedTo,
          cursor: input.cursor,
          maxItems: input.maxItems,
        }),
      ],
      eventFields: (event: OrderEvent) => ({ orderId: event.data.orderId }),
      run: (input, { publish, remainingTimeMs }) =>
        republishEvents(
          { orders: deps.orders, publisher: { publish }, remainingTimeMs, pageSize: deps.pageSize, timeReserveMs: deps.timeReserveMs },
          commandOf(input),
        ),
      finished: ['Republished order events to the end', 'Republished part of the window: re-invoke with the cursor'],
      details: ({ skipped, notFound }) => ({
        log: { skipped, notFound },
        output: { skipped, ...(notFound.length > 0 && { notFound }) },
      }),
    },
    (event) => deps.publisher.publish(event),
    deps,
  );

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(ORDER_ENV, 'tableName', 'topicArn'),
  clients: { db: documentClient, sns: awsClient(SNSClient) },
});

/** Lambda entry point: the event replay with the shop's observability (correlation id from the payload, else new). */
export const handler = withObservability(
  createEventRepublisher({
    orders: new DynamoOrderRepository(clients.db, env.tableName),
    publisher: createOrderEventPublisher(clients.sns, env.topicArn),
    logger,
    metrics,
  }),
  { observability },
);
