import { NotFoundError, PreconditionFailedError } from '@shop/domain';

export { OutOfStockError, OUT_OF_STOCK_ERROR, StockContentionError, STOCK_CONTENTION_ERROR } from '@shop/inventory-contracts';

/** No stock has been recorded for this sku. */
export class StockNotFoundError extends NotFoundError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(`No stock is recorded for ${sku}.`, options);
    this.name = 'StockNotFoundError';
  }
}

/** The stock changed since the administrator read it (`If-Match` is stale). */
export class StockVersionConflictError extends PreconditionFailedError {
  constructor(
    readonly sku: string,
    readonly expectedVersion: number,
    options?: ErrorOptions,
  ) {
    super(`The stock of ${sku} is not at version ${expectedVersion}; read it again and retry.`, options);
    this.name = 'StockVersionConflictError';
  }
}
