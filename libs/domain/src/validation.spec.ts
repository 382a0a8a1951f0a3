import * as z from 'zod';
import { ValidationError } from './errors';
import { fieldIssuesFromZod, parseOperatorPayload, parseOrThrow } from './validation';

const schema = z.strictObject({
  name: z.string().max(3, { error: 'Too long.' }),
  price: z.strictObject({ amount: z.int({ error: 'Not an integer.' }) }),
});

describe('fieldIssuesFromZod', () => {
  it('names every bad field with a dotted path, unknown keys one by one', () => {
    const result = schema.safeParse({ name: 'long', price: { amount: 1.5, extra: 1 }, colour: 'red', size: 2 });
    expect(result.success).toBe(false);
    expect(fieldIssuesFromZod(result.error as z.ZodError)).toEqual([
      { field: 'name', message: 'Too long.' },
      { field: 'price.amount', message: 'Not an integer.' },
      { field: 'price.extra', message: 'Unknown field.' },
      { field: 'colour', message: 'Unknown field.' },
      { field: 'size', message: 'Unknown field.' },
    ]);
  });
});

describe('parseOrThrow', () => {
  it('says "Required." for each missing field', () => {
    const caught = (() => {
      try {
        return parseOrThrow(schema, { price: {} });
      } catch (error) {
        return error;
      }
    })();
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues).toEqual([
      { field: 'name', message: 'Required.' },
      { field: 'price.amount', message: 'Required.' },
    ]);
  });

  it('returns the typed data when valid', () => {
    expect(parseOrThrow(schema, { name: 'abc', price: { amount: 3 } })).toEqual({ name: 'abc', price: { amount: 3 } });
  });

  it('throws a ValidationError listing the issues, with the zod error as cause', () => {
    let caught: unknown;
    try {
      parseOrThrow(schema, { name: 'abcd', price: { amount: 1 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.kind).toBe('validation');
    expect(error.name).toBe('ValidationError');
    expect(error.issues).toEqual([{ field: 'name', message: 'Too long.' }]);
    expect(error.cause).toBeInstanceOf(z.core.$ZodError);
  });
});

describe('parseOperatorPayload', () => {
  const payload = { name: 'replay', expected: '{ "name", "price" }' };

  it('returns the typed payload', () => {
    expect(parseOperatorPayload(schema, { name: 'mug', price: { amount: 5 } }, payload)).toEqual({ name: 'mug', price: { amount: 5 } });
  });

  it('names every bad field and the expected shape in its message, for the operator', () => {
    const caught = (() => {
      try {
        return parseOperatorPayload(schema, { name: 'long', price: {}, colour: 'red' }, payload);
      } catch (error) {
        return error;
      }
    })();
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).message).toBe(
      'The replay payload is not valid (name: Too long.; price.amount: Required.; colour: Unknown field.); expected { "name", "price" }.',
    );
  });
});
