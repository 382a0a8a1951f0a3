/**
 * The category of a domain error. Each kind has exactly one HTTP meaning (see `@shop/http`),
 * so domain code never talks about status codes.
 */
export type DomainErrorKind =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden';

/** What sets one problem apart from the generic one of its {@link DomainErrorKind}. */
export interface ProblemSpecifics {
  /** Stable, machine-readable name of the problem, kebab-case (`order-pending`). */
  readonly code: string;
  /** Short summary of the problem, the same for every occurrence. */
  readonly title: string;
  /** Facts a caller can act on, returned beside the message (never internals). */
  readonly extensions?: Readonly<Record<string, string | number | boolean>>;
}

/** One problem with one input field; `field` is a dotted path such as `price.amount`. */
export interface FieldIssue {
  /** Dotted path of the offending field (`''` when the whole input is at fault). */
  readonly field: string;
  /** Human readable reason, safe to show to the caller. */
  readonly message: string;
}

/**
 * Base class of every error the shop's domains raise on purpose. Its message is written for
 * the caller (it ends up in a 4xx problem+json `detail`), so it never carries internals.
 * Anything that is not a `DomainError` is treated as an unexpected failure (HTTP 500).
 */
export abstract class DomainError extends Error {
  /** What went wrong, independent of the transport. */
  abstract readonly kind: DomainErrorKind;
  /**
   * A problem a caller should tell apart from others of its kind, named once for every occurrence
   * (`code`, e.g. `order-pending`, and its `title`), with the facts the caller can act on
   * (`extensions`, e.g. `{ orderId }`). Absent for the kind's generic problem.
   */
  readonly problem?: ProblemSpecifics;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DomainError';
  }
}

/** Input does not satisfy its schema; lists every bad field. */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  /** Every bad field, in the order the schema found them. */
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], message = 'The request is not valid.', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** A pagination cursor that this service did not issue (or that was tampered with). */
export class InvalidCursorError extends ValidationError {
  constructor(field = 'cursor', options?: ErrorOptions) {
    super([{ field, message: 'Invalid pagination cursor.' }], 'The pagination cursor is not valid.', options);
    this.name = 'InvalidCursorError';
  }
}

/** The addressed resource does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** The request conflicts with the current state (e.g. a duplicate create). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConflictError';
  }
}

/** An optimistic-locking precondition (expected version) no longer holds. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed' as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PreconditionFailedError';
  }
}

/** A write that must be conditional (e.g. needs `If-Match`) arrived without its precondition. */
export class PreconditionRequiredError extends DomainError {
  readonly kind = 'precondition_required' as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PreconditionRequiredError';
  }
}

/**
 * The request is well-formed but breaks a business rule about the current state (an unknown or
 * deleted sku, an empty basket at checkout, an idempotency key reused for another request).
 * `issues` names the offending fields or items, as for a {@link ValidationError}.
 */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable' as const;
  /** The offending fields or items (may be empty). */
  readonly issues: readonly FieldIssue[];

  constructor(message: string, issues: readonly FieldIssue[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnprocessableError';
    this.issues = issues;
  }
}

/** There is no authenticated caller. */
export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized' as const;

  constructor(message = 'Authentication is required.', options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnauthorizedError';
  }
}

/** The caller is authenticated but not allowed to do this. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;

  constructor(message = 'You are not allowed to do this.', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ForbiddenError';
  }
}

/** Two amounts of money in different currencies were combined. */
export class CurrencyMismatchError extends DomainError {
  readonly kind = 'validation' as const;

  constructor(left: string, right: string, options?: ErrorOptions) {
    super(`Cannot combine ${left} with ${right}.`, options);
    this.name = 'CurrencyMismatchError';
  }
}

/** Narrows an unknown thrown value to a {@link DomainError}. */
export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
