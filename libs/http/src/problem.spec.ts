import {
  MethodNotAllowedError,
  RequestEntityTooLargeError,
  NotFoundError as RouteNotFoundError,
} from '@aws-lambda-powertools/event-handler/http';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from '@shop/domain';
import { problemForError, problemResponse } from './problem';

const where = { instance: '/products/MUG-001', correlationId: 'corr-1' };

describe('problemForError', () => {
  it('maps a validation error to 400 listing every bad field', () => {
    const error = new ValidationError([
      { field: 'sku', message: 'Bad sku.' },
      { field: 'price.amount', message: 'Negative.' },
    ]);
    expect(problemForError(error, where)).toEqual({
      type: 'urn:shop:problem:validation-error',
      title: 'The request is not valid.',
      status: 400,
      detail: 'The request is not valid.',
      instance: '/products/MUG-001',
      correlationId: 'corr-1',
      errors: [
        { field: 'sku', message: 'Bad sku.' },
        { field: 'price.amount', message: 'Negative.' },
      ],
    });
  });

  it.each([
    [new UnauthorizedError(), 401],
    [new ForbiddenError(), 403],
    [new NotFoundError('Product X does not exist.'), 404],
    [new ConflictError('Product X already exists.'), 409],
    [new PreconditionFailedError('Stale.'), 412],
    [new PreconditionRequiredError('If-Match needed.'), 428],
    [new UnprocessableError('The basket is empty.'), 422],
  ])('maps %p to status %i with its message as detail', (error, status) => {
    const problem = problemForError(error);
    expect(problem.status).toBe(status);
    expect(problem.detail).toBe(error.message);
    expect(problem.errors).toBeUndefined();
  });

  it('maps an unprocessable request to 422 naming the offending items', () => {
    const error = new UnprocessableError('Product MUG-9 is not for sale.', [{ field: 'sku', message: 'MUG-9 is not for sale.' }]);
    expect(problemForError(error, where)).toEqual({
      type: 'urn:shop:problem:unprocessable',
      title: 'The request cannot be carried out in the current state.',
      status: 422,
      detail: 'Product MUG-9 is not for sale.',
      instance: '/products/MUG-001',
      correlationId: 'corr-1',
      errors: [{ field: 'sku', message: 'MUG-9 is not for sale.' }],
    });
  });

  it('maps the router own 404 and 405', () => {
    expect(problemForError(new RouteNotFoundError('Route /x for method GET not found'))).toEqual({
      type: 'about:blank',
      title: 'NotFoundError',
      status: 404,
      detail: 'No such resource.',
    });
    expect(problemForError(new MethodNotAllowedError()).status).toBe(405);
  });

  it('gives a specific problem its own type, title and extension members, which never shadow the standard ones', () => {
    class SeatTakenError extends ConflictError {
      override readonly problem = { code: 'seat-taken', title: 'The seat is taken.', extensions: { seat: '12A', status: 999 } };
    }
    expect(problemForError(new SeatTakenError('Seat 12A was taken a moment ago.'), where)).toEqual({
      type: 'urn:shop:problem:seat-taken',
      title: 'The seat is taken.',
      status: 409,
      detail: 'Seat 12A was taken a moment ago.',
      seat: '12A',
      ...where,
    });
  });

  it('maps a body over the limit to 413 with its detail', () => {
    expect(problemForError(new RequestEntityTooLargeError('The request body is larger than 16384 bytes.'))).toEqual({
      type: 'about:blank',
      title: 'RequestEntityTooLargeError',
      status: 413,
      detail: 'The request body is larger than 16384 bytes.',
    });
  });

  it('hides everything about an unexpected error behind a generic 500', () => {
    const problem = problemForError(new Error('ConditionalCheckFailed on table product-dev at line 42'), where);
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      instance: '/products/MUG-001',
      correlationId: 'corr-1',
    });
  });

  it('treats a thrown non-error as a 500 too', () => {
    expect(problemForError('boom').status).toBe(500);
  });
});

describe('problemResponse', () => {
  it('serialises the problem as application/problem+json with its status', async () => {
    const response = problemResponse({ type: 'about:blank', title: 'Not found.', status: 404 });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    await expect(response.json()).resolves.toEqual({ type: 'about:blank', title: 'Not found.', status: 404 });
  });
});
