import { NotFoundError, PreconditionFailedError } from '@shop/domain';

export { OutOfStockError, OUT_OF_STOCK_ERROR } from '@shop/inventory-contracts';

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

/** Error name of {@link StockContentionError}: transient, for the saga's Retry. */
export const STOCK_CONTENTION_ERROR = 'StockContentionError';

/**
 * Concurrent transactions on the same skus kept cancelling a reservation or a release (DynamoDB
 * `TransactionConflict`) after every retry. Nothing was written; calling again is safe. Transient:
 * the saga retries it.
 */
export class StockContentionError extends Error {
  constructor(
    readonly orderId: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(`Stock for order ${orderId} is contended: ${attempts} attempts were cancelled by concurrent transactions.`, options);
    this.name = STOCK_CONTENTION_ERROR;
  }
}
