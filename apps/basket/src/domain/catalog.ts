import type { Money } from '@shop/domain';
import type { ProductChanged } from '@shop/product-contracts';

/**
 * What basket knows of one catalog product: its own read model, fed by `ProductChanged`. The basket
 * prices lines from here and never from the client. A deleted product stays as a tombstone, so that
 * an older event arriving late cannot bring it back.
 */
export interface CatalogEntry {
  readonly sku: string;
  readonly name: string;
  /** Unit price in integer minor units. */
  readonly price: Money;
  /** The product's version (`ProductChanged.data.product.version`). */
  readonly version: number;
  /** The product was deleted: not for sale. */
  readonly deleted: boolean;
  /** Time of the event that produced this state (`ProductChanged.time`, ISO 8601). */
  readonly changedAt: string;
}

/** Whether the entry can be put in a basket. */
export const isForSale = (entry: CatalogEntry | undefined): entry is CatalogEntry => entry !== undefined && !entry.deleted;

/** The read model state a `ProductChanged` event stands for. */
export const catalogEntryFromEvent = (event: ProductChanged): CatalogEntry => {
  const { product, change } = event.data;
  return {
    sku: product.sku,
    name: product.name,
    price: product.price,
    version: product.version,
    deleted: change === 'deleted',
    changedAt: event.time,
  };
};

/**
 * Whether `incoming` is newer than `stored` and so replaces it. SNS and SQS do not keep order and
 * may redeliver, so every event is checked against what is stored:
 * - nothing stored: apply;
 * - a live product: a newer version replaces it; a deletion at the same or a newer version, made
 *   no earlier than the stored state, removes it (a delete carries the last version of the product);
 * - a tombstone: a newer version replaces it, and so does a re-creation (versions restart at 1)
 *   made strictly after the deletion.
 * Duplicates (same version, same kind) never apply twice. The DynamoDB adapter states the same rule
 * as a ConditionExpression, so it holds under concurrent consumers too.
 */
export const supersedes = (incoming: CatalogEntry, stored: CatalogEntry | undefined): boolean => {
  if (!stored) return true;
  if (incoming.deleted) return !stored.deleted && stored.version <= incoming.version && stored.changedAt <= incoming.changedAt;
  if (!stored.deleted) return stored.version < incoming.version;
  return stored.version < incoming.version || stored.changedAt < incoming.changedAt;
};
