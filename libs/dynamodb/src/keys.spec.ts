import { InvalidKeyPartError } from './errors';
import { compositeKey, keyParts } from './keys';

describe('compositeKey', () => {
  it('joins parts with "#"', () => {
    expect(compositeKey('PRODUCT', 'MUG-001')).toBe('PRODUCT#MUG-001');
    expect(compositeKey('ORDER', 'o-1', 'LINE', 2)).toBe('ORDER#o-1#LINE#2');
  });

  it.each([[''], ['A#B']])('rejects the ambiguous part %j', (part) => {
    expect(() => compositeKey('PRODUCT', part)).toThrow(InvalidKeyPartError);
  });
});

describe('keyParts', () => {
  it('returns the parts after the prefix', () => {
    expect(keyParts('PRODUCT#MUG-001', 'PRODUCT')).toEqual(['MUG-001']);
  });

  it('returns undefined for another prefix or a bare prefix', () => {
    expect(keyParts('CATEGORY#mugs', 'PRODUCT')).toBeUndefined();
    expect(keyParts('PRODUCT', 'PRODUCT')).toBeUndefined();
  });
});
