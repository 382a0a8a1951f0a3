import { InvalidPageCursorError, type ItemKey } from './errors';

/** Longest cursor accepted by {@link decodeCursor}; keys are small, so anything longer is not ours. */
export const MAX_CURSOR_LENGTH = 2048;

/** What a cursor of one query must look like, checked by {@link decodeCursor}. */
export interface CursorShape {
  /**
   * Exactly the attributes of the key DynamoDB returns as `LastEvaluatedKey` for this query:
   * the table's key, plus the index's key when querying an index.
   */
  readonly attributes: readonly string[];
  /**
   * Attributes whose value is fixed by the query (its partition key value), so a cursor cannot
   * move the query to another partition.
   */
  readonly fixed?: Readonly<Record<string, string | number>>;
}

/** Encodes a `LastEvaluatedKey` as an opaque, URL-safe cursor (base64url of its JSON). */
export const encodeCursor = (key: ItemKey): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/**
 * Decodes a cursor from {@link encodeCursor} back into an `ExclusiveStartKey`, validating it
 * against the query's {@link CursorShape}: base64url, a JSON object with exactly the expected
 * attributes, each a string or a finite number, fixed values unchanged.
 * @throws InvalidPageCursorError for anything else (malformed or tampered cursors).
 */
export const decodeCursor = (cursor: string, shape: CursorShape): Record<string, string | number> => {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw new InvalidPageCursorError('bad length');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidPageCursorError('not base64url');

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidPageCursorError('not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidPageCursorError('not a key object');
  }

  const key = parsed as Record<string, unknown>;
  const names = Object.keys(key);
  const expected = new Set(shape.attributes);
  if (names.length !== expected.size || !names.every((name) => expected.has(name))) {
    throw new InvalidPageCursorError('unexpected key attributes');
  }
  for (const name of names) {
    const value = key[name];
    const valid = (typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value));
    if (!valid) throw new InvalidPageCursorError(`bad value of ${name}`);
  }
  for (const [name, value] of Object.entries(shape.fixed ?? {})) {
    if (key[name] !== value) throw new InvalidPageCursorError(`cursor of another query (${name})`);
  }
  return key as Record<string, string | number>;
};
