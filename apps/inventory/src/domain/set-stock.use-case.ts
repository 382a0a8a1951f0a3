import { StockPreconditionRequiredError } from './errors';
import type { Clock, StockRepository, WriteContext } from './ports';
import type { SetStockCommand, StockLevel } from './stock';

/** What {@link setStock} needs. */
export interface SetStockDeps {
  readonly stock: Pick<StockRepository, 'create' | 'setAvailable'>;
  readonly clock: Clock;
}

/** What {@link setStock} did: `created` tells a first record of the sku's stock from an update. */
export interface SetStockResult {
  readonly stock: StockLevel;
  readonly created: boolean;
}

/**
 * Sets how many units of a sku can be reserved (what reservations hold is kept apart), never
 * blindly: an update only at the version the administrator read, a create only for a sku without
 * stock. Receiving or correcting units while orders reserve is an adjustment (`adjustStock`), which
 * needs no version.
 * @throws StockPreconditionRequiredError without a precondition (nothing written).
 * @throws StockNotFoundError / StockVersionConflictError when an update's version does not hold.
 * @throws StockAlreadyExistsError when a create finds stock.
 */
export const setStock = async (deps: SetStockDeps, command: SetStockCommand, context: WriteContext): Promise<SetStockResult> => {
  const { sku, available, precondition } = command;
  if (!precondition) throw new StockPreconditionRequiredError(sku);
  const now = deps.clock.now().toISOString();
  if (precondition.kind === 'update') {
    return {
      stock: await deps.stock.setAvailable({ sku, available, expectedVersion: precondition.expectedVersion }, now, context),
      created: false,
    };
  }
  const level: StockLevel = { sku, available, reserved: 0, version: 1, updatedAt: now };
  await deps.stock.create(level, context);
  return { stock: level, created: true };
};
