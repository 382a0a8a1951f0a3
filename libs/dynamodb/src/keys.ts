import { InvalidKeyPartError } from './errors';

/** Separator of the parts of a composite key (`PRODUCT#ABC-123`). */
export const KEY_SEPARATOR = '#';

/**
 * Joins key parts into one composite key value: `compositeKey('PRODUCT', 'ABC-123')` is
 * `PRODUCT#ABC-123`. Parts are validated so keys stay unambiguous and parseable.
 * @throws InvalidKeyPartError when a part is empty or contains {@link KEY_SEPARATOR}.
 */
export const compositeKey = (...parts: readonly (string | number)[]): string =>
  parts
    .map((part) => {
      const text = String(part);
      if (text.length === 0 || text.includes(KEY_SEPARATOR)) throw new InvalidKeyPartError(text);
      return text;
    })
    .join(KEY_SEPARATOR);

/**
 * The parts after `prefix` of a composite key made by {@link compositeKey}
 * (`keyParts('PRODUCT#ABC-123', 'PRODUCT')` is `['ABC-123']`), or `undefined` when the value does
 * not start with that prefix.
 */
export const keyParts = (value: string, prefix: string): string[] | undefined => {
  const [head, ...rest] = value.split(KEY_SEPARATOR);
  return head === prefix && rest.length > 0 ? rest : undefined;
};
