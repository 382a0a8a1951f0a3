import { StockNotFoundError } from './errors';
import type { StockRepository } from './ports';
import type { StockLevel } from './stock';

/** What {@link getStock} needs. */
export interface GetStockDeps {
  readonly stock: Pick<StockRepository, 'get'>;
}

/**
 * The stock of one sku.
 * @throws StockNotFoundError when none was ever recorded.
 */
export const getStock = async (deps: GetStockDeps, sku: string): Promise<StockLevel> => {
  const level = await deps.stock.get(sku);
  if (!level) throw new StockNotFoundError(sku);
  return level;
};
