import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH, type CursorShape } from './cursor';
import { InvalidPageCursorError } from './errors';

const shape: CursorShape = { attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], fixed: { gsi1pk: 'CATEGORY#mugs' } };
const key = { pk: 'PRODUCT#MUG-1', sk: 'PRODUCT', gsi1pk: 'CATEGORY#mugs', gsi1sk: 'MUG-1' };
const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it('round-trips a LastEvaluatedKey through an opaque URL-safe string', () => {
    const cursor = encodeCursor(key);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, shape)).toEqual(key);
  });

  it('accepts numeric key values', () => {
    expect(decodeCursor(encodeCursor({ id: 'a', n: 3 }), { attributes: ['id', 'n'] })).toEqual({ id: 'a', n: 3 });
  });

  it.each([
    ['an empty string', ''],
    ['too long a string', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
    ['non-base64url characters', 'abc+/='],
    ['base64 of something that is not JSON', b64('not json')],
    ['a JSON array', b64('[1,2]')],
    ['a JSON string', b64('"x"')],
    ['JSON null', b64('null')],
    ['a key with a missing attribute', encodeCursor({ pk: 'a', sk: 'b', gsi1pk: 'CATEGORY#mugs' })],
    ['a key with an extra attribute', encodeCursor({ ...key, admin: 'yes' })],
    ['a key with an object value', b64(JSON.stringify({ ...key, sk: { S: 'x' } }))],
    ['a key with an empty value', encodeCursor({ ...key, sk: '' })],
    ['a key of another partition', encodeCursor({ ...key, gsi1pk: 'CATEGORY#secret' })],
  ])('rejects %s', (_label, cursor) => {
    expect(() => decodeCursor(cursor, shape)).toThrow(InvalidPageCursorError);
  });

  it('names why a cursor was rejected, for the logs', () => {
    expect(() => decodeCursor(encodeCursor({ ...key, gsi1pk: 'CATEGORY#secret' }), shape)).toThrow(
      'Invalid pagination cursor: cursor of another query (gsi1pk).',
    );
  });
});
