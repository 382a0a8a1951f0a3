import { AdjustmentKeyReusedError, StockAdjustmentOutOfRangeError, StockNotFoundError } from './errors';
import type { Clock, StockRepository, WriteContext } from './ports';
import type { StockAdjustment, StockLevel } from './stock';

/** What {@link adjustStock} needs. */
export interface AdjustStockDeps {
  readonly stock: Pick<StockRepository, 'adjust' | 'get'>;
  readonly clock: Clock;
}

/** One adjustment as an administrator asks for it (`POST /{sku}/adjustments` + `Idempotency-Key`). */
export interface AdjustStockCommand {
  readonly sku: string;
  readonly idempotencyKey: string;
  readonly delta: number;
  readonly reason: string;
}

/** What {@link adjustStock} answers. */
export interface AdjustStockResult {
  /** The stock read right after the adjustment was applied (or, for a replay, now). */
  readonly stock: StockLevel;
  /** The adjustment as recorded by the first request with the key. */
  readonly adjustment: StockAdjustment;
  /** `true` when the key had been used before with the same body: nothing was applied this time. */
  readonly replayed: boolean;
}

const sameRequest = (recorded: StockAdjustment, command: AdjustStockCommand): boolean =>
  recorded.delta === command.delta && recorded.reason === command.reason;

const currentStock = async (deps: AdjustStockDeps, sku: string): Promise<StockLevel> => {
  const level = await deps.stock.get(sku);
  if (!level) throw new StockNotFoundError(sku);
  return level;
};

/**
 * Receives (`delta` > 0) or writes off (`delta` < 0) units of a sku: atomic with the record of the
 * adjustment under its Idempotency-Key, so a retried request is applied once, and never taking
 * `available` below 0 (what is reserved stays reserved). Unlike `setStock` it needs no version:
 * adjustments commute with reservations and with each other.
 * @throws StockNotFoundError when the sku has no stock (nothing written).
 * @throws StockAdjustmentOutOfRangeError when `available + delta` would leave `0..MAX_AVAILABLE` (nothing written).
 * @throws AdjustmentKeyReusedError when the key was used for this sku with another delta or reason.
 * @throws StockAdjustmentContendedError when concurrent writes kept cancelling it (nothing written; retry with the key).
 */
export const adjustStock = async (
  deps: AdjustStockDeps,
  command: AdjustStockCommand,
  context: WriteContext,
): Promise<AdjustStockResult> => {
  const adjustment: StockAdjustment = { ...command, adjustedAt: deps.clock.now().toISOString() };
  const outcome = await deps.stock.adjust(adjustment, context);
  switch (outcome.outcome) {
    case 'applied':
      return { stock: await currentStock(deps, command.sku), adjustment, replayed: false };
    case 'duplicate':
      if (!sameRequest(outcome.adjustment, command)) throw new AdjustmentKeyReusedError(command.sku);
      return { stock: await currentStock(deps, command.sku), adjustment: outcome.adjustment, replayed: true };
    case 'no-stock':
      throw new StockNotFoundError(command.sku);
    case 'out-of-range':
      throw new StockAdjustmentOutOfRangeError(command.sku, command.delta, outcome.level.available);
  }
};
