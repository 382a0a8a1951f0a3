import { ValidationError } from '@shop/domain';

/** Anything with an optimistic-locking version (a positive integer bumped by every write). */
export interface Versioned {
  readonly version: number;
}

/** An entity's version as a strong entity tag (`"3"`), sent as `ETag` so a client can send it back in `If-Match`. */
export const etagOf = (entity: Versioned): string => `"${entity.version}"`;

/**
 * Reads an `If-Match` header carrying one of {@link etagOf}'s tags (`"3"`, or a bare `3`): the
 * version a change is based on. Weak tags, `*` and lists are refused: a conditional write needs
 * exactly one version.
 * @param value the header's value, `null` when absent.
 * @param entity what the tag belongs to, named in the error message (`product`, `stock`...).
 * @returns the version, or `undefined` when there is no header (whether that is allowed is the route's call).
 * @throws ValidationError naming the field `If-Match` when the value is not such a tag.
 */
export const parseIfMatch = (value: string | null, entity: string): number | undefined => {
  if (value === null) return undefined;
  const match = /^\s*"?([1-9]\d{0,14})"?\s*$/.exec(value);
  if (!match?.[1]) throw new ValidationError([{ field: 'If-Match', message: `If-Match must be the ${entity} ETag, e.g. "3".` }]);
  return Number(match[1]);
};
