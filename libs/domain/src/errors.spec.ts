import {
  ConflictError,
  DomainError,
  InvalidCursorError,
  isDomainError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from './errors';

describe('domain errors', () => {
  it('carry their kind, name and cause', () => {
    const cause = new Error('low level');
    const error = new NotFoundError('Order 1 does not exist.', { cause });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('not_found');
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe('Order 1 does not exist.');
    expect(error.cause).toBe(cause);
  });

  it('reports an invalid cursor as a validation error on the cursor field', () => {
    const error = new InvalidCursorError();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('InvalidCursorError');
    expect(error.issues).toEqual([{ field: 'cursor', message: 'Invalid pagination cursor.' }]);
  });

  it('names the offending items of an unprocessable request', () => {
    const error = new UnprocessableError('Product MUG-9 is not for sale.', [{ field: 'sku', message: 'MUG-9 is not for sale.' }]);
    expect(error.kind).toBe('unprocessable');
    expect(error.name).toBe('UnprocessableError');
    expect(error.issues).toEqual([{ field: 'sku', message: 'MUG-9 is not for sale.' }]);
    expect(new UnprocessableError('Basket is empty.').issues).toEqual([]);
  });

  it('tells domain errors from anything else', () => {
    expect(isDomainError(new ConflictError('dup'))).toBe(true);
    expect(isDomainError(new Error('boom'))).toBe(false);
    expect(isDomainError('boom')).toBe(false);
  });
});
