import type { ProductChanged } from '@shop/product-contracts';
import { catalogEntryFromEvent } from './catalog';
import type { PriceCatalog } from './ports';

/** What {@link applyProductChange} needs. */
export interface ApplyProductChangeDeps {
  readonly catalog: Pick<PriceCatalog, 'apply'>;
}

/** What became of an event: stored, or ignored as older than (or the same as) what is stored. */
export type ProductChangeOutcome = 'applied' | 'stale';

/**
 * Keeps the price read model in step with the catalog: stores the product's name, price and
 * deleted flag when the event is newer than what is stored (see `supersedes`), ignores it otherwise.
 * Redelivered and out-of-order events are therefore harmless.
 */
export const applyProductChange = async (deps: ApplyProductChangeDeps, event: ProductChanged): Promise<ProductChangeOutcome> =>
  (await deps.catalog.apply(catalogEntryFromEvent(event))) ? 'applied' : 'stale';
