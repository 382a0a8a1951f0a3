import { ConflictError, NotFoundError, PreconditionFailedError, PreconditionRequiredError, UnprocessableError } from '@shop/domain';

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

/** A create (`If-None-Match: *`) of stock that already exists. */
export class StockAlreadyExistsError extends PreconditionFailedError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(`The stock of ${sku} already exists: read it and send If-Match with its ETag to change it, or adjust it.`, options);
    this.name = 'StockAlreadyExistsError';
  }
}

/** A write of the available units without a precondition: it would overwrite changes it never saw. */
export class StockPreconditionRequiredError extends PreconditionRequiredError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(
      `Setting the stock of ${sku} requires If-Match with the ETag you read (update) or If-None-Match: * (create); ` +
        'to receive or correct units, POST an adjustment.',
      options,
    );
    this.name = 'StockPreconditionRequiredError';
  }
}

/** An adjustment that would take `available` below 0 (below what is reserved) or above the bound. */
export class StockAdjustmentOutOfRangeError extends ConflictError {
  constructor(
    readonly sku: string,
    readonly delta: number,
    readonly available: number,
    options?: ErrorOptions,
  ) {
    super(
      delta < 0
        ? `Cannot remove ${-delta} units of ${sku}: only ${available} are available (reserved units cannot be removed).`
        : `Cannot add ${delta} units of ${sku}: ${available} are available and the stock would exceed its bound.`,
      options,
    );
    this.name = 'StockAdjustmentOutOfRangeError';
  }
}

/** Concurrent writes of the same sku kept cancelling the adjustment's transaction; nothing was applied. */
export class StockAdjustmentContendedError extends ConflictError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(`The stock of ${sku} is being changed by many requests at once; retry with the same Idempotency-Key.`, options);
    this.name = 'StockAdjustmentContendedError';
  }
}

/** An Idempotency-Key of a sku used again for an adjustment with another delta or reason. */
export class AdjustmentKeyReusedError extends UnprocessableError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(
      `This Idempotency-Key was already used for a different adjustment of ${sku}; use a new key.`,
      [{ field: 'Idempotency-Key', message: 'Already used for a different request.' }],
      options,
    );
    this.name = 'AdjustmentKeyReusedError';
  }
}
