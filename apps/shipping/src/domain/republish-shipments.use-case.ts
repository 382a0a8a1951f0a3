import { CorrelationIdSchema, runIdsReplay, runWindowReplay, type ReplayOptions, type ReplayStop } from '@shop/domain';
import * as z from 'zod/mini';
import { RepublishInterruptedError } from './errors';
import type { ShipmentCreated } from '@shop/shipping-contracts';
import type { CreationWindow, ShipmentCreatedPublisher, ShipmentHistory, StoredShipment } from './ports';
import { shipmentCreatedFor } from './shipment';

/** Most order ids one invocation takes (a few pages: well within one invocation's time). */
export const MAX_REPUBLISH_ORDER_IDS = 100;

/** Longest time window one replay covers; a longer outage is replayed window by window. */
export const MAX_REPUBLISH_WINDOW_DAYS = 31;

const DAY_MS = 24 * 60 * 60 * 1000;

// Accepts any offset and stores UTC with milliseconds, as shipments' createdAt is written.
const Instant = z.pipe(
  z.iso.datetime({ offset: true, error: 'Must be an ISO 8601 date-time, e.g. 2025-03-01T10:00:00Z.' }),
  z.transform((value) => new Date(value).toISOString()),
);

/**
 * Payload of the `republish-shipments` function: exactly one of `orderIds`, a window `from`/`to`,
 * or the `cursor` of an earlier invocation of a window replay. Strict: a misspelt field fails
 * instead of being silently ignored (a replay without its intended bounds would publish more).
 */
export const RepublishShipmentsInputSchema = z
  .strictObject({
    /** The orders whose shipment to republish (duplicates are published once). */
    orderIds: z.optional(
      z.array(z.uuid({ error: 'Must be an order id (UUID).' })).check(z.minLength(1), z.maxLength(MAX_REPUBLISH_ORDER_IDS)),
    ),
    /** Start of the creation-time window (included). */
    from: z.optional(Instant),
    /** End of the creation-time window (excluded). */
    to: z.optional(Instant),
    /** The `nextCursor` of the previous invocation of a window replay (it carries the window). */
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    /** Stop after this many shipments (a trial, or small steps); window replays only. @default no limit but time */
    maxItems: z.optional(z.int().check(z.minimum(1))),
    /** The replay's correlation id (logs), to keep one across its invocations. @default a new one */
    correlationId: z.optional(CorrelationIdSchema),
  })
  .check(
    z.superRefine((input, ctx) => {
      const modes = [input.orderIds !== undefined, input.from !== undefined || input.to !== undefined, input.cursor !== undefined];
      if (modes.filter(Boolean).length !== 1) {
        ctx.addIssue({ code: 'custom', path: [], message: 'Give exactly one of orderIds, from and to, or cursor.' });
        return;
      }
      if (input.orderIds !== undefined && input.maxItems !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['maxItems'], message: 'maxItems applies to a time window, not to orderIds.' });
      }
      if (modes[1]) {
        if (input.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'Required with to.' });
        if (input.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'Required with from.' });
        if (input.from === undefined || input.to === undefined) return;
        const length = Date.parse(input.to) - Date.parse(input.from);
        if (length <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'Must be later than from.' });
        if (length > MAX_REPUBLISH_WINDOW_DAYS * DAY_MS) {
          ctx.addIssue({ code: 'custom', path: ['to'], message: `The window may span at most ${MAX_REPUBLISH_WINDOW_DAYS} days.` });
        }
      }
    }),
  );

/** A parsed `republish-shipments` payload. */
export type RepublishShipmentsInput = z.infer<typeof RepublishShipmentsInputSchema>;

/** What {@link republishShipments} does in one run: the shipments of some orders, or those of a window. */
export type RepublishShipmentsCommand =
  | { readonly orderIds: readonly string[] }
  | {
      /** The window to start, or the cursor to resume from. */
      readonly from: { readonly window: CreationWindow } | { readonly cursor: string };
      /** Stop after publishing this many (at least 1). @default no limit */
      readonly maxItems?: number;
    };

/** What {@link republishShipments} needs. */
export interface RepublishShipmentsDeps {
  readonly shipments: ShipmentHistory;
  readonly publisher: ShipmentCreatedPublisher;
  /** Milliseconds left before the run is cut off (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /** @default REPLAY_PAGE_SIZE (of `@shop/domain`) */
  readonly pageSize?: number;
  /** @default REPLAY_TIME_RESERVE_MS (of `@shop/domain`) */
  readonly timeReserveMs?: number;
}

/** The outcome of one run. */
export interface RepublishShipmentsResult {
  /** Events published by this run. */
  readonly published: number;
  /** Window replays: resume with it; absent when the window has been read to its end. */
  readonly nextCursor?: string;
  /** Order-id replays: the orders that have no shipment (nothing published for them). */
  readonly notFound?: readonly string[];
  readonly stoppedBy: ReplayStop;
}

/**
 * Republishes `ShipmentCreated` for shipments that exist: those of the given orders, or those
 * created in a time window (oldest first, page by page, resumable from a cursor). Each is the very
 * event the outbox relay published ({@link shipmentCreatedFor}: same id, time and correlation id),
 * so consumers that deduplicate by event id apply it at most once: the replay recovers events that
 * were dropped (a relay that gave up, a subscription that lost messages) and repeats the others
 * harmlessly.
 *
 * A page's events are published concurrently; if one fails, the run throws
 * {@link RepublishInterruptedError} naming the payload to resume with (that page again, same ids).
 * A window replay reads at least one page, then stops when the window ends, after `maxItems`, or
 * before a page would start with less than the time reserve left, and returns a `nextCursor`.
 * @throws InvalidCursorError when `cursor` was not issued by a previous run.
 * @throws RepublishInterruptedError when an event could not be published.
 */
export const republishShipments = async (
  deps: RepublishShipmentsDeps,
  command: RepublishShipmentsCommand,
): Promise<RepublishShipmentsResult> => {
  const replay: Omit<ReplayOptions<StoredShipment, ShipmentCreated>, 'interrupted'> = {
    eventOf: ({ shipment, correlationId }) => shipmentCreatedFor(shipment, correlationId),
    publish: (event) => deps.publisher.publish(event),
    pageSize: deps.pageSize,
  };
  if ('orderIds' in command) {
    const { published, notFound, stoppedBy } = await runIdsReplay({
      ...replay,
      ids: command.orderIds,
      readByIds: (orderIds) => deps.shipments.getStored(orderIds),
      idOf: ({ shipment }) => shipment.orderId,
      interrupted: (failure) =>
        new RepublishInterruptedError({ orderIds: failure.remainingIds }, failure.published, { cause: failure.cause }),
    });
    return { published, ...(notFound.length > 0 && { notFound }), stoppedBy };
  }

  const start = command.from;
  const window = 'window' in start ? start.window : undefined;
  const { published, nextCursor, stoppedBy } = await runWindowReplay({
    ...replay,
    ...('cursor' in start && { cursor: start.cursor }),
    ...(command.maxItems !== undefined && { maxItems: command.maxItems }),
    timeReserveMs: deps.timeReserveMs,
    remainingTimeMs: deps.remainingTimeMs,
    // Only a run that starts from a window reads without a cursor, and only its first page.
    readPage: (cursor, limit) => deps.shipments.listCreated(cursor === undefined ? start : { cursor }, limit),
    // The resume payload keeps what is left of maxItems, so a trial that failed stays a trial.
    interrupted: ({ cursor, published, maxItemsLeft, cause }) =>
      new RepublishInterruptedError(
        { ...(cursor === undefined ? window : { cursor }), ...(maxItemsLeft !== undefined && { maxItems: maxItemsLeft }) },
        published,
        { cause },
      ),
  });
  return { published, ...(nextCursor !== undefined && { nextCursor }), stoppedBy };
};
