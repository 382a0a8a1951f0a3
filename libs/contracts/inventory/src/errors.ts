/**
 * Error name `ReserveStock` fails with when any line is short (nothing is reserved then). A business
 * failure: the saga's Catch on this name cancels the order `OUT_OF_STOCK`; it is never retried.
 */
export const OUT_OF_STOCK_ERROR = 'OutOfStockError';

/**
 * Thrown by `ReserveStock` when any line cannot be reserved. Its `name` is {@link OUT_OF_STOCK_ERROR},
 * which the Lambda runtime reports as the error type Step Functions matches in `Catch`.
 */
export class OutOfStockError extends Error {
  /** The skus that were short. */
  readonly skus: readonly string[];

  constructor(skus: readonly string[], options?: ErrorOptions) {
    super(`Not enough stock for ${skus.join(', ')}.`, options);
    this.name = OUT_OF_STOCK_ERROR;
    this.skus = skus;
  }
}

/**
 * Error name `ReserveStock` and `ReleaseStock` fail with when concurrent transactions on the same
 * skus kept cancelling theirs. Transient: nothing was written, so the saga's Retry calls again.
 */
export const STOCK_CONTENTION_ERROR = 'StockContentionError';

/**
 * Concurrent transactions on the same skus kept cancelling a reservation or a release (DynamoDB
 * `TransactionConflict`) after every retry. Nothing was written; calling again is safe. Its `name`
 * is {@link STOCK_CONTENTION_ERROR}, which the saga's Retry matches.
 */
export class StockContentionError extends Error {
  /** The order whose reservation or release was contended. */
  readonly orderId: string;
  /** How many attempts were cancelled. */
  readonly attempts: number;

  constructor(orderId: string, attempts: number, options?: ErrorOptions) {
    super(`Stock for order ${orderId} is contended: ${attempts} attempts were cancelled by concurrent transactions.`, options);
    this.name = STOCK_CONTENTION_ERROR;
    this.orderId = orderId;
    this.attempts = attempts;
  }
}
