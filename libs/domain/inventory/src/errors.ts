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
