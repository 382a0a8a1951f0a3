import { SNSClient } from '@aws-sdk/client-sns';
import { parseOperatorPayload } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  awsClient,
  coldStart,
  MetricUnit,
  pickEnv,
  resolveCorrelationId,
  withObservability,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import type { Context } from 'aws-lambda';
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
  /** @default REPUBLISH_PAGE_SIZE */
  readonly pageSize?: number;
  /** @default REPUBLISH_TIME_RESERVE_MS */
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
export const createEventRepublisher =
  (deps: EventRepublisherDeps) =>
  async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<RepublishEventsOutput> => {
    const input = parseInput(event);
    // Same id as the observability middleware put on the logs (resolved once per event object).
    const correlationId = input.correlationId ?? resolveCorrelationId(event);
    deps.logger.info('Republishing order events', {
      orderIds: input.orderIds?.length,
      placedFrom: input.placedFrom,
      placedTo: input.placedTo,
      cursor: input.cursor,
      maxItems: input.maxItems,
    });

    const publisher: OrderEventPublisher = {
      publish: async (orderEvent: OrderEvent) => {
        await deps.publisher.publish(orderEvent);
        deps.metrics.addMetric(`${orderEvent.type}Republished`, MetricUnit.Count, 1);
        deps.logger.debug(`Republished ${orderEvent.type}`, { eventId: orderEvent.id, orderId: orderEvent.data.orderId });
      },
    };
    const result = await republishEvents(
      {
        orders: deps.orders,
        publisher,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        pageSize: deps.pageSize,
        timeReserveMs: deps.timeReserveMs,
      },
      commandOf(input),
    );

    const done = result.nextCursor === undefined;
    deps.logger.info(done ? 'Republished order events to the end' : 'Republished part of the window: re-invoke with the cursor', {
      published: result.published,
      skipped: result.skipped,
      notFound: result.notFound,
      stoppedBy: result.stoppedBy,
      nextCursor: result.nextCursor,
    });
    return {
      published: result.published,
      skipped: result.skipped,
      ...(result.notFound.length > 0 && { notFound: result.notFound }),
      ...(result.nextCursor !== undefined && { nextCursor: result.nextCursor }),
      correlationId,
    };
  };

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
