import { HttpError } from '@aws-lambda-powertools/event-handler/http';
import { isDomainError, UnprocessableError, ValidationError, type DomainErrorKind, type FieldIssue } from '@shop/domain';

/** Media type of every error body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem details body, with the shop's `errors` and `correlationId` extensions. */
export interface ProblemDetails {
  /** URI naming the problem type (`urn:shop:problem:<slug>`, or `about:blank` for plain HTTP ones). */
  readonly type: string;
  /** Short summary of the problem type; the same for every occurrence. */
  readonly title: string;
  /** The HTTP status code. */
  readonly status: number;
  /** What went wrong this time, written for the caller. */
  readonly detail?: string;
  /** The request path this problem occurred on. */
  readonly instance?: string;
  /** Every bad field, for validation problems. */
  readonly errors?: readonly FieldIssue[];
  /** The request's correlation id, to quote when asking for support. */
  readonly correlationId?: string;
  /** Extension members of a specific problem (a domain error's `problem.extensions`, e.g. `orderId`). */
  readonly [extension: string]: unknown;
}

interface ProblemType {
  readonly status: number;
  readonly type: string;
  readonly title: string;
}

/** The one place a domain error kind gets its HTTP status and problem type. */
export const PROBLEM_TYPES: Readonly<Record<DomainErrorKind, ProblemType>> = {
  validation: { status: 400, type: 'urn:shop:problem:validation-error', title: 'The request is not valid.' },
  unauthorized: { status: 401, type: 'urn:shop:problem:unauthorized', title: 'Authentication is required.' },
  forbidden: { status: 403, type: 'urn:shop:problem:forbidden', title: 'Not allowed.' },
  not_found: { status: 404, type: 'urn:shop:problem:not-found', title: 'Not found.' },
  conflict: { status: 409, type: 'urn:shop:problem:conflict', title: 'Conflict with the current state.' },
  precondition_failed: {
    status: 412,
    type: 'urn:shop:problem:precondition-failed',
    title: 'The resource changed since it was read.',
  },
  precondition_required: {
    status: 428,
    type: 'urn:shop:problem:precondition-required',
    title: 'A conditional request is required.',
  },
  unprocessable: {
    status: 422,
    type: 'urn:shop:problem:unprocessable',
    title: 'The request cannot be carried out in the current state.',
  },
};

const INTERNAL: ProblemType = { status: 500, type: 'about:blank', title: 'Internal Server Error' };

/** Where the problem happened, copied into the body. */
export interface ProblemContext {
  readonly instance?: string;
  readonly correlationId?: string;
}

/**
 * THE mapper from errors to HTTP problems:
 * - `DomainError` (from `@shop/domain`): status by its kind, its message as `detail`, and for
 *   validation (and unprocessable) errors every bad field or item in `errors`; a specific problem
 *   (`error.problem`) gets its own type `urn:shop:problem:<code>`, its title and its extension members;
 * - Powertools event-handler `HttpError` (no route: 404, wrong method: 405...): its status;
 * - anything else: a generic 500 that says nothing about the cause (log it, never return it).
 */
export const problemForError = (error: unknown, context: ProblemContext = {}): ProblemDetails => {
  const where = {
    ...(context.instance === undefined ? {} : { instance: context.instance }),
    ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
  };
  if (isDomainError(error)) {
    const { status, type, title } = PROBLEM_TYPES[error.kind];
    const specific = error.problem;
    return {
      // The extension members first: they can never shadow a member RFC 9457 defines.
      ...specific?.extensions,
      type: specific ? `urn:shop:problem:${specific.code}` : type,
      title: specific?.title ?? title,
      status,
      detail: error.message,
      ...where,
      ...(error instanceof ValidationError ? { errors: error.issues } : {}),
      ...(error instanceof UnprocessableError && error.issues.length > 0 ? { errors: error.issues } : {}),
    };
  }
  if (error instanceof HttpError && error.statusCode < 500) {
    const status = error.statusCode;
    const detail =
      status === 404 ? 'No such resource.' : status === 405 ? 'Method not allowed here.' : status === 413 ? error.message : undefined;
    return { type: 'about:blank', title: error.errorType, status, ...(detail ? { detail } : {}), ...where };
  }
  return { ...INTERNAL, detail: 'An unexpected error occurred.', ...where };
};

/** A web `Response` carrying a problem as `application/problem+json`. */
export const problemResponse = (problem: ProblemDetails, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
  });
