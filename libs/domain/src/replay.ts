/** Items read, then their events published concurrently, per page of a replay. */
export const REPLAY_PAGE_SIZE = 25;

/**
 * Time left in the invocation under which a replay starts no further page: enough for one page of
 * publishes with the SDK's retries, so the function returns its cursor instead of timing out.
 */
export const REPLAY_TIME_RESERVE_MS = 20_000;

/** Why a replay run ended: everything asked for was published, `maxItems` was reached, or time ran short. */
export type ReplayStop = 'done' | 'max-items' | 'time';

/** One page a replay reads; `nextCursor` is absent once the source is read to its end. */
export interface ReplayPage<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** What every replay is given: how to turn an item into its event and publish it, and the run's limits. */
export interface ReplayOptions<T, E> {
  /** The event to republish for an item; `undefined`: nothing to publish (the item counts as skipped). */
  readonly eventOf: (item: T) => E | undefined;
  /** Publishes one event (the live relay's publisher, so the event keeps its id). */
  readonly publish: (event: E) => Promise<void>;
  /** Items read per page (for a window, at most what is left of `maxItems`). @default REPLAY_PAGE_SIZE */
  readonly pageSize?: number;
  /** The error a failed page throws; it should say what to re-invoke with. */
  readonly interrupted: (failure: ReplayFailure) => Error;
}

/** A page whose publishing failed: where to resume and what the run had done before it. */
export interface ReplayFailure {
  /** Events published before the failing page (that page's events are published again on resume). */
  readonly published: number;
  /** Window replays: the cursor of the failing page (`undefined`: the run's first page had no cursor). */
  readonly cursor?: string;
  /** Window replays: what is left of `maxItems` (`undefined`: the run had no limit), so a failed trial stays a trial. */
  readonly maxItemsLeft?: number;
  /** Id replays: the ids from the failing page on. */
  readonly remainingIds?: readonly string[];
  /** Why the publish failed (the first rejection of the page). */
  readonly cause: unknown;
}

/** A replay over a paged source (a time window, a whole table), resumable from a cursor. */
export interface WindowReplayOptions<T, E> extends ReplayOptions<T, E> {
  /** Reads up to `limit` items from `cursor` (`undefined`: from the start). */
  readonly readPage: (cursor: string | undefined, limit: number) => Promise<ReplayPage<T>>;
  /** Where to resume: a `nextCursor` of a previous run; absent: from the start. */
  readonly cursor?: string;
  /** Stop after publishing this many events (at least 1). @default no limit */
  readonly maxItems?: number;
  /** Milliseconds left before the run is cut off (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /** @default REPLAY_TIME_RESERVE_MS */
  readonly timeReserveMs?: number;
}

/** A replay of the items of given ids. */
export interface IdsReplayOptions<T, E> extends ReplayOptions<T, E> {
  /** The ids asked for; duplicates are replayed once. */
  readonly ids: readonly string[];
  /** Reads the items of some ids (those that exist, in any order). */
  readonly readByIds: (ids: readonly string[]) => Promise<readonly T[]>;
  /** The id an item was asked for by. */
  readonly idOf: (item: T) => string;
}

/** The outcome of one replay run. */
export interface ReplayResult {
  /** Events published by this run. */
  readonly published: number;
  /** Items read that had no event to publish. */
  readonly skipped: number;
  /** Id replays: the ids given that no item has. */
  readonly notFound: readonly string[];
  /** Window replays: resume with it; absent when the source has been read to its end. */
  readonly nextCursor?: string;
  readonly stoppedBy: ReplayStop;
}

/** Publishes a page's events concurrently; throws the replay's `interrupted` error on the first rejection. */
const publishPage = async <T, E>(
  options: ReplayOptions<T, E>,
  items: readonly T[],
  failure: Omit<ReplayFailure, 'cause'>,
): Promise<{ published: number; skipped: number }> => {
  const events = items.map((item) => options.eventOf(item));
  const outcomes = await Promise.allSettled(events.map((event) => (event === undefined ? Promise.resolve() : options.publish(event))));
  const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
  if (rejected) throw options.interrupted({ ...failure, cause: rejected.reason });
  const published = events.filter((event) => event !== undefined).length;
  return { published, skipped: events.length - published };
};

/**
 * Runs a window replay: reads a page (at most `pageSize`, and at most what is left of `maxItems`),
 * publishes its events concurrently, and repeats from the page's `nextCursor`. At least one page is
 * read; the run then stops when the source ends (`done`, no `nextCursor`), once `maxItems` events
 * are published, or before a page would start with less than `timeReserveMs` left, and returns the
 * `nextCursor` to resume from. If a publish fails, it throws `interrupted({ cursor, maxItemsLeft, ... })`
 * with the cursor of the failing page, so a resume republishes that page (with the same event ids).
 */
export const runWindowReplay = async <T, E>(options: WindowReplayOptions<T, E>): Promise<ReplayResult> => {
  const pageSize = options.pageSize ?? REPLAY_PAGE_SIZE;
  const reserveMs = options.timeReserveMs ?? REPLAY_TIME_RESERVE_MS;
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  let cursor = options.cursor;
  let published = 0;
  let skipped = 0;

  for (;;) {
    const page = await options.readPage(cursor, Math.min(pageSize, maxItems - published));
    const outcome = await publishPage(options, page.items, {
      published,
      ...(cursor !== undefined && { cursor }),
      ...(Number.isFinite(maxItems) && { maxItemsLeft: maxItems - published }),
    });
    published += outcome.published;
    skipped += outcome.skipped;
    cursor = page.nextCursor;

    if (cursor === undefined) return { published, skipped, notFound: [], stoppedBy: 'done' };
    if (published >= maxItems) return { published, skipped, notFound: [], nextCursor: cursor, stoppedBy: 'max-items' };
    if (options.remainingTimeMs() < reserveMs) return { published, skipped, notFound: [], nextCursor: cursor, stoppedBy: 'time' };
  }
};

/**
 * Runs an id replay: the distinct ids, `pageSize` at a time, are read and their events published
 * concurrently; ids no item has are returned as `notFound`. If a publish fails, it throws
 * `interrupted({ remainingIds, ... })` with the ids from the failing page on.
 */
export const runIdsReplay = async <T, E>(options: IdsReplayOptions<T, E>): Promise<ReplayResult> => {
  const pageSize = options.pageSize ?? REPLAY_PAGE_SIZE;
  const ids = [...new Set(options.ids)];
  const notFound: string[] = [];
  let published = 0;
  let skipped = 0;
  for (let start = 0; start < ids.length; start += pageSize) {
    const page = ids.slice(start, start + pageSize);
    const items = await options.readByIds(page);
    const found = new Set(items.map((item) => options.idOf(item)));
    notFound.push(...page.filter((id) => !found.has(id)));
    const outcome = await publishPage(options, items, { published, remainingIds: ids.slice(start) });
    published += outcome.published;
    skipped += outcome.skipped;
  }
  return { published, skipped, notFound, stoppedBy: 'done' };
};
