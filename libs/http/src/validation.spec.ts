import { ValidationError } from '@shop/domain';
import * as z from 'zod';
import { MalformedJsonError } from './errors';
import { RequestEntityTooLargeError } from '@aws-lambda-powertools/event-handler/http';
import { MAX_JSON_BODY_BYTES, parseJson, parseJsonBody, parsePathParam, parseQuery, validateAll } from './validation';

const Body = z.strictObject({
  name: z.string().max(5, { error: 'Too long.' }),
  price: z.strictObject({ amount: z.int({ error: 'Not an integer.' }).nonnegative({ error: 'Negative.' }) }),
});

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return { name: error.name, issues: error.issues };
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('parseJson', () => {
  it('returns the typed body', () => {
    expect(parseJson(Body, '{"name":"Mug","price":{"amount":5}}')).toEqual({ name: 'Mug', price: { amount: 5 } });
  });

  it('lists every bad, missing and unknown field', () => {
    expect(issuesOf(() => parseJson(Body, '{"name":"Too long","price":{"amount":-1.5},"colour":"red"}'))).toEqual({
      name: 'ValidationError',
      issues: [
        { field: 'name', message: 'Too long.' },
        { field: 'price.amount', message: 'Not an integer.' },
        { field: 'colour', message: 'Unknown field.' },
      ],
    });
    expect(issuesOf(() => parseJson(Body, '{}')).issues.map((issue) => issue.field)).toEqual(['name', 'price']);
  });

  it('rejects malformed JSON', () => {
    expect(() => parseJson(Body, '{"name": ')).toThrow(MalformedJsonError);
    expect(issuesOf(() => parseJson(Body, '{"name": '))).toEqual({
      name: 'MalformedJsonError',
      issues: [{ field: 'body', message: 'The body must be valid JSON.' }],
    });
  });

  it('requires a body', () => {
    expect(issuesOf(() => parseJson(Body, null)).issues).toEqual([{ field: 'body', message: 'A JSON body is required.' }]);
    expect(issuesOf(() => parseJson(Body, '  ')).issues).toEqual([{ field: 'body', message: 'A JSON body is required.' }]);
  });

  it('refuses a body over the limit (413) before parsing it, counting UTF-8 bytes', () => {
    const padded = (bytes: number, char: string) =>
      `{"name":"${char.repeat(Math.floor((bytes - 30) / Buffer.byteLength(char)))}","price":{"amount":1}}`;
    expect(() => parseJson(Body, padded(MAX_JSON_BODY_BYTES + 100, 'x'))).toThrow(RequestEntityTooLargeError);
    expect(() => parseJson(Body, padded(MAX_JSON_BODY_BYTES + 100, 'é'))).toThrow(RequestEntityTooLargeError);
    // Just under the limit it is parsed (and refused for what it says, not for its size).
    expect(issuesOf(() => parseJson(Body, padded(MAX_JSON_BODY_BYTES - 100, 'x'))).issues).toEqual([
      { field: 'name', message: 'Too long.' },
    ]);
  });

  it('names the body when the JSON is not an object', () => {
    expect(issuesOf(() => parseJson(Body, '[1,2]')).issues.map((issue) => issue.field)).toEqual(['body']);
  });
});

describe('parseJsonBody', () => {
  it('reads a web Request body', async () => {
    const request = new Request('https://x/', { method: 'POST', body: '{"name":"Mug","price":{"amount":1}}' });
    await expect(parseJsonBody(Body, request)).resolves.toEqual({ name: 'Mug', price: { amount: 1 } });
  });
});

describe('parseQuery', () => {
  const Query = z.object({ category: z.string().min(1), limit: z.coerce.number().int().default(20) });

  it('parses the first value of each parameter', () => {
    expect(parseQuery(Query, new URLSearchParams('category=mugs&category=tea&limit=5'))).toEqual({
      category: 'mugs',
      limit: 5,
    });
  });

  it('names each bad parameter', () => {
    expect(issuesOf(() => parseQuery(Query, new URLSearchParams('limit=x'))).issues.map((i) => i.field)).toEqual(['category', 'limit']);
  });
});

describe('parsePathParam', () => {
  it('names the parameter when it is bad', () => {
    expect(issuesOf(() => parsePathParam(z.string().regex(/^[A-Z]+$/, { error: 'Bad.' }), 'abc', 'sku')).issues).toEqual([
      { field: 'sku', message: 'Bad.' },
    ]);
  });
});

describe('validateAll', () => {
  it('returns every parsed part', async () => {
    await expect(validateAll({ a: () => 1, b: async () => 'x' })).resolves.toEqual({ a: 1, b: 'x' });
  });

  it('merges the bad fields of every part into one error', async () => {
    const run = validateAll({
      sku: () => parsePathParam(z.string().min(3, { error: 'Short.' }), 'x', 'sku'),
      ok: () => 1,
      body: async () => parseJson(Body, '{"name":"Too long","price":{"amount":1}}'),
    });
    await expect(run).rejects.toEqual(
      new ValidationError([
        { field: 'sku', message: 'Short.' },
        { field: 'name', message: 'Too long.' },
      ]),
    );
    await run.catch((error: ValidationError) =>
      expect(error.issues).toEqual([
        { field: 'sku', message: 'Short.' },
        { field: 'name', message: 'Too long.' },
      ]),
    );
  });

  it('lets unexpected errors through', async () => {
    await expect(
      validateAll({
        a: () => {
          throw new RangeError('bug');
        },
      }),
    ).rejects.toThrow(RangeError);
  });
});
