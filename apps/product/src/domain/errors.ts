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

/**
 * Publishing stopped part-way through a page of the catalog replay (SNS refused or timed out).
 * Nothing is lost: the replay resumes from {@link resumeCursor}, the start of the failed page, and
 * the events published again there carry the same ids (consumers deduplicate them). The payload
 * keeps what is left of the run's `maxItems`, so a trial that failed stays a trial. The message
 * is written for the operator who invoked the function: it gives the payload to re-invoke with.
 */
export class RepublishInterruptedError extends Error {
  constructor(
    /** The cursor to re-invoke with (`undefined`: from the beginning). */
    readonly resumeCursor: string | undefined,
    /** Events this invocation published before the failing page. */
    readonly published: number,
    /** The replay's correlation id, to keep across the re-invocation. */
    readonly correlationId: string,
    options?: ErrorOptions & {
      /** What is left of the run's `maxItems`, to re-invoke with (`undefined`: the run had no limit). */
      readonly resumeMaxItems?: number;
    },
  ) {
    const maxItems = options?.resumeMaxItems;
    const resume = JSON.stringify({
      ...(resumeCursor === undefined ? {} : { cursor: resumeCursor }),
      ...(maxItems !== undefined && { maxItems }),
      correlationId,
    });
    super(`Republishing the catalog stopped after ${published} products; re-invoke with ${resume} to resume.`, options);
    this.name = 'RepublishInterruptedError';
  }
}
