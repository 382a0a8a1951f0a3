import { ValidationError } from '@shop/domain';
import { etagOf, parseIfMatch } from './etag';

describe('etagOf', () => {
  it('is the version as a strong entity tag', () => {
    expect(etagOf({ version: 3 })).toBe('"3"');
  });
});

describe('parseIfMatch', () => {
  it('is undefined without the header', () => {
    expect(parseIfMatch(null, 'product')).toBeUndefined();
  });

  it.each([
    ['"3"', 3],
    ['3', 3],
    [' "42" ', 42],
  ])('reads %j as version %d', (value, version) => {
    expect(parseIfMatch(value, 'product')).toBe(version);
  });

  it('round-trips the tag etagOf makes', () => {
    expect(parseIfMatch(etagOf({ version: 7 }), 'stock')).toBe(7);
  });

  it.each(['*', 'W/"3"', '"0"', '"3", "4"', '"abc"', ''])('refuses %j, naming If-Match and the entity', (value) => {
    let thrown: unknown;
    try {
      parseIfMatch(value, 'stock');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toEqual([{ field: 'If-Match', message: 'If-Match must be the stock ETag, e.g. "3".' }]);
  });
});
