import { CorrelationIdSchema, nameBasedId, runWindowReplay, type ReplayStop } from '@shop/domain';
import { createProductChanged, type ProductChanged } from '@shop/product-contracts';
import * as z from 'zod/mini';
import { RepublishInterruptedError } from './errors';
import type { ProductChangedPublisher, ProductRepository } from './ports';
import type { Product } from './product';

/**
 * Payload of the `republish-catalog` function. Strict: a misspelt field fails instead of being
 * silently ignored (a replay without its intended `maxItems` would run to the end).
 */
export const RepublishCatalogInputSchema = z.strictObject({
  /** The `nextCursor` of the previous invocation; absent: from the beginning. */
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  /** Stop after this many products (a trial run, or small steps). @default no limit but time */
  maxItems: z.optional(z.number().check(z.int(), z.minimum(1))),
  /** The replay's correlation id, to keep one across the invocations of one replay. @default a new one */
  correlationId: z.optional(CorrelationIdSchema),
});

/** A parsed `republish-catalog` payload. */
export type RepublishCatalogInput = z.infer<typeof RepublishCatalogInputSchema>;

/** What {@link republishCatalog} does in one run. */
export interface RepublishCatalogCommand {
  /** Where to resume: a `nextCursor` of a previous run. */
  readonly cursor?: string;
  /** Stop after publishing this many products (at least 1). @default no limit */
  readonly maxItems?: number;
  /** Stamped on every event of the run. */
  readonly correlationId: string;
}

/** What {@link republishCatalog} needs. */
export interface RepublishCatalogDeps {
  readonly products: Pick<ProductRepository, 'listAll'>;
  readonly publisher: ProductChangedPublisher;
  /** Milliseconds left before the run is cut off (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /** @default REPLAY_PAGE_SIZE (of `@shop/domain`) */
  readonly pageSize?: number;
  /** @default REPLAY_TIME_RESERVE_MS (of `@shop/domain`) */
  readonly timeReserveMs?: number;
}

/** The outcome of one run; `nextCursor` is there whenever the catalog was not finished. */
export interface RepublishCatalogResult {
  /** Events published by this run. */
  readonly published: number;
  /** Resume with it; absent when the catalog has been read to its end. */
  readonly nextCursor?: string;
  /** The run's correlation id, on every event it published. */
  readonly correlationId: string;
  readonly stoppedBy: ReplayStop;
}

/**
 * Id of the replayed event of a product state: the same product at the same version gives the same
 * id on every run, so consumers that deduplicate by id drop a second replay. `updatedAt` tells apart
 * two lives of one sku (a product deleted and created again restarts at version 1).
 */
export const republishedEventId = (product: Pick<Product, 'sku' | 'version' | 'updatedAt'>): string =>
  nameBasedId(`republish#${product.sku}#${product.version}#${product.updatedAt}`);

// DynamoDB stream records are stamped to the second, and so are the relay's events: a replay
// truncated the same way is never later than the live event of the same write. That matters to
// read models that order by time (basket keeps a deletion's tombstone unless a change is strictly
// newer): a replay of a product read just before it was deleted must not look newer than the deletion.
const toWholeSecond = (iso: string): string => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();

/**
 * The `ProductChanged` a replay publishes for a product as it is now: change `updated` with the
 * product's current state and version, {@link republishedEventId}, and the time of the product's
 * last write (to the second), not of the replay, because that is when this state came to be.
 */
export const republishedProductChanged = (product: Product, correlationId: string): ProductChanged =>
  createProductChanged({
    change: 'updated',
    product,
    id: republishedEventId(product),
    correlationId,
    time: toWholeSecond(product.updatedAt),
  });

/**
 * Republishes the catalog: one `ProductChanged` (`updated`, current state and version) for every
 * product in the table, page by page from `cursor`, so that a consumer deployed or restored after
 * the products were written (an empty read model) learns them. Consumers that keep only newer
 * versions (basket) ignore what they already have. Deleted products are no longer in the table and
 * get no event: consumers keep the tombstones their `deleted` events left.
 *
 * At least one page is read; the run then stops when the catalog ends, after `maxItems` products,
 * or before a page would start with less than the time reserve left, and returns a `nextCursor`
 * to resume from. A page's events are published concurrently; if one fails, the run throws
 * {@link RepublishInterruptedError} with the cursor of that page (its events are republished
 * with the same ids on resume).
 * @throws InvalidCursorError when `cursor` was not issued by a previous run.
 * @throws RepublishInterruptedError when an event could not be published.
 */
export const republishCatalog = async (deps: RepublishCatalogDeps, command: RepublishCatalogCommand): Promise<RepublishCatalogResult> => {
  const { correlationId } = command;
  const { published, nextCursor, stoppedBy } = await runWindowReplay({
    readPage: (cursor, limit) => deps.products.listAll(limit, cursor),
    eventOf: (product: Product) => republishedProductChanged(product, correlationId),
    publish: (event) => deps.publisher.publish(event),
    interrupted: ({ cursor, published, maxItemsLeft, cause }) =>
      new RepublishInterruptedError(cursor, published, correlationId, { cause, resumeMaxItems: maxItemsLeft }),
    ...(command.cursor !== undefined && { cursor: command.cursor }),
    ...(command.maxItems !== undefined && { maxItems: command.maxItems }),
    pageSize: deps.pageSize,
    timeReserveMs: deps.timeReserveMs,
    remainingTimeMs: deps.remainingTimeMs,
  });
  return { published, ...(nextCursor !== undefined && { nextCursor }), correlationId, stoppedBy };
};
