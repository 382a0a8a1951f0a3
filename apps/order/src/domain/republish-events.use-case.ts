import { CorrelationIdSchema, InvalidCursorError, runIdsReplay, runWindowReplay, type ReplayFailure, type ReplayStop } from '@shop/domain';
import { OrderIdSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';
import { RepublishInterruptedError } from './errors';
import { orderEventOf } from './order-events';
import type { OrderEvent, OrderEventPublisher, OrderRepository, StoredOrder } from './ports';

/** Most order ids one invocation takes. */
export const REPUBLISH_MAX_ORDER_IDS = 100;

/**
 * Payload of the `republish-events` function: either `orderIds`, or a checkout time window
 * `placedFrom` (inclusive) to `placedTo` (exclusive), ISO 8601 in UTC, with the `cursor` of the
 * previous invocation. Strict: a misspelt field fails instead of being silently ignored.
 */
export const RepublishEventsInputSchema = z
  .strictObject({
    /** The orders whose current event to republish (1 to 100). */
    orderIds: z.optional(z.array(OrderIdSchema).check(z.minLength(1), z.maxLength(REPUBLISH_MAX_ORDER_IDS))),
    /** Start of the checkout time window (inclusive). */
    placedFrom: z.optional(z.iso.datetime()),
    /** End of the checkout time window (exclusive). */
    placedTo: z.optional(z.iso.datetime()),
    /** The `nextCursor` of the previous invocation over the same window. */
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
    /** Stop after this many events (a trial run, or small steps). @default no limit but time */
    maxItems: z.optional(z.int().check(z.minimum(1))),
    /** The replay's correlation id, for its logs across invocations. @default a new one */
    correlationId: z.optional(CorrelationIdSchema),
  })
  .check((ctx) => {
    const { orderIds, placedFrom, placedTo, cursor } = ctx.value;
    const window = placedFrom !== undefined || placedTo !== undefined;
    const issue = (path: string, message: string) => ctx.issues.push({ code: 'custom', input: ctx.value, path: [path], message });
    if (orderIds !== undefined && window) issue('orderIds', 'Give either orderIds or placedFrom and placedTo, not both.');
    else if (orderIds === undefined && !window) issue('orderIds', 'Give orderIds, or placedFrom and placedTo.');
    if (window && placedFrom === undefined) issue('placedFrom', 'placedFrom is required with placedTo.');
    if (window && placedTo === undefined) issue('placedTo', 'placedTo is required with placedFrom.');
    if (placedFrom !== undefined && placedTo !== undefined && Date.parse(placedFrom) >= Date.parse(placedTo)) {
      issue('placedTo', 'placedTo must be after placedFrom.');
    }
    if (cursor !== undefined && orderIds !== undefined) issue('cursor', 'A cursor continues a time window, not a list of order ids.');
  });

/** A parsed `republish-events` payload. */
export type RepublishEventsInput = z.infer<typeof RepublishEventsInputSchema>;

/** What {@link republishEvents} does in one run. */
export type RepublishEventsCommand =
  | { readonly orderIds: readonly string[] }
  | {
      readonly placedFrom: string;
      readonly placedTo: string;
      /** Where to resume: a `nextCursor` of a previous run over the same window. */
      readonly cursor?: string;
      /** Stop after publishing this many events (at least 1). @default no limit */
      readonly maxItems?: number;
    };

/** What {@link republishEvents} needs. */
export interface RepublishEventsDeps {
  readonly orders: Pick<OrderRepository, 'getStored' | 'listSettled' | 'partitions'>;
  /** The publisher the stream relay uses. */
  readonly publisher: OrderEventPublisher;
  /** Milliseconds left before the run is cut off (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /** @default REPLAY_PAGE_SIZE (of `@shop/domain`) */
  readonly pageSize?: number;
  /** @default REPLAY_TIME_RESERVE_MS (of `@shop/domain`) */
  readonly timeReserveMs?: number;
}

/** The outcome of one run. */
export interface RepublishEventsResult {
  /** Events published by this run. */
  readonly published: number;
  /** Orders with no event to replay (still PENDING). */
  readonly skipped: number;
  /** Order ids given that no order has. */
  readonly notFound: readonly string[];
  /** Resume with it; absent when the window has been read to its end. */
  readonly nextCursor?: string;
  /** `done`, `max-items` reached, or `time` running short. */
  readonly stoppedBy: ReplayStop;
}

const WindowCursorSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  partition: z.int().check(z.minimum(0)),
  page: z.optional(z.string().check(z.minLength(1))),
});

type WindowCursor = z.infer<typeof WindowCursorSchema>;

const encodeWindowCursor = (cursor: WindowCursor): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

const decodeWindowCursor = (cursor: string, from: string, to: string, partitions: number): WindowCursor => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError('cursor', { cause: error });
  }
  const result = WindowCursorSchema.safeParse(parsed);
  // A cursor of another window would resume somewhere meaningless: refused.
  if (!result.success || result.data.from !== from || result.data.to !== to || result.data.partition >= partitions) {
    throw new InvalidCursorError('cursor', result.success ? undefined : { cause: result.error });
  }
  return result.data;
};

/** The instant of an ISO 8601 time as the table stores times (`toISOString`), so string comparison orders them. */
const canonical = (iso: string): string => new Date(iso).toISOString();

/**
 * Republishes, for each order asked for, the event of the status it is in now (`OrderConfirmed`,
 * `OrderCancelled`, `OrderNeedsAttention`: see {@link orderEventOf}), through the relay's publisher
 * and with the relay's event id, time and correlation id: the very event the relay published, so
 * consumers that deduplicate by id drop what they already have and apply what they missed. PENDING
 * orders have no event and are skipped.
 *
 * Either a list of order ids (read by key), or the orders placed in a time window (read from the
 * status index's settled partitions, one Query page at a time, never a Scan). A window run stops
 * at its end, after `maxItems` events, or before a page would start with less than the time
 * reserve left, and returns a `nextCursor` to resume from. A page's events are published
 * concurrently; if one fails, the run throws {@link RepublishInterruptedError} with the cursor of
 * that page (its events are republished with the same ids on resume).
 * @throws InvalidCursorError when `cursor` was not issued by a previous run over the same window.
 * @throws RepublishInterruptedError when an event could not be published.
 */
export const republishEvents = async (deps: RepublishEventsDeps, command: RepublishEventsCommand): Promise<RepublishEventsResult> => {
  const replay = {
    eventOf: (stored: StoredOrder) => orderEventOf(stored.order, stored.correlationId),
    publish: (event: OrderEvent) => deps.publisher.publish(event),
    interrupted: ({ cursor, published, cause }: ReplayFailure) => new RepublishInterruptedError(cursor, published, { cause }),
  };
  if ('orderIds' in command) {
    const result = await runIdsReplay({
      ...replay,
      ids: command.orderIds,
      // All ids (at most 100) are read and published at once: a failure resumes with the same payload.
      pageSize: Number.POSITIVE_INFINITY,
      readByIds: async (ids) => (await Promise.all(ids.map((orderId) => deps.orders.getStored(orderId)))).filter((stored) => !!stored),
      idOf: (stored) => stored.order.orderId,
    });
    return { published: result.published, skipped: result.skipped, notFound: result.notFound, stoppedBy: result.stoppedBy };
  }

  const from = canonical(command.placedFrom);
  const to = canonical(command.placedTo);
  const { partitions } = deps.orders;
  const result = await runWindowReplay({
    ...replay,
    // The first page has a cursor too (partition 0), so a failure there names where to resume.
    cursor: command.cursor ?? encodeWindowCursor({ from, to, partition: 0 }),
    ...(command.maxItems !== undefined && { maxItems: command.maxItems }),
    pageSize: deps.pageSize,
    timeReserveMs: deps.timeReserveMs,
    remainingTimeMs: deps.remainingTimeMs,
    // A page of the current partition; the next cursor continues it, else starts the next partition.
    readPage: async (cursor = '', limit) => {
      const position = decodeWindowCursor(cursor, from, to, partitions);
      const page = await deps.orders.listSettled(position.partition, from, to, limit, position.page);
      const next: WindowCursor | undefined =
        page.nextCursor !== undefined
          ? { from, to, partition: position.partition, page: page.nextCursor }
          : position.partition + 1 < partitions
            ? { from, to, partition: position.partition + 1 }
            : undefined;
      return { items: page.items, ...(next !== undefined && { nextCursor: encodeWindowCursor(next) }) };
    },
  });
  const { published, skipped, nextCursor, stoppedBy } = result;
  return { published, skipped, notFound: [], ...(nextCursor !== undefined && { nextCursor }), stoppedBy };
};
