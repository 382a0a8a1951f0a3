import { ConflictError, NotFoundError, PreconditionFailedError, PreconditionRequiredError } from '@shop/domain';

/** No product has this sku. */
export class ProductNotFoundError extends NotFoundError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(`Product ${sku} does not exist.`, options);
    this.name = 'ProductNotFoundError';
  }
}

/** A product with this sku already exists (create is conditional on its absence). */
export class ProductAlreadyExistsError extends ConflictError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(`Product ${sku} already exists.`, options);
    this.name = 'ProductAlreadyExistsError';
  }
}

/** The product changed since the caller read it: the expected version is stale. */
export class VersionConflictError extends PreconditionFailedError {
  constructor(
    readonly sku: string,
    readonly expectedVersion: number,
    options?: ErrorOptions,
  ) {
    super(`Product ${sku} is not at version ${expectedVersion}; read it again and retry.`, options);
    this.name = 'VersionConflictError';
  }
}

/** An update arrived without the version it was based on (HTTP `If-Match`). */
export class VersionRequiredError extends PreconditionRequiredError {
  constructor(
    readonly sku: string,
    options?: ErrorOptions,
  ) {
    super(`Updating product ${sku} requires the version it is based on (If-Match).`, options);
    this.name = 'VersionRequiredError';
  }
}
