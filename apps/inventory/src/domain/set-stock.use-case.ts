import type { Clock, StockRepository, WriteContext } from './ports';
import type { SetStockCommand, StockLevel } from './stock';

/** What {@link setStock} needs. */
export interface SetStockDeps {
  readonly stock: Pick<StockRepository, 'setAvailable'>;
  readonly clock: Clock;
}

/**
 * Sets how many units of a sku can be reserved (what reservations hold is kept apart). Without an
 * expected version the last write wins; with one, only if the stock is still at that version.
 * @throws StockNotFoundError / StockVersionConflictError with an expected version that does not hold.
 */
export const setStock = async (deps: SetStockDeps, command: SetStockCommand, context: WriteContext): Promise<StockLevel> =>
  deps.stock.setAvailable(command, deps.clock.now().toISOString(), context);
